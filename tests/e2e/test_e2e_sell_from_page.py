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
from PySide6.QtWidgets import QPushButton, QTableWidget

from oms_client import OmsClient
from tests.till_support import STORE_ID, open_page, run_js, settled, until

pytestmark = pytest.mark.webengine

SKU = "85123A"  # WHITE HANGING HEART T-LIGHT HOLDER, the week's best seller


def test_add_from_page_see_nearby_stock_and_submit(open_till, run, engine_app):
    client = OmsClient.in_process(engine_app)
    till = open_till(client)

    async def scenario() -> None:
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
