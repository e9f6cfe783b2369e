"""The kiosk's side panel speaks to a customer, not to an associate.

Given a kiosk on a seeded engine, when the customer looks at a product this
store does not have on its shelf, then the panel says so in plain words,
offers the nearest store that has one with the engine's date, and when it
would be delivered; no staff table, no figures, large targets; "I'm
finished" starts afresh and "Ask a colleague" shows the hand-over code.
"""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QPushButton, QTableWidget
from sqlalchemy import select

from oms_core.db.schema import stock
from pos_app.kiosk_words import DELIVERY_TRANSIT_DAYS, day_words, deliver_words
from pos_app.widgets.kiosk_panel import TOUCH_HEIGHT, KioskProductPanel
from tests.till_support import STORE_ID, until

pytestmark = pytest.mark.webengine


def _missing_here_but_nearby(engine_app) -> str:
    """A real SKU with none to sell at the kiosk's store, but some elsewhere."""
    with engine_app.state.engine.connect() as connection:
        here = select(stock.c.sku).where(
            stock.c.location_id == STORE_ID,
            stock.c.on_hand - stock.c.reserved - stock.c.buffer > 0,
        )
        return connection.scalar(
            select(stock.c.sku)
            .where(
                stock.c.location_id.like("store-%"),
                stock.c.on_hand - stock.c.reserved - stock.c.buffer > 5,
                stock.c.sku.not_in(here),
            )
            .order_by(stock.c.sku)
            .limit(1)
        )


def test_the_kiosk_panel_tells_a_customer_where_and_when(open_till, run, engine_app):
    kiosk = open_till("kiosk")
    panel = kiosk.window.stock_panel
    sku = _missing_here_but_nearby(engine_app)

    async def scenario() -> None:
        assert isinstance(panel, KioskProductPanel)
        # No associate's table of nearby stores, no "collect from selected".
        assert not panel.findChildren(QTableWidget)
        texts = [b.text() for b in kiosk.window.findChildren(QPushButton)]
        assert "Collect from selected store" not in texts

        # When the customer looks at a product this store has none of.
        await kiosk.session.show_product(await kiosk.session.find_product(sku))

        # Then the panel says so, where to collect it and when it arrives.
        await until(lambda: panel.here.text() == "Not on the shelf here")
        await until(lambda: panel.collect.isVisible(), what="the collect offer")
        await until(lambda: panel.deliver.text(), what="the delivery date")
        assert panel.collect.text().startswith("Collect from ")
        assert panel.collect.text().split()[-1] in ("today", "tomorrow") or (
            " on " in panel.collect.text()
        )
        assert panel.deliver.text().startswith("Delivered ")
        words = " ".join(
            (panel.here.text(), panel.collect.text(), panel.deliver.text())
        )
        for jargon in ("ATP", "available to promise", "km", "SKU", sku):
            assert jargon not in words

        # And every target is big enough for a finger.
        actions = kiosk.window.kiosk_actions
        for button in (panel.collect, actions.finished, actions.hand_over):
            assert button.height() >= TOUCH_HEIGHT

        # And "Ask a colleague" parks the basket and shows its code.
        await kiosk.session.add_to_basket(sku, 1)
        QTest.mouseClick(actions.hand_over, Qt.MouseButton.LeftButton)
        await until(lambda: kiosk.modes.hand_over is not None, what="the code")
        kiosk.modes.hand_over.close()
        await until(lambda: kiosk.modes.wipes == 1, what="the next customer")

        # And "I'm finished" starts afresh for the next customer.
        await kiosk.session.add_to_basket(sku, 1)
        QTest.mouseClick(actions.finished, Qt.MouseButton.LeftButton)
        await until(lambda: kiosk.modes.wipes == 2, what="the wipe")
        assert (await kiosk.session.basket()).lines == ()
        await until(lambda: kiosk.tasks.pending == 0, what="the background calls")

    run(scenario())


def test_days_are_said_as_a_customer_says_them():
    today = date(2026, 12, 4)  # a Friday

    assert day_words(today, today) == "today"
    assert day_words(date(2026, 12, 5), today) == "tomorrow"
    assert day_words(date(2026, 12, 8), today) == "on Tue 8 Dec"
    sent = date(2026, 12, 6 - DELIVERY_TRANSIT_DAYS)
    assert deliver_words(sent, today) == "Delivered by Sun 6 Dec"
    assert deliver_words(None, today) == "Delivery available"
