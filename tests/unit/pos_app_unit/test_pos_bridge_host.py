"""The page's addToBasket is answered without waiting for the stock panel."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from offline_store import Basket, BasketLine, BasketState
from pos_app import bridge_host
from pos_app.background import BackgroundTasks
from pos_app.bridge_host import SessionBridgeHost

NOW = datetime(2010, 12, 1, 9, 0, tzinfo=UTC)


class ScriptedSession:
    """The session's side of an add; the stock panel fills only when released."""

    def __init__(self) -> None:
        self.shown: list[str] = []
        self.release = asyncio.Event()

    async def add_to_basket(self, sku: str, quantity: int) -> Basket:
        line = BasketLine(
            sku=sku,
            name=f"Item {sku}",
            unit_price=295,
            currency="GBP",
            quantity=quantity,
        )
        return Basket(
            id=1,
            state=BasketState.OPEN,
            currency="GBP",
            lines=(line,),
            order_id=None,
            created_at=NOW,
            updated_at=NOW,
        )

    async def find_product(self, sku: str) -> str:
        return sku

    async def show_product(self, product: str) -> None:
        await self.release.wait()
        self.shown.append(product)


@pytest.fixture(autouse=True)
def short_delay(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bridge_host, "SHOW_DELAY_SECONDS", 0.01)


async def test_the_page_is_answered_before_the_stock_panel_fills():
    # Given a host with background tasks and a stock panel that is slow.
    session = ScriptedSession()
    tasks = BackgroundTasks()
    host = SessionBridgeHost(session, tasks)

    # When the page adds a product.
    view = await asyncio.wait_for(host.add_to_basket("85123A", 2), timeout=1)

    # Then the page has its basket while the product is still to be shown.
    assert view.count == 2
    assert view.lines[0].sku == "85123A"
    assert session.shown == []

    # And the stock panel follows once it can.
    session.release.set()
    await asyncio.wait_for(_settled(tasks), timeout=1)
    assert session.shown == ["85123A"]


async def test_a_burst_of_adds_shows_only_the_last_product():
    # Given a host whose stock panel answers at once.
    session = ScriptedSession()
    session.release.set()
    tasks = BackgroundTasks()
    host = SessionBridgeHost(session, tasks)

    # When the page adds three products one after another.
    for sku in ("85123A", "71053", "84406B"):
        await host.add_to_basket(sku, 1)
    await asyncio.wait_for(_settled(tasks), timeout=1)

    # Then stock is looked up once, for the last of them.
    assert session.shown == ["84406B"]


async def test_without_background_tasks_the_add_waits_for_the_panel():
    session = ScriptedSession()
    session.release.set()
    host = SessionBridgeHost(session)

    await host.add_to_basket("85123A", 1)

    assert session.shown == ["85123A"]


async def _settled(tasks: BackgroundTasks) -> None:
    while tasks.pending:
        await asyncio.sleep(0.005)
