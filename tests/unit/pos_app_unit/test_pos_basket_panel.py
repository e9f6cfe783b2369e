"""The basket panel draws again only the rows that changed."""

from __future__ import annotations

from datetime import UTC, datetime

from offline_store import Basket, BasketLine, BasketState
from pos_app.widgets.basket_panel import BasketPanel

NOW = datetime(2010, 12, 1, 9, 0, tzinfo=UTC)


def _line(sku: str, quantity: int, price: int = 255) -> BasketLine:
    return BasketLine(
        sku=sku,
        name=f"WHITE HANGING HEART T-LIGHT HOLDER {sku}",
        unit_price=price,
        currency="GBP",
        quantity=quantity,
    )


def _basket(*lines: BasketLine) -> Basket:
    return Basket(
        id=1,
        state=BasketState.OPEN,
        currency="GBP" if lines else None,
        lines=lines,
        order_id=None,
        created_at=NOW,
        updated_at=NOW,
    )


def _spin(panel: BasketPanel, row: int):
    return panel._table.cellWidget(row, 1)


def test_an_add_keeps_the_other_rows_and_changes_one(qtbot):
    # Given a panel showing two lines.
    panel = BasketPanel()
    qtbot.addWidget(panel)
    panel.show_basket(_basket(_line("85123A", 1), _line("71053", 2)))
    first, second = _spin(panel, 0), _spin(panel, 1)
    requests: list[tuple[str, int]] = []
    panel.quantity_change_requested.connect(lambda *args: requests.append(args))

    # When one more of the second is added and a third line arrives.
    panel.show_basket(
        _basket(_line("85123A", 1), _line("71053", 3), _line("84406B", 1))
    )

    # Then the untouched row keeps its widgets, the changed row shows the
    # new quantity and total, and the new row is drawn.
    assert _spin(panel, 0) is first
    assert _spin(panel, 1) is second
    assert second.value() == 3
    assert panel._table.item(1, 2).text() == "£7.65"
    assert panel._table.item(2, 0).text().startswith("White Hanging Heart")
    assert panel._title.text() == "Basket · 5 items"
    assert panel._total.text() == "Total £12.75"

    # And showing the basket asks nothing of the basket back.
    assert requests == []


def test_a_removed_line_moves_the_rows_below_up(qtbot):
    # Given three lines.
    panel = BasketPanel()
    qtbot.addWidget(panel)
    panel.show_basket(_basket(_line("85123A", 1), _line("71053", 2), _line("22752", 4)))

    # When the first goes.
    panel.show_basket(_basket(_line("71053", 2), _line("22752", 4)))

    # Then the rows are the remaining lines, in order, with their own values.
    assert panel._table.rowCount() == 2
    assert [_spin(panel, row).value() for row in range(2)] == [2, 4]
    assert "71053" in panel._table.item(0, 0).text()
    assert "22752" in panel._table.item(1, 0).text()

    # And a change of quantity in the panel names the right SKU.
    requests: list[tuple[str, int]] = []
    panel.quantity_change_requested.connect(lambda *args: requests.append(args))
    _spin(panel, 1).setValue(5)
    assert requests == [("22752", 5)]


def test_an_empty_basket_shows_the_hint(qtbot):
    panel = BasketPanel()
    qtbot.addWidget(panel)
    panel.show_basket(_basket(_line("85123A", 1)))

    panel.show_basket(_basket())

    assert panel._table.rowCount() == 0
    assert panel._title.text() == "Basket · 0 items"
    assert panel._total.text() == "Total £0.00"
