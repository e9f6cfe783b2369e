// Isolated-world relay between the page-world API and the QWebChannel.
// Runs in the main frame only, on allowed origins only; the page cannot see
// this world, the channel or its transport. Payloads cross the shared DOM as
// JSON strings in CustomEvents.
(function (config) {
  "use strict";

  if (window.top !== window) return;
  const allowed = () => config.allowedOrigins.indexOf(location.origin) >= 0;
  if (!allowed()) return;
  if (typeof qt === "undefined" || !qt.webChannelTransport) return;

  const names = config.events;
  const queue = [];
  let bridge = null;

  const toPage = (name, text) => {
    window.dispatchEvent(new CustomEvent(name, { detail: text }));
  };

  const forward = (text) => {
    if (!allowed()) return;
    if (bridge !== null) {
      bridge.post(text);
    } else if (queue.length < config.maxQueued) {
      queue.push(text);
    }
  };

  window.addEventListener(names.request, (event) => {
    const text = event.detail;
    if (typeof text !== "string" || text.length > config.maxMessageBytes) return;
    forward(text);
  });

  window.addEventListener(names.hello, () => {
    if (bridge !== null) toPage(names.ready, "");
  });

  new QWebChannel(qt.webChannelTransport, (channel) => {
    bridge = channel.objects[config.objectName];
    bridge.reply_ready.connect((text) => toPage(names.reply, text));
    bridge.basket_changed.connect((text) => toPage(names.event, text));
    queue.splice(0).forEach((text) => bridge.post(text));
    toPage(names.ready, "");
  });
})
