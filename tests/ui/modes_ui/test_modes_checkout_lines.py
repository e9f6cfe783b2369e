"""Checkout per line: each line its own method and place, the promise asked
again by itself, the order placed with the quote shown.

Given a till on a seeded engine and a basket of a line this store holds and
a line it does not, each line gets its default (collect here; collect at
the nearest store holding it), the promise panel shows the quoted place and
date per line, a line changed by keyboard is quoted again by itself, and
the order goes to the engine with the quote shown; when the engine could
not keep it, the confirmation says so on the line.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from sqlalchemy import select, update

from oms_core.db.inventory_schema import order_sourcing
from oms_core.db.schema import stock
from pos_app.session import order_lines
from pos_app.theme import style_sheet
from tests.till_support import settled, sign_in_associate, until

pytestmark = pytest.mark.webengine

HEART = "85123A"  # held at the till's store
AWAY = "10002"  # not held at the till's store; held at stores nearby


def _rows_for(panel, sku: str) -> list[list[str]]:
    table = panel.table
    rows = []
    for row in range(table.rowCount()):
        values = [table.item(row, column).text() for column in range(4)]
        if values[0].endswith(sku):
            rows.append(values)
    return rows


async def _quote_matches(till) -> bool:
    basket = await till.session.basket()
    fulfilments = till.window.checkout_panel.line_fulfilments()
    return (
        till.window.checkout_flow.quote_for(order_lines(basket, fulfilments))
        is not None
    )


def test_each_line_has_its_own_fulfilment_and_the_order_keeps_the_quote(
    open_till, run, engine_app
):
    till = open_till("till")
    window = till.window
    checkout, promise = window.checkout_panel, window.promise_panel

    async def scenario() -> None:
        # Given a basket of a line held here and one held only elsewhere.
        await sign_in_associate(till)
        await till.session.add_to_basket(HEART, 1)
        await till.session.add_to_basket(AWAY, 1)

        # Then each line has its default: here, and the nearest store.
        await until(
            lambda: checkout.line_method(AWAY) == "elsewhere",
            what="the away line's default",
        )
        assert checkout.line_method(HEART) == "here"
        away_combo = checkout.line_combo(AWAY)
        store_name = away_combo.currentText().removeprefix("Collect at ")
        assert store_name not in ("", "another store", till.session.home.name)

        # And the promise per line names each place, asked by itself.
        await until(
            lambda: _rows_for(promise, AWAY) and _rows_for(promise, HEART),
            what="the promise per line",
        )
        assert _rows_for(promise, HEART)[0][1] == till.session.home.name
        assert _rows_for(promise, AWAY)[0][1] == store_name
        assert len(_rows_for(promise, AWAY)[0][3]) == 10  # YYYY-MM-DD
        # A collection elsewhere asks who to tell; nothing asks for an address.
        assert checkout._contact.isVisible()
        assert not checkout._address.isVisible()

        # When the associate changes the away line to delivery by keyboard.
        away_combo.setFocus()
        QTest.keyClick(away_combo, Qt.Key.Key_Down)
        assert checkout.line_method(AWAY) == "deliver"

        # Then the old promise goes at once and the address is asked for.
        assert promise.table.rowCount() == 0
        assert checkout._address.isVisible()
        assert not checkout._contact.isVisible()
        fields = checkout._fields
        for key, value in (
            ("name", "A Customer"),
            ("line1", "1 High Street"),
            ("city", "Aberdare"),
        ):
            fields[key].setText(value)
        fields["postcode"].setFocus()
        QTest.keyClicks(fields["postcode"], "CF44 8DL")
        QTest.keyClick(fields["postcode"], Qt.Key.Key_Return)

        # And the promise is asked again by itself, the line now delivered.
        await until(
            lambda: [r[2] for r in _rows_for(promise, AWAY)] == ["delivered"],
            what="the delivery promise",
        )
        await until(lambda: till.tasks.pending == 0, what="the quote")
        assert await _quote_matches(till)
        shown = window.checkout_flow.quote

        # When the associate submits.
        QTest.mouseClick(checkout._submit, Qt.MouseButton.LeftButton)
        await until(lambda: till.session.last_order, what="the order queued")
        order_id = till.session.last_order[0]
        till.services.worker.wake()

        # Then the order went with the quote shown, one method per line.
        entry = await till.services.store.get_entry(order_id)
        assert entry.payload["quote_id"] == str(shown.id)
        methods = [line["fulfilment"]["method"] for line in entry.payload["lines"]]
        assert methods == ["collect", "deliver"]
        confirmation = window.confirmation.text()
        assert f"Collect at {till.session.home.name}" in confirmation
        assert "Deliver to CF44 8DL" in confirmation

        # And the engine honoured it: same quote, no note.
        await settled(till, order_id)
        with engine_app.state.engine.connect() as conn:
            kept = conn.execute(
                select(order_sourcing.c.quote_id, order_sourcing.c.note).where(
                    order_sourcing.c.order_id == order_id
                )
            ).one()
        assert kept.quote_id == shown.id
        assert kept.note is None
        assert "not kept" not in window.confirmation.text()

    run(scenario())


def test_a_quote_the_engine_could_not_keep_is_said_on_the_line(
    open_till, run, engine_app
):
    till = open_till("till")
    window = till.window
    checkout = window.checkout_panel

    async def scenario() -> None:
        # Given a basket delivered to an address, its promise shown.
        await sign_in_associate(till)
        await till.session.add_to_basket(HEART, 2)
        await until(lambda: checkout.line_combo(HEART) is not None, what="the line")
        checkout.line_combo(HEART).setCurrentIndex(2)
        for key, value in (
            ("name", "A Customer"),
            ("line1", "1 High Street"),
            ("city", "Aberdare"),
            ("postcode", "CF44 8DL"),
        ):
            checkout._fields[key].setText(value)
        checkout._fields["postcode"].editingFinished.emit()
        await until(lambda: till.tasks.pending == 0, what="the quote")
        await until(lambda: _quote_matches(till), what="the quote for these lines")
        [allocation] = window.checkout_flow.quote.lines[0].allocations

        # When the quoted source's stock goes before the order is placed.
        with engine_app.state.engine.begin() as conn:
            conn.execute(
                update(stock)
                .where(
                    stock.c.sku == HEART,
                    stock.c.location_id == allocation.location_id,
                )
                .values(on_hand=stock.c.reserved)
            )
        QTest.mouseClick(checkout._submit, Qt.MouseButton.LeftButton)
        await until(lambda: till.session.last_order, what="the order queued")
        order_id = till.session.last_order[0]
        till.services.worker.wake()

        # Then once the engine accepted it the line says the promise broke.
        await settled(till, order_id)
        await until(
            lambda: "not kept" in window.confirmation.text(),
            what="the broken promise on the confirmation",
        )
        line = next(
            row
            for row in window.confirmation.text().splitlines()
            if row.startswith("2 ×")
        )
        assert "quote not honoured" in line
        assert "Promise shown not kept" in window.order_view.details.text()

    run(scenario())


def test_every_line_at_once_from_one_keyboard_control(open_till, run):
    till = open_till("till")
    checkout = till.window.checkout_panel

    async def scenario() -> None:
        await till.session.add_to_basket(HEART, 1)
        await till.session.add_to_basket(AWAY, 1)
        await until(
            lambda: checkout.line_method(AWAY) == "elsewhere", what="the defaults"
        )

        # When the associate chooses delivery for every line by keyboard.
        checkout.all_lines.setFocus()
        for _ in range(3):
            QTest.keyClick(checkout.all_lines, Qt.Key.Key_Down)

        # Then every line is delivered, and the control says so.
        assert [checkout.line_method(s) for s in (HEART, AWAY)] == ["deliver"] * 2
        assert checkout.all_lines.currentText() == "Deliver to an address"

        # And a line changed on its own leaves the lines differing.
        checkout.line_combo(HEART).setCurrentIndex(0)
        assert checkout.all_lines.currentIndex() == 0
        await until(lambda: till.tasks.pending == 0, what="the background calls")

    run(scenario())


def test_the_per_line_controls_are_touch_sized_on_a_tablet(open_till, run):
    till = open_till("tablet", size=(1280, 800))
    checkout = till.window.checkout_panel
    # The theme start-up gives a touch device (here on the window alone).
    till.window.setStyleSheet(style_sheet(touch=True))

    async def scenario() -> None:
        await till.session.add_to_basket(HEART, 1)
        await until(lambda: checkout.line_combo(HEART) is not None, what="the line")
        await until(lambda: till.tasks.pending == 0, what="the background calls")

        assert checkout.line_combo(HEART).height() >= 44
        assert checkout.all_lines.height() >= 44
        assert checkout._submit.height() >= 44

    run(scenario())
