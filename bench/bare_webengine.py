"""The reference: a bare QtWebEngine window with one QWebChannel object.

    python -m bench.bare_webengine start   # print READY at the first call
    python -m bench.bare_webengine echo --calls 200

``start`` prints a ``READY`` line on stdout when the page's first call
reaches Python, then keeps the window open until its stdin closes (so the
parent can weigh the process tree). ``echo`` times round trips of a string
from the page to a Python slot and back, measured in the page, and prints
the times as a benchmark result.
"""

from __future__ import annotations

import argparse
import json
import sys

from bench.common import emit_result, prepare_this_process

READY_LINE = "READY"

# The page script: connect, make the first call, then the echo loop if asked.
PAGE_SCRIPT = """
new QWebChannel(qt.webChannelTransport, async (channel) => {
  const probe = channel.objects.probe;
  probe.first("hello");
  const calls = %d;
  if (!calls) return;
  const times = [];
  for (let i = 0; i < calls; i++) {
    const started = performance.now();
    await new Promise((resolve) => probe.echo("85123A x1", resolve));
    times.push(performance.now() - started);
  }
  probe.report(JSON.stringify(times));
});
"""

PAGE_HTML = (
    "<!doctype html><html><head><title>bare</title></head>"
    "<body><p>bare page</p></body></html>"
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=["start", "echo"])
    parser.add_argument("--calls", type=int, default=200)
    args = parser.parse_args()
    calls = args.calls if args.mode == "echo" else 0

    prepare_this_process()
    from PySide6.QtCore import QFile, QIODevice, QObject, QSocketNotifier, QUrl, Slot
    from PySide6.QtWebChannel import QWebChannel
    from PySide6.QtWebEngineCore import QWebEnginePage, QWebEngineScript
    from PySide6.QtWebEngineWidgets import QWebEngineView
    from PySide6.QtWidgets import QApplication

    class Probe(QObject):
        """The one object on the channel."""

        @Slot(str)
        def first(self, _text: str) -> None:
            """The first call: the page can reach Python."""
            if args.mode == "start":
                print(READY_LINE, flush=True)

        @Slot(str, result=str)
        def echo(self, text: str) -> str:
            """Send ``text`` straight back."""
            return text

        @Slot(str)
        def report(self, times: str) -> None:
            """The page's timings; the run ends here."""
            emit_result({"times_ms": json.loads(times)})
            app.quit()

    app = QApplication(sys.argv[:1])
    source = QFile(":/qtwebchannel/qwebchannel.js")
    source.open(QIODevice.OpenModeFlag.ReadOnly)
    channel_js = bytes(source.readAll().data()).decode("utf-8")

    view = QWebEngineView()
    page = QWebEnginePage(view)
    view.setPage(page)
    script = QWebEngineScript()
    script.setSourceCode(channel_js + PAGE_SCRIPT % calls)
    script.setWorldId(QWebEngineScript.ScriptWorldId.MainWorld)
    script.setInjectionPoint(QWebEngineScript.InjectionPoint.DocumentReady)
    page.scripts().insert(script)

    probe = Probe()
    channel = QWebChannel(page)
    channel.registerObject("probe", probe)
    page.setWebChannel(channel)

    if args.mode == "start":
        # Stay up until the parent closes our stdin.
        notifier = QSocketNotifier(sys.stdin.fileno(), QSocketNotifier.Type.Read)
        notifier.activated.connect(app.quit)

    page.setHtml(PAGE_HTML, QUrl("about:blank"))
    view.resize(1280, 800)
    view.show()
    code = app.exec()

    view.setPage(None)
    del page, view
    return code


if __name__ == "__main__":
    raise SystemExit(main())
