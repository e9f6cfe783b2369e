"""The checkout panel asks only what each line's method needs."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from oms_client.models import CollectFulfilment, DeliverFulfilment
from pos_app.widgets.checkout_panel import DELIVER, ELSEWHERE, HERE, CheckoutPanel

HOME = ("store-0001", "Aberdare Superstore")
LINES = [("85123A", "WHITE HANGING HEART T-LIGHT HOLDER", 2), ("10002", "GLOBE", 1)]


def _panel(qtbot, **options) -> CheckoutPanel:
    panel = CheckoutPanel(*HOME, **options)
    qtbot.addWidget(panel)
    panel.show()
    panel.show_lines(LINES)
    return panel


def test_lines_start_collected_here_and_need_no_details(qtbot):
    panel = _panel(qtbot)

    assert panel.line_fulfilments() == {
        "85123A": CollectFulfilment(location_id=HOME[0]),
        "10002": CollectFulfilment(location_id=HOME[0]),
    }
    assert panel.contact() is None
    assert not panel._address.isVisible()
    assert not panel._contact.isVisible()


def test_a_line_collected_elsewhere_asks_for_a_name_and_a_phone_or_e_mail(qtbot):
    panel = _panel(qtbot)

    panel.set_line_choice("10002", ELSEWHERE, ("store-0110", "Newport Extra"))

    assert panel._contact.isVisible() and not panel._address.isVisible()
    assert panel.line_fulfilments()["10002"] == CollectFulfilment(
        location_id="store-0110"
    )
    panel._contact_fields["name"].setText("A Customer")
    with pytest.raises(ValueError, match="phone number or an e-mail"):
        panel.contact()
    panel._contact_fields["email"].setText("a.customer@example.org")
    assert panel.contact().email == "a.customer@example.org"

    # A customer already found needs no contact details.
    panel.set_customer_known(True)
    assert panel.contact() is None and not panel._contact.isVisible()


def test_a_delivered_line_asks_for_the_address_and_refuses_it_incomplete(qtbot):
    panel = _panel(qtbot)
    changes = []
    panel.fulfilment_changed.connect(lambda: changes.append(1))

    panel.line_combo("85123A").setCurrentIndex(2)

    assert changes and panel.line_method("85123A") == DELIVER
    assert panel._address.isVisible()
    with pytest.raises(ValidationError):
        panel.line_fulfilments()
    for key, value in (
        ("name", "A Customer"),
        ("line1", "1 High Street"),
        ("city", "Aberdare"),
        ("postcode", "cf448dl"),
    ):
        panel._fields[key].setText(value)
    delivered = panel.line_fulfilments()["85123A"]
    assert isinstance(delivered, DeliverFulfilment)
    assert delivered.address.postcode == "CF44 8DL"
    assert panel.line_fulfilments()["10002"].method == "collect"


def test_a_default_arriving_late_leaves_a_persons_choice_alone(qtbot):
    panel = _panel(qtbot)

    panel.line_combo("10002").setCurrentIndex(2)  # the associate: deliver
    panel.set_line_choice("10002", HERE, None, default=True)

    assert panel.line_method("10002") == DELIVER


def test_without_another_store_collecting_elsewhere_becomes_delivery(qtbot):
    panel = _panel(qtbot)

    panel.set_line_choice("85123A", ELSEWHERE, None)

    assert panel.line_method("85123A") == DELIVER
    combo = panel.line_combo("85123A")
    assert not combo.model().item(1).isEnabled()


def test_a_customer_at_a_kiosk_reads_plain_words(qtbot):
    panel = _panel(qtbot, customer_facing=True)

    combo = panel.line_combo("85123A")
    words = [combo.itemText(index) for index in range(combo.count())]

    assert words == [
        "Pick up here, in this store",
        "Pick up at another store",
        "Deliver to my home",
    ]
    assert panel._submit.text() == "Place my order"


def test_an_empty_basket_shows_no_lines_that_differ(qtbot):
    panel = CheckoutPanel(*HOME)
    qtbot.addWidget(panel)

    assert not panel.all_lines.isEnabled()
    assert "differ" not in panel.all_lines.currentText()
    panel.show_lines(LINES)
    assert panel.all_lines.isEnabled()
    panel.show_lines([])
    assert not panel.all_lines.isEnabled()
    assert "differ" not in panel.all_lines.currentText()
