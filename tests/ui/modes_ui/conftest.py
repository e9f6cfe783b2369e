"""The app in each mode on real QtWebEngine off screen, against the engine.

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
from fastapi import FastAPI
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
def profiles(qapp: Any) -> Iterator[list[QWebEngineProfile]]:
    """Off-the-record profiles (one per device), deleted after their pages."""
    made: list[QWebEngineProfile] = []
    yield made
    for till in _finished_tills:
        if not till.mode.kiosk:
            shiboken6.delete(till.page)
    for profile in made:
        shiboken6.delete(profile)


_finished_tills: list[Till] = []


@pytest.fixture
def engine_client(engine_app: FastAPI) -> OmsClient:
    """A client of this test's engine, in process."""
    return OmsClient.in_process(engine_app)


@pytest.fixture
def open_till(
    run: Callable[..., Any],
    profiles: list[QWebEngineProfile],
    tmp_path: Path,
    engine_client: OmsClient,
) -> Iterator[Callable[..., Till]]:
    """Open a device in ``mode`` on its own device database."""
    opened: list[Till] = []

    def opener(mode: str = "till", size: tuple[int, int] = (1366, 860)) -> Till:
        async def build() -> Till:
            folder = tmp_path / f"device-{len(opened)}"
            folder.mkdir()
            store = await AsyncDeviceStore.open(folder / "device.sqlite3")
            home = await engine_client.get_location(STORE_ID)
            worker = SyncWorker(
                store, engine_sender(engine_client), base_delay=0.2, max_delay=1.0
            )
            settings = AppSettings(store_id=STORE_ID, mode=mode, idle_seconds=15)
            services = Services(settings, store, engine_client, home, worker)
            profiles.append(QWebEngineProfile())
            till = Till(services, profiles[-1], BackgroundTasks())
            till.window.resize(*size)
            till.window.show()
            services.start_sync()
            await until(lambda: till.page.url().toString().startswith("aisle://"))
            await page_loaded(till)
            return till

        till = run(build())
        opened.append(till)
        return till

    yield opener

    for till in opened:
        run(_close(till))
        _finished_tills.append(till)
    run(engine_client.aclose())


async def _close(till: Till) -> None:
    await till.shutdown()
    services = till.services
    services.worker.stop()
    if services._worker_task is not None:
        services._worker_task.cancel()
        await asyncio.gather(services._worker_task, return_exceptions=True)
    await services.store.aclose()


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


async def js(till: Till, code: str) -> Any:
    """Run ``code`` in the page's main world and return its value."""
    result: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
    till.page.runJavaScript(
        code, 0, lambda value: result.done() or result.set_result(value)
    )
    return await asyncio.wait_for(result, 10)


async def page_loaded(till: Till) -> None:
    """Wait for the page to finish loading, and for what it asked the engine."""
    await until(lambda: not till.page.isLoading() and till.page.url().isValid())
    await asyncio.sleep(0.3)
