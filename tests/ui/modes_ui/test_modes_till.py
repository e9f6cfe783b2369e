"""The till, driven from the keyboard as an associate would.

Given a till and a second device of the same store on a seeded engine, when
the associate signs in with staff number and PIN, scans a real GTIN while
the web page has the focus, parks the basket and the other device recalls
it by its code, then the page received no keystroke, the basket moved from
one device to the other exactly once, and a receipt with the order number
as a barcode is saved as PDF after the sale.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from oms_core.staff import DEMO_STAFF
from pos_app.receipt import order_reference, save_pdf
from tests.till_support import run_js, settled, until
from tests.ui.modes_ui.keys import type_into_window

pytestmark = pytest.mark.webengine

SKU = "85123A"  # WHITE HANGING HEART T-LIGHT HOLDER
ASSOCIATE, SUPERVISOR, _KIOSK = DEMO_STAFF


def _type(widget, text: str) -> None:
    """Type into a field as a person does, then Enter."""
    QTest.keyClicks(widget, text, delay=30)
    QTest.keyClick(widget, Qt.Key.Key_Return)


def _scan(widget, code: str) -> None:
    """Type as a keyboard-wedge scanner does: a burst, then Enter."""
    type_into_window(widget, code + "\n")


def test_sign_in_scan_into_the_page_park_and_recall_elsewhere(
    open_till, run, engine_client, tmp_path
):
    till = open_till("till")
    other = open_till("till")

    async def scenario() -> None:
        product = await engine_client.get_product(SKU)

        # When the associate signs in from the keyboard.
        dialog = till.modes.open_sign_in()
        _type(dialog.number, ASSOCIATE.staff_number)
        _type(dialog.pin, ASSOCIATE.pin)
        await until(lambda: till.session.staff is not None, what="sign-in")
        assert ASSOCIATE.name in till.window.staff_label.text()

        # And scans the product's GTIN while a field of the page has the focus.
        await run_js(
            till,
            "document.body.insertAdjacentHTML('beforeend',"
            " '<input id=probe>'); document.getElementById('probe').focus();",
        )
        till.window.activateWindow()
        till.view.setFocus()
        _scan(till.view, product.gtin)
        basket = await until(
            lambda: _lines(till), what="the scanned item in the basket"
        )
        assert basket == [(SKU, 1)]
        assert await run_js(till, "document.getElementById('probe').value") == ""

        # And parks the basket.
        code = await till.modes.park()
        assert code and not _lines(till)

        # Then another device of the store recalls it by the code, once.
        await other.session.sign_in(ASSOCIATE.staff_number, ASSOCIATE.pin)
        assert await other.modes.recall(code)
        assert _lines(other) == [(SKU, 1)]
        assert not await till.modes.recall(code)

        # And after the sale the receipt carries the order number.
        await other.session.submit(_collect_here(other))
        other.services.worker.wake()
        await until(lambda: _accepted(other), what="the order sent", timeout=30)
        receipt = await other.modes.last_receipt()
        assert receipt.reference == order_reference(other.session.last_order[0])
        assert receipt.lines[0].fulfilment.startswith("Collect at")
        path = save_pdf(receipt, tmp_path / "receipt.pdf")
        assert path.read_bytes().startswith(b"%PDF")
        await settled(other, other.session.last_order[0])

    run(scenario())


def test_a_wrong_pin_is_refused_with_words_to_act_on(open_till, run):
    till = open_till("till")

    async def scenario() -> None:
        dialog = till.modes.open_sign_in()
        dialog.number.setText(ASSOCIATE.staff_number)
        _type(dialog.pin, "0000")
        await until(lambda: "not right" in dialog.error.text(), what="the refusal")

        assert "not right" in dialog.error.text()
        assert dialog.pin.text() == ""
        assert till.session.staff is None

    run(scenario())


def test_a_supervisor_approval_is_recorded_on_the_order_placed(
    open_till, run, engine_client
):
    till = open_till("till")

    async def scenario() -> None:
        await till.session.sign_in(ASSOCIATE.staff_number, ASSOCIATE.pin)
        await till.session.add_to_basket(SKU, 3)

        # When the associate asks and the supervisor types their own PIN.
        dialog = till.modes.open_approval()
        dialog.amount.setValue(1.50)
        dialog.reason.setText("price match")
        dialog.supervisor.setText(SUPERVISOR.staff_number)
        dialog.pin.setText(SUPERVISOR.pin)
        dialog._on_ok()
        await until(lambda: till.session.approvals, what="the approval")

        order_id = await till.session.submit(_collect_here(till))
        till.services.worker.wake()
        await until(
            lambda: _accepted(till), what="the order to reach the engine", timeout=30
        )

        # Then the engine holds the approval on that very order.
        approvals = await engine_client.list_approvals(order_id)
        assert [(a.kind, a.amount.amount, a.approved_by) for a in approvals] == [
            ("discount", 150, SUPERVISOR.staff_number)
        ]
        await settled(till, order_id)

    run(scenario())


def _lines(till) -> list[tuple[str, int]]:
    return [(line.sku, line.quantity) for line in till.window.basket_panel.lines]


def _collect_here(till):
    from oms_client.models import CollectFulfilment

    return CollectFulfilment(location_id=till.session.home.id)


async def _accepted(till) -> bool:
    summary = await till.services.store.outbox_summary()
    return summary.get("pending", 0) == 0 and summary.get("accepted", 0) >= 1
