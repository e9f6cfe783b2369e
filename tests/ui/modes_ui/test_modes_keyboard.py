"""A sale from the keyboard alone, at a till.

Given a till with someone signed in, when the associate types a SKU into
the search (Ctrl+K) and presses Enter, then Tab walks from the search
through the nearby stock, the basket line and the line's fulfilment to
Submit without being held in a table, Shift+Tab leaves the basket line,
and Space on Submit places the order; Ctrl+Return places the next one from
the search field itself.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QSpinBox, QTableWidget

from tests.till_support import settled, sign_in_associate, until

pytestmark = pytest.mark.webengine

SKU = "85123A"  # WHITE HANGING HEART T-LIGHT HOLDER
CTRL = Qt.KeyboardModifier.ControlModifier


async def _add_by_keys(window, sku: str) -> None:
    """Ctrl+K, the SKU, Enter; wait for the line and its fulfilment choice."""
    QTest.keyClick(window, Qt.Key.Key_K, CTRL)
    assert QApplication.focusWidget() is window.search
    QTest.keyClicks(window.search, sku)
    QTest.keyClick(window.search, Qt.Key.Key_Return)
    await until(lambda: window.basket_panel.lines, what="the basket line")
    await until(
        lambda: window.checkout_panel.line_combo(sku) is not None, what="the line"
    )


def test_a_sale_is_placed_from_the_keyboard_alone(open_till, run):
    till = open_till("till")
    window = till.window
    submit = window.checkout_panel._submit
    nearby = window.findChild(QTableWidget, "nearbyTable")

    async def scenario() -> None:
        await sign_in_associate(till)
        window.activateWindow()

        # When the associate adds an item by its SKU.
        await _add_by_keys(window, SKU)
        await until(lambda: nearby.rowCount() > 1, what="nearby stock")
        await until(submit.isEnabled, what="submit enabled")

        # Then Tab walks out of every table on to Submit.
        visited = [QApplication.focusWidget()]
        for _ in range(30):
            if visited[-1] is submit:
                break
            QTest.keyClick(visited[-1], Qt.Key.Key_Tab)
            visited.append(QApplication.focusWidget())
        assert visited[-1] is submit, [w.objectName() for w in visited]
        assert visited.count(nearby) == 1
        assert window.checkout_panel.line_combo(SKU) in visited
        [spin] = [w for w in visited if isinstance(w, QSpinBox)]

        # And Shift+Tab leaves the basket line backwards, never looping in it.
        spin.setFocus()
        QTest.keyClick(spin, Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)
        back = QApplication.focusWidget()
        assert back is not spin and back is not window.basket_panel._table
        assert window.stock_panel.isAncestorOf(back)

        # When the associate presses Space on Submit.
        submit.setFocus()
        QTest.keyClick(submit, Qt.Key.Key_Space)

        # Then the order is placed.
        await until(lambda: till.session.last_order, what="the first order")
        first = till.session.last_order[0]
        await settled(till, first)

        # And the next sale is placed with Ctrl+Return from the search field.
        assert "Ctrl+Return" in submit.toolTip()
        window.activateWindow()
        await _add_by_keys(window, SKU)
        await until(submit.isEnabled, what="submit enabled")
        QTest.keyClick(window.search, Qt.Key.Key_Return, CTRL)
        await until(
            lambda: till.session.last_order[0] != first, what="the second order"
        )
        await settled(till, till.session.last_order[0])

    run(scenario())


def test_at_a_phone_desk_tab_goes_from_the_search_to_the_customer(open_till, run):
    till = open_till("phone")
    window = till.window

    async def scenario() -> None:
        window.activateWindow()
        QTest.keyClick(window, Qt.Key.Key_K, CTRL)
        QTest.keyClick(window.search, Qt.Key.Key_Tab)
        assert QApplication.focusWidget() is window.customer_panel.search

    run(scenario())
