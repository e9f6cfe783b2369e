// Page-world API: window.openAisle, for cooperating storefronts.
// Defined on allowed origins in the main frame only. It holds no channel:
// every call travels as a JSON string to the isolated relay.
(function (config) {
  "use strict";

  if (window.top !== window) return;
  if (config.allowedOrigins.indexOf(location.origin) < 0) return;
  if (Object.prototype.hasOwnProperty.call(window, "openAisle")) return;

  // Captured now, before any page script can replace them.
  const names = config.events;
  const dispatch = window.dispatchEvent.bind(window);
  const listen = window.addEventListener.bind(window);
  const Custom = CustomEvent;
  const parse = JSON.parse;
  const stringify = JSON.stringify;
  const PromiseCtor = Promise;
  const ErrorCtor = Error;
  const freeze = Object.freeze;

  const pending = new Map();
  const listeners = new Set();
  const queue = [];
  let nextId = 1;
  let isReady = false;
  let resolveReady = null;
  const ready = new PromiseCtor((resolve) => {
    resolveReady = resolve;
  });

  const post = (text) => dispatch(new Custom(names.request, { detail: text }));

  const failure = (code, message) => {
    const error = new ErrorCtor(`openAisle: ${message}`);
    error.code = code;
    return error;
  };

  const readJson = (text) => {
    if (typeof text !== "string") return null;
    try {
      const value = parse(text);
      return value !== null && typeof value === "object" ? value : null;
    } catch (error) {
      return null;
    }
  };

  const call = (build) =>
    new PromiseCtor((resolve, reject) => {
      const id = nextId++;
      const text = stringify(Object.assign({ id }, build()));
      if (text.length > config.maxMessageBytes) {
        reject(failure("too_large", "the message is too large"));
        return;
      }
      pending.set(id, { resolve, reject });
      if (isReady) {
        post(text);
      } else {
        queue.push(text);
      }
    });

  listen(names.ready, () => {
    if (isReady) return;
    isReady = true;
    resolveReady();
    queue.splice(0).forEach(post);
  });

  listen(names.reply, (event) => {
    const reply = readJson(event.detail);
    if (reply === null || !pending.has(reply.id)) return;
    const { resolve, reject } = pending.get(reply.id);
    pending.delete(reply.id);
    if (reply.ok === true) {
      resolve(reply.result);
    } else {
      const error = reply.error || {};
      reject(failure(String(error.code), String(error.message)));
    }
  });

  listen(names.event, (event) => {
    for (const callback of Array.from(listeners)) {
      const message = readJson(event.detail);
      if (message === null) return;
      try {
        callback(message.result);
      } catch (error) {
        setTimeout(() => {
          throw error;
        });
      }
    }
  });

  const api = freeze({
    version: config.version,
    ready,
    addToBasket(item) {
      return call(() => {
        const line = Object(item);
        return { type: "add_to_basket", sku: line.sku, quantity: line.quantity };
      });
    },
    getStock(sku) {
      return call(() => ({ type: "get_stock", sku }));
    },
    getBasket() {
      return call(() => ({ type: "get_basket" }));
    },
    onBasketChanged(callback) {
      if (typeof callback !== "function") {
        throw new TypeError("openAisle.onBasketChanged needs a function");
      }
      listeners.add(callback);
      return () => {
        listeners.delete(callback);
      };
    },
  });

  Object.defineProperty(window, "openAisle", {
    value: api,
    enumerable: true,
    configurable: false,
    writable: false,
  });

  dispatch(new Custom(names.hello, { detail: "" }));
})
