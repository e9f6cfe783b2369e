"""Storefront tests: the aisle scheme is registered at import time, before
pytest-qt creates the QApplication; pages run on a qasync loop like the app.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import qasync
import shiboken6
from PySide6 import QtWebEngineWidgets  # noqa: F401  (must precede QApplication)
from PySide6.QtWebEngineCore import (
    QWebEngineProfile,
    QWebEngineScript,
)

from pos_app.storefront.catalogue import InMemoryCatalogue, StoreProduct
from pos_app.storefront.scheme import install_storefront, register_storefront_scheme

from .storefront_pages import QtAsyncRunner, ShopPage
from .storefront_support import (
    fake_bridge_script,
    load_real_products,
    real_stock_answer,
)

register_storefront_scheme()


@pytest.fixture(scope="session")
def real_products(shared_data: Path) -> list[StoreProduct]:
    """Every product of the real catalogue week, best sellers first."""
    return load_real_products(shared_data)


@pytest.fixture(scope="session")
def real_stock(shared_data: Path) -> dict[str, object]:
    """A getStock answer naming real stores."""
    return real_stock_answer(shared_data)


@pytest.fixture
def catalogue(real_products: list[StoreProduct]) -> InMemoryCatalogue:
    """The storefront catalogue over the real products."""
    return InMemoryCatalogue(real_products)


@pytest.fixture(scope="session")
def _qasync_loop(qapp) -> Iterator[qasync.QEventLoop]:
    loop = qasync.QEventLoop(qapp)
    yield loop
    loop.close()


@pytest.fixture
def qloop(_qasync_loop: qasync.QEventLoop) -> QtAsyncRunner:
    """Runs a test scenario on an asyncio loop on Qt's event loop, like the app."""
    return QtAsyncRunner(_qasync_loop)


@pytest.fixture
def profile(
    qloop: QtAsyncRunner, catalogue: InMemoryCatalogue
) -> Iterator[QWebEngineProfile]:
    """An off-the-record profile serving the storefront.

    Its requests go to the test loop even when they arrive between two
    scenarios (a late favicon), as in the app where the loop always runs.
    """
    profile = QWebEngineProfile()
    install_storefront(profile, catalogue, loop=qloop.loop)
    yield profile
    shiboken6.delete(profile)


@pytest.fixture
def page(profile: QWebEngineProfile) -> Iterator[ShopPage]:
    """A page of the storefront profile, deleted before its profile."""
    page = ShopPage(profile)
    yield page
    shiboken6.delete(page)


@pytest.fixture
def bridged_page(page: ShopPage, real_stock: dict[str, object]) -> ShopPage:
    """A page where a stand-in for the app's bridge is present."""
    script = QWebEngineScript()
    script.setName("fake-open-aisle")
    script.setSourceCode(fake_bridge_script(real_stock))
    script.setInjectionPoint(QWebEngineScript.InjectionPoint.DocumentCreation)
    script.setWorldId(QWebEngineScript.ScriptWorldId.MainWorld)
    script.setRunsOnSubFrames(False)
    page.scripts().insert(script)
    return page
