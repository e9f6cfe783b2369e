"""The whole app, driven as an associate would: real page, bridge, engine.

The storefront scheme is registered at import, before pytest-qt creates the
QApplication. Scenarios run on one qasync loop for the session, turned by a
local QEventLoop (qasync's own run_until_complete quits the application and
QtWebEngine does not survive that).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest
import qasync
import shiboken6
from PySide6.QtCore import QEventLoop
from PySide6.QtWebEngineCore import QWebEngineProfile

from offline_store import AsyncDeviceStore, SyncWorker
from oms_client import OmsClient
from pos_app.background import BackgroundTasks
from pos_app.order_sync import engine_sender
from pos_app.services import Services
from pos_app.settings import AppSettings
from pos_app.storefront.scheme import register_storefront_scheme
from pos_app.till import Till

register_storefront_scheme()

T = TypeVar("T")

# A very large store among the test template's real stores.
STORE_ID = "store-0006"


@pytest.fixture(scope="session")
def loop(qapp: Any) -> Iterator[asyncio.AbstractEventLoop]:
    """One asyncio loop on Qt's event loop, as the app runs it."""
    event_loop = qasync.QEventLoop(qapp, already_running=False)
    yield event_loop
    event_loop.close()


@pytest.fixture
def run(loop: asyncio.AbstractEventLoop) -> Callable[[Awaitable[T]], T]:
    """Run one scenario to its end, with a time limit."""

    def run_scenario(scenario: Awaitable[T], timeout: float = 90) -> T:
        task = loop.create_task(asyncio.wait_for(scenario, timeout=timeout))
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


@pytest.fixture(scope="session")
def profile(qapp: Any) -> Iterator[QWebEngineProfile]:
    """An off-the-record profile, deleted after every page of the session."""
    profile = QWebEngineProfile()
    yield profile
    for till in _finished_tills:
        shiboken6.delete(till.page)
    shiboken6.delete(profile)


_finished_tills: list[Till] = []


@pytest.fixture
def open_till(
    run: Callable[..., Any], profile: QWebEngineProfile, tmp_path: Path
) -> Iterator[Callable[[OmsClient], Till]]:
    """Open a till on a fresh device database, talking to ``client``."""
    opened: list[Till] = []

    def opener(client: OmsClient) -> Till:
        async def build() -> Till:
            store = await AsyncDeviceStore.open(tmp_path / "device.sqlite3")
            home = await client.get_location(STORE_ID)
            worker = SyncWorker(
                store, engine_sender(client), base_delay=0.2, max_delay=1.0
            )
            settings = AppSettings(store_id=STORE_ID)
            services = Services(settings, store, client, home, worker)
            till = Till(services, profile, BackgroundTasks())
            till.window.resize(1366, 860)
            till.window.show()
            services.start_sync()
            return till

        till = run(build())
        opened.append(till)
        return till

    yield opener

    for till in opened:
        run(_close(till))
        _finished_tills.append(till)


async def _close(till: Till) -> None:
    await till.shutdown()
    await till.services.aclose()


async def settled(till: Till, order_id: object) -> None:
    """Wait until the order placed is open in the order view and the till's
    background calls are done, so none is in flight when the scenario ends."""
    await until(
        lambda: till.window.order_view.order_id == str(order_id),
        timeout=30,
        what="the order placed in the order view",
    )
    await until(lambda: till.tasks.pending == 0, what="the background calls")


async def until(
    condition: Callable[[], Any], *, timeout: float = 20, what: str = ""
) -> Any:
    """Wait until ``condition()`` is truthy (sync or async), or fail."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        value = condition()
        if asyncio.iscoroutine(value):
            value = await value
        if value:
            return value
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"timed out waiting for {what or condition}")
        await asyncio.sleep(0.05)


async def run_js(till: Till, code: str) -> Any:
    """Run ``code`` in the page's own world and return its value."""
    result = asyncio.get_running_loop().create_future()
    till.page.runJavaScript(code, 0, result.set_result)
    return await asyncio.wait_for(result, 10)


async def open_page(till: Till, url: str) -> None:
    """Load ``url`` in the till's web view and wait for the page."""
    from PySide6.QtCore import QUrl

    finished = asyncio.get_running_loop().create_future()

    def on_finished(ok: bool) -> None:
        if not finished.done():
            finished.set_result(ok)

    till.page.loadFinished.connect(on_finished)
    try:
        till.view.setUrl(QUrl(url))
        assert await asyncio.wait_for(finished, 20), f"{url} did not load"
    finally:
        till.page.loadFinished.disconnect(on_finished)
