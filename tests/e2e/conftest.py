"""The whole app, driven as an associate would: real page, bridge, engine.

The storefront scheme is registered at import, before pytest-qt creates the
QApplication. Scenarios run on one qasync loop for the session, turned by a
local QEventLoop (qasync's own run_until_complete quits the application and
QtWebEngine does not survive that).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import shiboken6
from PySide6.QtWebEngineCore import QWebEngineProfile

from offline_store import AsyncDeviceStore, SyncWorker
from oms_client import OmsClient
from pos_app.background import BackgroundTasks
from pos_app.order_sync import engine_sender
from pos_app.services import Services
from pos_app.settings import AppSettings
from pos_app.storefront.scheme import register_storefront_scheme
from pos_app.till import Till
from tests.till_support import STORE_ID

register_storefront_scheme()


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
