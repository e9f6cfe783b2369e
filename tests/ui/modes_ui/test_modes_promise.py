"""The promise per basket line at checkout, and "why not …?".

Given a till with a basket on a seeded engine, when the associate presses
"Check promise" for collection here, then each line shows this store as its
source with the earliest date; "Why not …?" lists the engine's reasons; a
change of the basket clears the promise, which no longer holds.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from tests.till_support import until

pytestmark = pytest.mark.webengine

SKU = "85123A"


def test_the_promise_per_line_and_why_not_elsewhere(open_till, run):
    till = open_till("till")
    panel = till.window.promise_panel

    async def scenario() -> None:
        await till.session.add_to_basket(SKU, 2)

        # When the associate asks for the promise (collect here is the default).
        QTest.mouseClick(panel.check_button, Qt.MouseButton.LeftButton)
        await until(lambda: panel.table.rowCount() == 1, what="the promise")

        # Then the line comes from this store, to collect, with a date.
        assert panel.table.item(0, 0).text() == f"2 × {SKU}"
        assert panel.table.item(0, 1).text() == till.session.home.name
        assert panel.table.item(0, 2).text() == "collect"
        assert len(panel.table.item(0, 3).text()) == 10  # YYYY-MM-DD

        # When the associate asks why not elsewhere.
        panel.table.setCurrentCell(0, 0)
        QTest.mouseClick(panel.why_button, Qt.MouseButton.LeftButton)

        # Then the trace names the store taken, with its reason.
        assert panel.trace.isVisible()
        first = panel.trace.toPlainText().splitlines()[0]
        assert first.startswith(f"taken: {till.session.home.name}")

        # And a change of the basket clears the promise.
        await till.session.set_quantity(SKU, 3)
        assert panel.table.rowCount() == 0
        assert not panel.why_button.isEnabled()
        await until(lambda: till.tasks.pending == 0, what="the background calls")

    run(scenario())


def test_an_empty_promise_table_leaves_the_basket_its_room(open_till):
    # Given a till with no promise checked, the promise table is not shown.
    till = open_till("till")
    panel = till.window.promise_panel

    assert not panel.table.isVisible()
    assert panel.table.rowCount() == 0
