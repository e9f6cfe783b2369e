"""An associate sells from the storefront page, end to end, on real data.

Given the real app on a seeded engine, when the associate opens a product
page, presses the page's own "Add to basket" button and submits, then the
basket fills through the bridge, nearby stock shows real stores with
distances, and the engine holds exactly that order with stock reserved.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLineEdit, QPushButton, QTableWidget

from oms_client import OmsClient
from tests.till_support import (
    STORE_ID,
    open_page,
    run_js,
    settled,
    sign_in_associate,
    until,
)

pytestmark = pytest.mark.webengine

SKU = "85123A"  # WHITE HANGING HEART T-LIGHT HOLDER, the week's best seller


def test_add_from_page_see_nearby_stock_and_submit(open_till, run, engine_app):
    client = OmsClient.in_process(engine_app)
    till = open_till(client)

    async def scenario() -> None:
        await sign_in_associate(till)  # a till sells under a person
        before = await client.stock_at(SKU, STORE_ID)

        # When the associate opens the product page and presses its button.
        await open_page(till, f"aisle://shop/product/{SKU}")
        await run_js(till, "document.querySelector('[data-add-button]').click()")

        # Then the basket panel shows the line the page added.
        basket_table = till.window.findChild(QTableWidget, "basketTable")
        await until(lambda: basket_table.rowCount() == 1, what="the basket line")
        assert SKU in basket_table.item(0, 0).text()

        # And stock here and in the nearest real stores is shown.
        nearby = till.window.findChild(QTableWidget, "nearbyTable")
        await until(lambda: nearby.rowCount() > 0, what="nearby stock")
        assert nearby.item(0, 1).text().endswith("km")
        distances = [
            float(nearby.item(row, 1).text().split()[0])
            for row in range(nearby.rowCount())
        ]
        assert distances == sorted(distances)

        # When the associate submits (collect here is the default).
        submit = till.window.findChild(QPushButton, "submit")
        await until(submit.isEnabled, what="submit enabled")
        QTest.mouseClick(submit, Qt.MouseButton.LeftButton)

        # Then the outbox sends it and the engine holds exactly this order.
        store = till.services.store
        await until(
            lambda: _accepted(store), timeout=20, what="the order to be accepted"
        )
        orders = await client.list_orders(STORE_ID)
        assert len(orders) == 1
        order = orders[0]
        assert [(line.sku, line.quantity) for line in order.lines] == [(SKU, 1)]
        assert order.lines[0].source_location_id == STORE_ID
        assert order.total.currency == "GBP"
        assert order.total.amount == order.lines[0].unit_price.amount

        after = await client.stock_at(SKU, STORE_ID)
        assert after[0].atp == before[0].atp - 1

        # And the basket is empty again for the next customer.
        await until(lambda: basket_table.rowCount() == 0, what="an empty basket")

        # And the order opens in the order view.
        await settled(till, order.id)

    run(scenario())


async def _accepted(store) -> bool:
    summary = await store.outbox_summary()
    return summary.get("accepted", 0) == 1 and summary.get("pending", 0) == 0


AWAY = "10002"  # not held at the till's store; held at stores nearby


def test_a_mixed_basket_from_the_page_runs_one_process_per_shipment(
    open_till, run, engine_app
):
    client = OmsClient.in_process(engine_app)
    till = open_till(client)
    checkout = till.window.checkout_panel

    async def scenario() -> None:
        await sign_in_associate(till)  # a till sells under a person
        # When the associate adds a product held here and one held elsewhere.
        basket_table = till.window.findChild(QTableWidget, "basketTable")
        for sku, count in ((SKU, 1), (AWAY, 2)):
            await open_page(till, f"aisle://shop/product/{sku}")
            await run_js(till, "document.querySelector('[data-add-button]').click()")
            await until(lambda n=count: basket_table.rowCount() == n, what=sku)

        # Then the line held elsewhere is offered there at once.
        await until(
            lambda: checkout.line_method(AWAY) == "elsewhere", what="save the sale"
        )
        assert checkout.line_method(SKU) == "here"

        # When the associate delivers it instead, by keyboard, to an address.
        combo = checkout.line_combo(AWAY)
        combo.setFocus()
        QTest.keyClick(combo, Qt.Key.Key_Down)
        for name, text in (
            ("address_name", "A Customer"),
            ("address_line1", "1 High Street"),
            ("address_city", "Aberdare"),
            ("address_postcode", "CF44 8DL"),
        ):
            field = checkout.findChild(QLineEdit, name)
            field.setFocus()
            QTest.keyClicks(field, text)
        QTest.keyClick(field, Qt.Key.Key_Return)
        promise = till.window.promise_panel
        await until(
            lambda: (
                promise.table.rowCount() >= 2
                and "delivered" in {promise.table.item(r, 2).text() for r in range(2)}
            ),
            what="the promise per line",
        )
        await until(lambda: till.tasks.pending == 0, what="the quote")

        # And submits.
        QTest.mouseClick(
            checkout.findChild(QPushButton, "submit"), Qt.MouseButton.LeftButton
        )
        await until(lambda: till.session.last_order, what="the order queued")
        order_id = till.session.last_order[0]
        till.services.worker.wake()
        await settled(till, order_id)

        # Then the engine runs one process per shipment group.
        tracking = await client.get_tracking(order_id)
        assert [group.lines for group in tracking.groups] == [[0], [1]]
        assert tracking.groups[0].process == "collect_here"
        assert tracking.groups[1].process in {"deliver_from_dc", "ship_from_store"}
        assert tracking.order.sourcing_note is None

        # And the order view lists both shipments.
        groups = till.window.order_view.groups
        assert groups.rowCount() == 2
        assert groups.item(0, 1).text() == "collect here"

    run(scenario())
