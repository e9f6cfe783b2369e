"""Approved prices, phone-order notes and payment, receipt lookup, task sign-in.

Given a till or a phone-order device on a seeded engine, when a supervisor
approves a new price and a discount, then the basket, the confirmation, the
receipt, the engine's order and the order view all show the approved total.
A phone order's notes and payment choice reach the engine and its order
view; a receipt's OA- reference, typed or scanned, opens its order; and a
task is claimed only under the staff number of someone signed in.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from oms_client.models import (
    CustomerRequest,
)
from oms_core.process.runner import run_due_work
from oms_core.staff import DEMO_STAFF
from pos_app.receipt import order_reference
from pos_app.widgets.approval_dialog import ApprovalDialog
from pos_app.widgets.order_finder import parse_order_query
from pos_app.widgets.sign_in_dialog import SignInDialog
from tests.till_support import STORE_ID, collect_here, settled, until
from tests.ui.modes_ui.keys import type_into_window

pytestmark = pytest.mark.webengine

SKU = "85123A"  # WHITE HANGING HEART T-LIGHT HOLDER
ASSOCIATE, SUPERVISOR, _KIOSK = DEMO_STAFF


def _approve(till, kind_index: int, pounds: float) -> None:
    dialog = till.modes.open_approval()
    assert isinstance(dialog, ApprovalDialog)
    dialog.kind.setCurrentIndex(kind_index)
    dialog.amount.setValue(pounds)
    dialog.reason.setText("price match")
    dialog.supervisor.setText(SUPERVISOR.staff_number)
    dialog.pin.setText(SUPERVISOR.pin)
    dialog._on_ok()


async def _accepted(till) -> bool:
    summary = await till.services.store.outbox_summary()
    return summary.get("pending", 0) == 0 and summary.get("accepted", 0) >= 1


async def _submit(till) -> None:
    """Press the checkout's submit button (collect here, the default)."""
    button = till.window.checkout_panel._submit
    await until(button.isEnabled, what="submit enabled")
    QTest.mouseClick(button, Qt.MouseButton.LeftButton)
    await until(lambda: till.session.last_order, what="the order queued")


def test_an_approved_price_and_discount_change_what_is_paid_everywhere(
    open_till, run, engine_client
):
    till = open_till("till")
    window = till.window

    async def scenario() -> None:
        await till.session.sign_in(ASSOCIATE.staff_number, ASSOCIATE.pin)
        await till.session.add_to_basket(SKU, 3)
        assert not window.basket_panel.approved.isVisible()

        # When a supervisor approves £2.00 each for the line, then £1.50 off.
        _approve(till, 1, 2.00)
        await until(lambda: len(till.session.approvals) == 1, what="the override")
        _approve(till, 0, 1.50)
        await until(lambda: len(till.session.approvals) == 2, what="the discount")

        # Then the basket shows the price before and what is paid: 3 x 2.00 - 1.50.
        await until(
            lambda: "to pay £4.50" in window.basket_panel.approved.text(),
            what="the approved total on the basket",
        )
        assert window.basket_panel.approved.isVisible()

        # And after submit, the confirmation, the receipt and the engine agree.
        await _submit(till)
        order_id = till.session.last_order[0]
        await until(
            lambda: "to pay £4.50" in window.confirmation.text(),
            what="the approved total on the confirmation",
        )
        till.services.worker.wake()
        await until(lambda: _accepted(till), what="the order sent", timeout=30)
        order = await engine_client.get_order(order_id)
        assert order.total.amount == 450
        assert order.lines[0].unit_price.amount == 200
        assert order.lines[0].discount.amount == 150
        assert order.list_total.amount == order.lines[0].list_price.amount * 3
        receipt = await till.modes.last_receipt()
        assert receipt.total == 450
        assert any("to pay £4.50" in note for note in receipt.notes)

        # And the order view says the approved price.
        await settled(till, order_id)
        details = window.order_view.details.text()
        assert "Approved price" in details and "now £4.50" in details
        assert order_reference(order_id) in details
        assert not window.basket_panel.approved.isVisible()

    run(scenario())


def test_a_phone_orders_notes_and_payment_choice_reach_the_engine(
    open_till, run, engine_client
):
    till = open_till("phone")
    window = till.window
    panel = window.customer_panel

    async def scenario() -> None:
        await till.session.sign_in(ASSOCIATE.staff_number, ASSOCIATE.pin)
        customer = await engine_client.create_customer(
            CustomerRequest(name="Nora Phone", phone="0131 496 0000")
        )
        till.session.set_customer(customer)
        await till.session.add_to_basket(SKU, 1)

        # When the associate writes notes and picks "pay on confirmation".
        panel.notes.setPlainText("Leave with the neighbour at no. 12\x07")
        panel.payment.setCurrentIndex(panel.payment.findData("on_confirmation"))
        await _submit(till)
        order_id = till.session.last_order[0]
        till.services.worker.wake()
        await until(lambda: _accepted(till), what="the order sent", timeout=30)

        # Then the engine's order carries them, and its plan waits for payment.
        order = await engine_client.get_order(order_id)
        assert order.notes == "Leave with the neighbour at no. 12"
        assert order.payment_choice == "on_confirmation"
        payments = await engine_client.get_payments(order_id)
        assert payments.plan.kind == "on_confirmation"

        # And the order view shows the notes for the store.
        await settled(till, order_id)
        details = window.order_view.details.text()
        assert "Notes for the store: Leave with the neighbour" in details
        assert "Payment: on confirmation" in details

    run(scenario())


def test_a_receipt_reference_typed_or_scanned_opens_its_order(
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
                collect_here(SKU),
            )
            ids.append(order.id)

        # When the associate types the first receipt's reference after F4.
        window.activateWindow()
        QTest.keyClick(window, Qt.Key.Key_F4)
        QTest.keyClicks(finder.field, order_reference(ids[0]).lower(), delay=30)
        QTest.keyClick(finder.field, Qt.Key.Key_Return)
        await until(lambda: view.order_id == str(ids[0]), what="the typed receipt")

        # And the scanner reads the second receipt's Code 128 anywhere.
        window.activateWindow()
        till.view.setFocus()
        type_into_window(till.view, order_reference(ids[1]) + "\n")
        await until(lambda: view.order_id == str(ids[1]), what="the scanned receipt")
        await until(lambda: till.tasks.pending == 0, what="the background calls")

    run(scenario())


def test_the_finder_reads_receipt_references():
    assert parse_order_query("OA-1A2B3C4D").value == "OA-1A2B3C4D"
    assert parse_order_query(" oa-1a2b3c4d ").value == "OA-1A2B3C4D"
    assert parse_order_query("OA-1A2B") is None
    assert parse_order_query("OA1A2B3C4D").kind == "reference"
    assert parse_order_query("OA-1A2") is None
    assert parse_order_query("OA-1A2B3C4D5") is None


def test_a_task_is_claimed_only_by_someone_signed_in(
    open_till, run, engine_app, engine_client
):
    till = open_till("till")
    window = till.window
    panel = window.tasks_panel

    async def scenario() -> None:
        order = await engine_client.create_order(
            uuid.uuid4(),
            collect_here(SKU, notes="Gift wrap, please"),
        )
        run_due_work(engine_app.state.engine, datetime.now(UTC), deliver=False)
        window.activateWindow()
        QTest.keyClick(window, Qt.Key.Key_F3)

        def pick_row() -> int | None:
            for row in range(panel.list.count()):
                text = panel.list.item(row).text()
                if str(order.id)[:8] in text and text.startswith("Pick"):
                    return row
            return None

        await until(lambda: pick_row() is not None, what="the order's pick")
        assert "Notes: Gift wrap, please" in panel.list.item(pick_row()).text()

        # When nobody is signed in and the associate claims the pick.
        panel.list.setCurrentRow(pick_row())
        QTest.mouseClick(panel.claim_button, Qt.MouseButton.LeftButton)

        # Then the sign-in opens, and nothing is claimed meanwhile.
        await until(
            lambda: (
                isinstance(till.modes.dialog, SignInDialog)
                and till.modes.dialog.isVisible()
            ),
            what="the sign-in",
        )
        assert "Sign in" in panel.status.text()
        tasks = await engine_client.list_tasks(STORE_ID)
        [pick] = [t for t in tasks if t.order_id == order.id and t.kind == "pick"]
        assert pick.claimed_by is None

        # And once the associate signs in, the claim goes on under their number.
        dialog = till.modes.dialog
        dialog.number.setText(ASSOCIATE.staff_number)
        dialog.pin.setText(ASSOCIATE.pin)
        dialog._on_ok()

        async def claimed_by() -> str | None:
            tasks = await engine_client.list_tasks(STORE_ID)
            return next(t.claimed_by for t in tasks if t.id == pick.id)

        assert await until(claimed_by, what="the claim") == ASSOCIATE.staff_number
        await till.orders.tasks.wait_idle()
        await until(lambda: till.tasks.pending == 0, what="the background calls")

    run(scenario())


def test_a_basket_is_parked_and_taken_over_only_by_someone_signed_in(
    open_till, run, engine_client
):
    till = open_till("till")
    other = open_till("till")

    async def scenario() -> None:
        await till.session.add_to_basket(SKU, 2)

        # When nobody is signed in and the associate parks the basket.
        assert await till.modes.park() is None

        # Then the sign-in opens and the basket stays until someone signs in.
        assert isinstance(till.modes.dialog, SignInDialog)
        assert [line.sku for line in till.window.basket_panel.lines] == [SKU]
        dialog = till.modes.dialog
        dialog.number.setText(ASSOCIATE.staff_number)
        dialog.pin.setText(ASSOCIATE.pin)
        dialog._on_ok()
        await until(lambda: not till.window.basket_panel.lines, what="the park")
        [parked] = await engine_client.list_parked_baskets(STORE_ID)
        assert parked.parked_by == ASSOCIATE.staff_number

        # And a scanned code at a device with nobody signed in waits likewise.
        await other.modes.handle_code(parked.code)
        assert isinstance(other.modes.dialog, SignInDialog)
        assert other.window.basket_panel.lines == ()
        await other.session.sign_in(SUPERVISOR.staff_number, SUPERVISOR.pin)
        await until(lambda: other.window.basket_panel.lines, what="the take-over")
        assert await engine_client.list_parked_baskets(STORE_ID) == []
        await until(lambda: till.tasks.pending == 0, what="the background calls")
        await until(lambda: other.tasks.pending == 0, what="the background calls")

    run(scenario())


def test_a_till_sells_only_under_someone_signed_in(open_till, run):
    till = open_till("till")
    window = till.window
    store = till.services.store

    async def scenario() -> None:
        # Given a basket at a till where the sign-in was put away unanswered.
        await till.session.add_to_basket(SKU, 1)
        assert till.session.staff is None

        # When the associate presses Submit.
        button = window.checkout_panel._submit
        await until(button.isEnabled, what="submit enabled")
        QTest.mouseClick(button, Qt.MouseButton.LeftButton)

        # Then the sign-in opens and nothing is queued meanwhile.
        await until(
            lambda: (
                isinstance(till.modes.dialog, SignInDialog)
                and till.modes.dialog.isVisible()
            ),
            what="the sign-in",
        )
        assert await store.entries() == []
        assert not window.confirmation.isVisible()

        # When the sign-in is put away (Esc) and someone signs in later.
        QTest.keyClick(till.modes.dialog, Qt.Key.Key_Escape)
        assert not till.modes.dialog.isVisible()
        await till.session.sign_in(ASSOCIATE.staff_number, ASSOCIATE.pin)
        await until(lambda: till.tasks.pending == 0, what="the background calls")

        # Then the order put away with it is not placed behind their back.
        assert await store.entries() == []
        till.session.sign_out()

        # When Submit is pressed again and someone signs in, the order goes on.
        QTest.mouseClick(button, Qt.MouseButton.LeftButton)
        await until(lambda: till.modes.dialog.isVisible(), what="the sign-in")
        dialog = till.modes.dialog
        dialog.number.setText(ASSOCIATE.staff_number)
        dialog.pin.setText(ASSOCIATE.pin)
        dialog._on_ok()
        await until(window.confirmation.isVisible, what="the confirmation")
        [entry] = await store.entries()
        assert window.staff_label.text().strip().startswith(ASSOCIATE.name)
        await settled(till, entry.order_id)

    run(scenario())
