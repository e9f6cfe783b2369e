"""Real QtWebEngine off screen for the bridge: a test scheme, a page, a loop.

The test scheme ``oatest`` is registered at import time, before pytest-qt
creates the QApplication. Its pages come from a dictionary filled by each
test; every other request is blocked, so nothing leaves the machine.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable, Iterator
from typing import Any, TypeVar

import pytest
import qasync
import shiboken6
from PySide6.QtCore import QBuffer, QByteArray, QEventLoop, QIODevice, QUrl
from PySide6.QtWebEngineCore import (
    QWebEnginePage,
    QWebEngineProfile,
    QWebEngineScript,
    QWebEngineUrlRequestInfo,
    QWebEngineUrlRequestInterceptor,
    QWebEngineUrlRequestJob,
    QWebEngineUrlScheme,
    QWebEngineUrlSchemeHandler,
)

from bridge.messages import BasketLineView, BasketView, MoneyView, StockView
from bridge.saved_pages import register_saved_page_scheme

TEST_SCHEME = b"oatest"
T = TypeVar("T")


def _register_test_scheme() -> None:
    if QWebEngineUrlScheme.schemeByName(TEST_SCHEME).name():
        return
    scheme = QWebEngineUrlScheme(TEST_SCHEME)
    scheme.setSyntax(QWebEngineUrlScheme.Syntax.Host)
    scheme.setFlags(QWebEngineUrlScheme.Flag.SecureScheme)
    QWebEngineUrlScheme.registerScheme(scheme)


_register_test_scheme()
register_saved_page_scheme()


class TestPages(QWebEngineUrlSchemeHandler):
    """Serves ``oatest://<host><path>`` from a dictionary."""

    def __init__(self) -> None:
        super().__init__()
        self.pages: dict[str, str] = {}

    def requestStarted(self, job: QWebEngineUrlRequestJob) -> None:
        url = job.requestUrl()
        html = self.pages.get(f"{url.host()}{url.path() or '/'}")
        if html is None:
            job.fail(QWebEngineUrlRequestJob.Error.UrlNotFound)
            return

        body = QBuffer(job)
        body.setData(QByteArray(html.encode("utf-8")))
        body.open(QIODevice.OpenModeFlag.ReadOnly)
        job.reply(QByteArray(b"text/html"), body)


class OnlyTestScheme(QWebEngineUrlRequestInterceptor):
    """Blocks every request that is not for the test scheme."""

    def interceptRequest(self, info: QWebEngineUrlRequestInfo) -> None:
        if info.requestUrl().scheme() not in ("oatest", "data", "about"):
            info.block(True)


class RecordingPage(QWebEnginePage):
    """A page that keeps its JavaScript console messages."""

    def __init__(self, profile: QWebEngineProfile) -> None:
        super().__init__(profile)
        self.console: list[tuple[str, str]] = []

    def javaScriptConsoleMessage(
        self,
        level: QWebEnginePage.JavaScriptConsoleMessageLevel,
        message: str,
        line: int,
        source: str,
    ) -> None:
        self.console.append((level.name, message))

    def console_errors(self) -> list[str]:
        """Console lines at error level."""
        return [text for level, text in self.console if "Error" in level]


class FakeHost:
    """A basket in memory; every SKU costs 2.50 GBP."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, ...]] = []
        self.quantities: dict[str, int] = {}
        self.fail_with: Exception | None = None

    async def add_to_basket(self, sku: str, quantity: int) -> BasketView:
        self.calls.append(("add_to_basket", sku, str(quantity)))
        if self.fail_with is not None:
            raise self.fail_with
        self.quantities[sku] = self.quantities.get(sku, 0) + quantity
        return self.basket()

    async def get_stock(self, sku: str) -> StockView:
        self.calls.append(("get_stock", sku))
        return StockView.model_validate(
            {
                "here": [
                    {
                        "location_id": "tesco-1",
                        "name": "Here",
                        "kind": "store",
                        "atp": 4,
                    }
                ],
                "nearby": [],
                "stale": True,
                "as_of": "2024-05-01T10:00:00+00:00",
            }
        )

    async def get_basket(self) -> BasketView:
        self.calls.append(("get_basket",))
        return self.basket()

    def basket(self) -> BasketView:
        """The basket as the page sees it."""
        lines = [
            BasketLineView(
                sku=sku,
                name=f"Item {sku}",
                quantity=quantity,
                unit_price=MoneyView(amount=250, currency="GBP"),
                line_total=MoneyView(amount=250 * quantity, currency="GBP"),
            )
            for sku, quantity in self.quantities.items()
        ]
        total = sum(line.line_total.amount for line in lines)
        return BasketView(
            lines=lines,
            total=MoneyView(amount=total, currency="GBP"),
            count=sum(self.quantities.values()),
        )


@pytest.fixture(scope="session")
def test_pages() -> TestPages:
    """The pages the test scheme serves."""
    return TestPages()


@pytest.fixture(scope="session")
def finished_pages() -> list[QWebEnginePage]:
    """Pages of tests that are over, deleted together at the end."""
    return []


@pytest.fixture(scope="session")
def profile(
    qapp: Any, test_pages: TestPages, finished_pages: list[QWebEnginePage]
) -> Iterator[QWebEngineProfile]:
    """An off-the-record profile with the test scheme and no network.

    Pages are deleted at the end, before the profile: deleting a page while
    the next test's loop runs brings QCoreApplication.exit() down.
    """
    profile = QWebEngineProfile()
    interceptor = OnlyTestScheme(profile)
    profile.setUrlRequestInterceptor(interceptor)
    profile.installUrlSchemeHandler(TEST_SCHEME, test_pages)
    yield profile
    for page in finished_pages:
        shiboken6.delete(page)
    profile.removeAllUrlSchemeHandlers()
    shiboken6.delete(profile)


@pytest.fixture
def page(
    profile: QWebEngineProfile,
    test_pages: TestPages,
    finished_pages: list[QWebEnginePage],
) -> Iterator[RecordingPage]:
    """A fresh page; it stops loading when its test ends."""
    page = RecordingPage(profile)
    yield page
    page.triggerAction(QWebEnginePage.WebAction.Stop)
    finished_pages.append(page)
    test_pages.pages.clear()


@pytest.fixture(scope="session")
def loop(qapp: Any) -> Iterator[asyncio.AbstractEventLoop]:
    """An asyncio loop on Qt's event loop, as the app runs it.

    One for the whole session, like the app's: a qasync loop closed and
    replaced on the same QApplication does not survive the next run.
    """
    event_loop = qasync.QEventLoop(qapp, already_running=False)
    yield event_loop
    event_loop.close()


@pytest.fixture
def run(
    loop: asyncio.AbstractEventLoop,
) -> Callable[[Awaitable[T]], T]:
    """Run one scenario to its end on the loop, with a time limit.

    qasync's own ``run_until_complete`` ends with ``QCoreApplication.exit()``,
    which emits ``aboutToQuit``: QtWebEngine then shuts down and the second
    run crashes. A local QEventLoop turns the same loop without quitting.
    """

    def run_scenario(scenario: Awaitable[T]) -> T:
        task = loop.create_task(asyncio.wait_for(scenario, timeout=30))
        waiter = QEventLoop()
        task.add_done_callback(lambda _: waiter.quit())
        asyncio.events._set_running_loop(loop)
        try:
            if not task.done():
                waiter.exec()
        finally:
            asyncio.events._set_running_loop(None)
        return task.result()

    return run_scenario


async def load(page: QWebEnginePage, url: str) -> bool:
    """Load ``url`` and wait for the load to finish.

    A navigation from a foreign page to an allowed one is started twice by
    the bridge (the first attempt ends with ``ok`` false), so a failed load
    counts only when no second one follows.
    """
    outcomes: asyncio.Queue[bool] = asyncio.Queue()
    page.loadFinished.connect(outcomes.put_nowait)
    try:
        page.load(QUrl(url))
        ok = await outcomes.get()
        while not ok:
            try:
                ok = await asyncio.wait_for(outcomes.get(), timeout=1)
            except TimeoutError:
                return False
        return True
    finally:
        page.loadFinished.disconnect(outcomes.put_nowait)


async def reload(page: QWebEnginePage) -> bool:
    """Reload the page and wait for the load to finish."""
    done: asyncio.Future[bool] = asyncio.get_running_loop().create_future()

    def finished(ok: bool) -> None:
        if not done.done():
            done.set_result(ok)

    page.loadFinished.connect(finished)
    try:
        page.triggerAction(QWebEnginePage.WebAction.Reload)
        return await done
    finally:
        page.loadFinished.disconnect(finished)


async def evaluate(
    page: QWebEnginePage,
    code: str,
    world: int = QWebEngineScript.ScriptWorldId.MainWorld,
) -> Any:
    """The value of a JavaScript expression (no promises)."""
    done: asyncio.Future[Any] = asyncio.get_running_loop().create_future()

    def finished(value: Any) -> None:
        if not done.done():
            done.set_result(value)

    page.runJavaScript(code, world, finished)
    return await done


async def settle(page: QWebEnginePage, code: str) -> dict[str, Any]:
    """Await a JavaScript promise in the main world.

    Returns ``{"value": ...}`` or ``{"error": {"code", "message"}}``.
    """
    start = (
        "window.__settled = null;"
        f"Promise.resolve().then(() => ({code})).then("
        "  (value) => { window.__settled = JSON.stringify({value}); },"
        "  (error) => { window.__settled = JSON.stringify({error: "
        "    {code: error && error.code, message: String(error && error.message)}"
        "  }); });"
        "true"
    )
    await evaluate(page, start)
    while True:
        text = await evaluate(page, "window.__settled")
        if text:
            return json.loads(text)
        await asyncio.sleep(0.02)
