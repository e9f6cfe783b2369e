"""Orders on the device that the engine has not accepted yet."""

from __future__ import annotations

import logging

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QListWidget,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from pos_app.formatting import format_age

logger = logging.getLogger(__name__)


class OutboxDialog(QDialog):
    """Waiting and parked orders, with a way to send a parked one again.

    Below them, orders the engine accepted with a broken promise
    (:meth:`add_notice`).

    Signals:
        requeue_requested(str): an order id a person wants sent again.
    """

    requeue_requested = Signal(str)

    _COLUMNS = ("Order", "State", "Tries", "Queued", "Last problem")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Outbox")
        self.resize(820, 360)
        self._entries: list[object] = []

        self._intro = QLabel(
            "Orders wait here until the order engine has accepted them. "
            "Each is sent exactly once; a parked order needs a person."
        )
        self._intro.setWordWrap(True)
        self._table = QTableWidget(0, len(self._COLUMNS))
        self._table.setAccessibleName("Outbox orders")
        self._table.setHorizontalHeaderLabels(self._COLUMNS)
        self._table.verticalHeader().setVisible(False)
        self._table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self._table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self._table.horizontalHeader().setSectionResizeMode(
            4, QHeaderView.ResizeMode.Stretch
        )

        self._requeue = QPushButton("Send again")
        self._requeue.setEnabled(False)
        self._requeue.clicked.connect(self._on_requeue_clicked)
        self._table.itemSelectionChanged.connect(self._on_selection_changed)

        # Orders accepted although a promise shown offline broke.
        self._broken_title = QLabel(
            "Accepted with a broken promise (a task to contact the customer "
            "is in this store's tasks):"
        )
        self._broken_title.setWordWrap(True)
        self.broken = QListWidget()
        self.broken.setAccessibleName("Broken promises")
        self.broken.setWordWrap(True)
        self._broken_title.setVisible(False)
        self.broken.setVisible(False)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self._requeue, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self._intro)
        layout.addWidget(self._table, 1)
        layout.addWidget(self._broken_title)
        layout.addWidget(self.broken)
        layout.addWidget(buttons)

    def show_entries(self, entries: list[object]) -> None:
        """Redraw from the outbox rows that are not accepted yet."""
        self._entries = list(entries)
        self._table.setRowCount(len(self._entries))
        for row, entry in enumerate(self._entries):
            cells = (
                str(entry.order_id)[:8],
                str(entry.state),
                str(entry.attempts),
                format_age(entry.created_at),
                entry.last_error or "",
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(str(entry.order_id) if column == 0 else text)
                self._table.setItem(row, column, item)
        self._on_selection_changed()

    def add_notice(self, text: str) -> None:
        """List an order accepted with a broken promise (newest first)."""
        self.broken.insertItem(0, text)
        self._broken_title.setVisible(True)
        self.broken.setVisible(True)

    def _selected(self) -> object | None:
        rows = {index.row() for index in self._table.selectedIndexes()}
        return self._entries[min(rows)] if rows else None

    def _on_selection_changed(self) -> None:
        entry = self._selected()
        self._requeue.setEnabled(entry is not None and str(entry.state) == "parked")

    def _on_requeue_clicked(self) -> None:
        entry = self._selected()
        if entry is not None:
            self.requeue_requested.emit(str(entry.order_id))
