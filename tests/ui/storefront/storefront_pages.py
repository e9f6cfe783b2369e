"""Test support: a page that keeps its console, and a way to run scenarios
on a qasync loop without quitting the application."""

from __future__ import annotations

import asyncio
import json

import qasync
from PySide6.QtCore import QEventLoop, QTimer, QUrl
from PySide6.QtWebEngineCore import QWebEnginePage, QWebEngineProfile

LOAD_TIMEOUT_S = 20.0


class ShopPage(QWebEnginePage):
    """A page that keeps the JavaScript console instead of logging it."""

    def __init__(self, profile: QWebEngineProfile) -> None:
        super().__init__(profile)
        self.console: list[tuple[str, str]] = []

    def javaScriptConsoleMessage(self, level, message, line, source) -> None:
        self.console.append((level.name, message))

    def errors(self) -> list[str]:
        """Console lines at warning level or above."""
        return [m for level, m in self.console if not level.startswith("Info")]

    async def open(self, url: str) -> bool:
        """Load ``url`` and return whether it loaded."""
        done: asyncio.Future[bool] = asyncio.get_running_loop().create_future()

        def finished(ok: bool) -> None:
            if not done.done():
                done.set_result(ok)

        self.loadFinished.connect(finished)
        try:
            self.setUrl(QUrl(url))
            return await asyncio.wait_for(done, LOAD_TIMEOUT_S)
        finally:
            self.loadFinished.disconnect(finished)

    async def js(self, expression: str) -> object:
        """The value of a JavaScript expression in the page, through JSON."""
        done: asyncio.Future[object] = asyncio.get_running_loop().create_future()

        def result(value: object) -> None:
            if not done.done():
                done.set_result(value)

        self.runJavaScript(f"JSON.stringify({expression})", 0, result)
        text = await asyncio.wait_for(done, LOAD_TIMEOUT_S)
        return None if text in (None, "") else json.loads(text)

    async def wait_for_js(self, script: str, timeout_s: float = 10.0) -> object:
        """Poll ``script`` until it gives a truthy value."""
        deadline = asyncio.get_running_loop().time() + timeout_s
        while True:
            value = await self.js(script)
            if value:
                return value
            if asyncio.get_running_loop().time() > deadline:
                raise TimeoutError(f"page never satisfied: {script}")
            await asyncio.sleep(0.05)


class QtAsyncRunner:
    """Runs a coroutine on a qasync loop inside a nested Qt event loop.

    ``QEventLoop.run_until_complete`` would run and then quit the
    application's own event loop; QtWebEngine shuts down for good when the
    application quits, so a second test would crash. Here the loop is marked
    running only while a coroutine runs, and Qt spins in a local event loop.
    """

    def __init__(self, loop: qasync.QEventLoop) -> None:
        self.loop = loop

    def run_until_complete(self, coro, timeout_s: float = 60.0):
        task = self.loop.create_task(coro)
        waiter = QEventLoop()
        task.add_done_callback(lambda _: waiter.quit())
        QTimer.singleShot(int(timeout_s * 1000), waiter.quit)
        asyncio.events._set_running_loop(self.loop)
        try:
            if not task.done():
                waiter.exec()
        finally:
            asyncio.events._set_running_loop(None)

        if not task.done():
            task.cancel()
            raise TimeoutError(f"the scenario did not finish in {timeout_s} s")
        return task.result()
