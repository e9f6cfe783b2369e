"""The app in each mode on real QtWebEngine off screen, against the engine.

The storefront scheme is registered at import, before pytest-qt creates the
QApplication. Scenarios run on one qasync loop for the session, turned by a
local QEventLoop (qasync's own run_until_complete quits the application and
QtWebEngine does not survive that).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import shiboken6
from fastapi import FastAPI
from PySide6.QtWebEngineCore import QWebEngineProfile

from offline_store import AsyncDeviceStore, SyncWorker
from oms_client import OmsClient
from pos_app.background import BackgroundTasks
from pos_app.order_sync import engine_sender
from pos_app.services import Services
from pos_app.settings import AppSettings
from pos_app.storefront.scheme import register_storefront_scheme
from pos_app.till import Till
from tests.till_support import STORE_ID, page_loaded, until

register_storefront_scheme()


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
