"""Stock gone between what the till showed and the order: said at once.

Given a till whose associate saw an item in stock here and put it in the
basket, when the network sells the last units before the order reaches the
engine and the associate submits, then the engine accepts the order with
the line in an exception (never parked in the outbox for stock), and the
confirmation says on the line that its promise cannot be kept.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from sqlalchemy import update

from offline_store import OutboxState
from oms_core.db.schema import stock
from tests.till_support import settled, sign_in_associate, until

pytestmark = pytest.mark.webengine

SKU = "85123A"  # WHITE HANGING HEART T-LIGHT HOLDER


def test_a_line_whose_stock_went_is_accepted_and_said_on_the_confirmation(
    open_till, run, engine_app
):
    till = open_till("till")
    window = till.window
    submit = window.checkout_panel._submit

    async def scenario() -> None:
        # Given the item shown in stock here and put in the basket.
        await sign_in_associate(till)
        await till.session.show_product(await till.session.find_product(SKU))
        assert window.stock_panel.isVisible()
        await till.session.add_to_basket(SKU, 1)
        await until(submit.isEnabled, what="submit enabled")

        # When the network sells every unit before the order is placed.
        with engine_app.state.engine.begin() as conn:
            conn.execute(
                update(stock)
                .where(stock.c.sku == SKU)
                .values(on_hand=stock.c.reserved + stock.c.buffer)
            )
        QTest.mouseClick(submit, Qt.MouseButton.LeftButton)
        await until(lambda: till.session.last_order, what="the order queued")
        order_id = till.session.last_order[0]
        till.services.worker.wake()

        # Then the engine accepts it with the line in an exception.
        await settled(till, order_id)
        entry = await till.services.store.get_entry(order_id)
        assert entry.state == OutboxState.ACCEPTED
        assert entry.answer["lines"][0]["exception"]["reason"] == "unavailable"

        # And the confirmation says on the line that it cannot be kept.
        await until(
            lambda: "not kept" in window.confirmation.text(),
            what="the broken promise on the confirmation",
        )
        [line] = [
            row
            for row in window.confirmation.text().splitlines()
            if row.startswith("1 ×")
        ]
        assert "none can be sourced now" in line

    run(scenario())
