"""The basket: lines with editable quantities, line and order totals."""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from offline_store import Basket, BasketLine
from pos_app.formatting import format_money
from pos_app.storefront.render import display_name

logger = logging.getLogger(__name__)

MAX_QUANTITY = 999


class BasketPanel(QWidget):
    """Shows the open basket and lets the associate change it.

    Signals:
        quantity_change_requested(str, int): a SKU and its new quantity.
        removal_requested(str): a SKU to take out of the basket.
    """

    quantity_change_requested = Signal(str, int)
    removal_requested = Signal(str)

    _COLUMNS = ("Item", "Qty", "Total", "")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._title = QLabel("Basket")
        self._title.setObjectName("panelTitle")

        self._table = QTableWidget(0, len(self._COLUMNS))
        self._table.setObjectName("basketTable")
        self._table.setAccessibleName("Basket lines")
        self._table.setHorizontalHeaderLabels(self._COLUMNS)
        self._table.verticalHeader().setVisible(False)
        self._table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self._table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        # Tab goes to each line's quantity and removal, then on out of the table.
        self._table.setTabKeyNavigation(False)
        self._table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self._table.setWordWrap(True)
        header = self._table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2, 3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)

        self._empty = QLabel("Scan an item or add one from the page.")
        self._empty.setObjectName("hint")
        self._empty.setAlignment(Qt.AlignmentFlag.AlignCenter)

        self._total = QLabel()
        self._total.setObjectName("basketTotal")
        self._total.setAccessibleName("Basket total")
        self._total.setAlignment(Qt.AlignmentFlag.AlignRight)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._title)
        layout.addWidget(self._table, 1)
        layout.addWidget(self._empty)
        layout.addWidget(self._total)
        # What supervisor approvals change: the price before and what is paid.
        self.approved = QLabel()
        self.approved.setObjectName("basketApproved")
        self.approved.setAccessibleName("Approved price")
        self.approved.setWordWrap(True)
        self.approved.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.approved.setVisible(False)
        layout.addWidget(self.approved)
        self._lines: tuple[BasketLine, ...] = ()
        self.show_basket(None)

    @property
    def lines(self) -> tuple[BasketLine, ...]:
        """The lines now shown."""
        return self._lines

    def show_basket(self, basket: Basket | None) -> None:
        """Show ``basket`` (``None`` shows an empty basket).

        Only the rows that changed are drawn again: an add to a basket of
        twenty lines touches one row, not twenty (the page waits for it).
        """
        lines = tuple(basket.lines) if basket else ()
        before = self._lines
        self._lines = lines
        self._table.setRowCount(len(lines))
        for row, line in enumerate(lines):
            old = before[row] if row < len(before) else None
            if old is None or old.sku != line.sku:
                self._fill_row(row, line)
            elif old != line:
                self._update_row(row, line)

        count = sum(line.quantity for line in lines)
        self._title.setText(f"Basket · {count} item{'s' if count != 1 else ''}")
        self._empty.setVisible(not lines)
        self._table.setVisible(bool(lines))
        total = format_money(basket.total, basket.currency) if lines else "£0.00"
        self._total.setText(f"Total {total}")

    def focus_chain(self) -> list[QWidget]:
        """What Tab stops at, in order: each line's quantity, then its removal."""
        stops: list[QWidget] = []
        for row in range(self._table.rowCount()):
            spin = self._table.cellWidget(row, 1)
            cell = self._table.cellWidget(row, 3)
            remove = cell.findChild(QToolButton) if cell is not None else None
            stops += [w for w in (spin, remove) if w is not None]
        return stops

    def show_approved(self, text: str | None) -> None:
        """What approvals change (``None`` hides it: no approvals)."""
        self.approved.setText(text or "")
        self.approved.setVisible(bool(text))

    def _update_row(self, row: int, line: BasketLine) -> None:
        """Same SKU, new quantity, name or price: change the row's texts."""
        price = format_money(line.unit_price, line.currency)
        name = self._table.item(row, 0)
        name.setText(f"{display_name(line.name)}\n{line.sku} · {price}")
        name.setToolTip(line.name)

        spin = self._table.cellWidget(row, 1)
        if spin.value() != line.quantity:
            # The basket already holds this quantity: no change request.
            blocked = spin.blockSignals(True)
            spin.setValue(line.quantity)
            spin.blockSignals(blocked)
        spin.setAccessibleName(f"Quantity of {line.name}")

        self._table.item(row, 2).setText(format_money(line.line_total, line.currency))
        remove = self._table.cellWidget(row, 3).findChild(QToolButton)
        remove.setAccessibleName(f"Remove {line.name}")
        self._table.resizeRowToContents(row)

    def _fill_row(self, row: int, line: BasketLine) -> None:
        price = format_money(line.unit_price, line.currency)
        name = QTableWidgetItem(f"{display_name(line.name)}\n{line.sku} · {price}")
        name.setToolTip(line.name)
        self._table.setItem(row, 0, name)

        spin = QSpinBox()
        spin.setRange(0, MAX_QUANTITY)
        spin.setValue(line.quantity)
        spin.setAccessibleName(f"Quantity of {line.name}")
        spin.setKeyboardTracking(False)
        spin.valueChanged.connect(
            lambda value, sku=line.sku: self.quantity_change_requested.emit(sku, value)
        )
        self._table.setCellWidget(row, 1, spin)

        total = QTableWidgetItem(format_money(line.line_total, line.currency))
        total.setTextAlignment(
            Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        )
        self._table.setItem(row, 2, total)

        remove = QToolButton()
        remove.setText("✕")
        remove.setToolTip("Remove from basket")
        remove.setAccessibleName(f"Remove {line.name}")
        remove.clicked.connect(
            lambda _=False, sku=line.sku: self.removal_requested.emit(sku)
        )
        cell = QWidget()
        box = QHBoxLayout(cell)
        box.setContentsMargins(2, 0, 2, 0)
        box.addWidget(remove)
        self._table.setCellWidget(row, 3, cell)
        self._table.resizeRowToContents(row)
