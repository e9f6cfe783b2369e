"""The order desk beside the basket, driven from keyboard and mouse.

Given a till on a seeded engine, when the associate submits a basket for
collection here, then the order opens in the order view once the engine has
accepted it; F3 shows the store's tasks with the order's pick, which the
associate finishes; F4 finds orders by id and by a customer's e-mail.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QWidget

from oms_client.models import (
    CustomerDetails,
)
from oms_core.process.runner import run_due_work
from oms_core.staff import DEMO_STAFF
from tests.till_support import STORE_ID, collect_here, settled, until

pytestmark = pytest.mark.webengine

SKU = "85123A"  # WHITE HANGING HEART T-LIGHT HOLDER
ASSOCIATE = DEMO_STAFF[0]


def _press(window, key: Qt.Key) -> None:
    window.activateWindow()
    QTest.keyClick(window, key)


def _row_of(panel, order_id: uuid.UUID, kind: str) -> int | None:
    for row in range(panel.list.count()):
        text = panel.list.item(row).text()
        if str(order_id)[:8] in text and text.startswith(kind):
            return row
    return None


def test_the_order_placed_opens_and_its_pick_is_done_from_the_tasks(
    open_till, run, engine_app
):
    till = open_till("till")
    window = till.window
    view, panel = window.order_view, window.tasks_panel

    async def scenario() -> None:
        await till.session.sign_in(ASSOCIATE.staff_number, ASSOCIATE.pin)
        await till.session.add_to_basket(SKU, 2)
        assert not window.orders_dock.isVisible()

        # When the associate submits the basket for collection here.
        QTest.mouseClick(window.checkout_panel._submit, Qt.MouseButton.LeftButton)
        await until(lambda: till.session.last_order, what="the order queued")
        order_id = till.session.last_order[0]
        till.services.worker.wake()

        # Then the order opens in the order view once the engine accepted it.
        await until(
            lambda: view.order_id == str(order_id),
            what="the order view on the new order",
            timeout=30,
        )
        assert window.orders_dock.isVisible()
        assert view.timeline.item(0, 2).text() == "Order placed"
        assert view.picture.renderer().isValid()

        # When the engine's jobs have run and the associate presses F3.
        run_due_work(engine_app.state.engine, datetime.now(UTC), deliver=False)
        _press(window, Qt.Key.Key_F3)
        assert window.tasks_dock.isVisible()
        await until(
            lambda: _row_of(panel, order_id, "Pick") is not None,
            what="the order's pick in the tasks",
        )

        # And finishes the pick.
        panel.list.setCurrentRow(_row_of(panel, order_id, "Pick"))
        QTest.mouseClick(panel.done_button, Qt.MouseButton.LeftButton)
        await until(
            lambda: _row_of(panel, order_id, "Pick") is None,
            what="the pick to leave the list",
        )
        await till.orders.tasks.wait_idle()
        tasks = await till.services.client.list_tasks(STORE_ID)
        assert not [t for t in tasks if t.order_id == order_id and t.kind == "pick"]

        # And the order view shows the pick done.
        def pick_done() -> bool:
            rows = range(view.timeline.rowCount())
            return any(view.timeline.item(r, 2).text() == "Task done" for r in rows)

        await until(pick_done, what="the pick done in the order's timeline")
        await settled(till, order_id)

    run(scenario())


def test_orders_are_found_by_id_and_by_the_customers_e_mail(
    open_till, run, engine_client
):
    till = open_till("till")
    window = till.window
    finder, view = window.order_finder, window.order_view

    async def scenario() -> None:
        ids = []
        for _ in range(2):
            order = await engine_client.create_order(
                uuid.uuid4(),
                collect_here(
                    SKU,
                    customer=CustomerDetails(
                        name="Ada Finder", email="ada.finder@example.org"
                    ),
                ),
            )
            ids.append(order.id)

        # When the associate presses F4 and types an order id.
        _press(window, Qt.Key.Key_F4)
        assert window.orders_dock.isVisible()
        assert finder.field.hasFocus()
        QTest.keyClicks(finder.field, str(ids[0]))
        QTest.keyClick(finder.field, Qt.Key.Key_Return)
        await until(lambda: view.order_id == str(ids[0]), what="the order by id")

        # And then the customer's e-mail: both orders are listed to choose.
        finder.field.clear()
        QTest.keyClicks(finder.field, "ada.finder@example.org")
        QTest.keyClick(finder.field, Qt.Key.Key_Return)
        await until(lambda: finder.results.count() == 2, what="the orders found")
        finder.results.setCurrentRow(0)
        QTest.keyClick(finder.results, Qt.Key.Key_Return)
        await until(lambda: view.order_id == str(ids[1]), what="the newest order")
        await until(lambda: till.tasks.pending == 0, what="the background calls")

        # And nonsense is refused with a message, not sent.
        finder.field.clear()
        QTest.keyClicks(finder.field, "hello")
        QTest.keyClick(finder.field, Qt.Key.Key_Return)
        assert "order id" in finder.message.text()

    run(scenario())


def test_the_order_desk_takes_room_from_the_page_not_the_basket(open_till, run):
    till = open_till("till")
    window = till.window
    window.resize(1366, 860)
    column = window.findChild(QWidget, "sideColumn")
    before = column.width()

    _press(window, Qt.Key.Key_F4)
    QTest.qWait(50)

    assert window.orders_dock.isVisible()
    assert column.width() >= column.minimumWidth() >= 380
    assert column.width() <= before
    assert window.view.width() < 900
