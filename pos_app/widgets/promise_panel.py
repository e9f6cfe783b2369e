"""The engine's promise per basket line, and why other places were not chosen.

:class:`PromisePanel` shows a :class:`~oms_client.models.Quote`: per line
the source location, how it travels and the earliest date. "Why not …?"
lists the quote's trace for the selected line: every candidate, taken,
passed over or refused, with the engine's reason. It does no I/O.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from oms_client.models import Quote, TraceDecision

logger = logging.getLogger(__name__)

METHOD_TITLES = {"ship": "delivered", "collect": "collect", "transfer": "transfer"}
DECISION_TITLES = {
    TraceDecision.TAKEN: "taken",
    TraceDecision.PASSED_OVER: "passed over",
    TraceDecision.REFUSED: "refused",
}


class PromisePanel(QWidget):
    """Per-line promise of the basket for the chosen fulfilment.

    Signals:
        quote_requested(): the associate asks for the engine's promise.
    """

    quote_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("promisePanel")
        self._quote: Quote | None = None

        self.table = QTableWidget(0, 4)
        self.table.setObjectName("promiseTable")
        self.table.setAccessibleName("Promise per line")
        self.table.setHorizontalHeaderLabels(["Item", "From", "How", "Earliest"])
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)  # Tab leaves; arrows choose a line
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.setMaximumHeight(140)
        # An empty table would take the basket's room: shown with a quote only.
        self.table.setVisible(False)
        self.table.currentCellChanged.connect(self._on_table_current_changed)
        self.check_button = QPushButton("Check promise")
        self.check_button.setObjectName("checkPromise")
        self.check_button.setAccessibleName("Check the promise for each line")
        self.check_button.clicked.connect(self.quote_requested)
        self.why_button = QPushButton("Why not …?")
        self.why_button.setObjectName("whyNot")
        self.why_button.setAccessibleName("Why not another place, for this line")
        self.why_button.setEnabled(False)
        self.why_button.clicked.connect(self._on_why_clicked)
        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.trace = QPlainTextEdit()
        self.trace.setObjectName("promiseTrace")
        self.trace.setAccessibleName("Why each place was taken or not")
        self.trace.setReadOnly(True)
        self.trace.setVisible(False)

        buttons = QHBoxLayout()
        buttons.addWidget(self.check_button)
        buttons.addWidget(self.why_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(buttons)
        layout.addWidget(self.table)
        layout.addWidget(self.message)
        layout.addWidget(self.trace)

    def show_quote(self, quote: Quote) -> None:
        """One row per allocation (a line split across places has several)."""
        self._quote = quote
        rows = []
        for line in quote.lines:
            if not line.allocations:
                rows.append((line.line, line.sku, "—", "cannot be met", ""))
            for allocation in line.allocations:
                rows.append(
                    (
                        line.line,
                        f"{allocation.quantity} × {line.sku}",
                        allocation.name or allocation.location_id,
                        METHOD_TITLES.get(allocation.method, allocation.method),
                        allocation.earliest_date.isoformat()
                        if allocation.earliest_date
                        else "",
                    )
                )
        self.table.setRowCount(len(rows))
        for row, (line_no, *values) in enumerate(rows):
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setData(Qt.ItemDataRole.UserRole, line_no)
                self.table.setItem(row, column, item)
        unmet = [line.sku for line in quote.lines if not line.fulfillable]
        self.message.setText(
            f"Cannot be met: {', '.join(unmet)}"
            if unmet
            else f"{quote.shipments} shipment(s)"
        )
        self.table.setVisible(bool(rows))
        self.trace.setVisible(False)
        self.why_button.setEnabled(bool(rows))

    def focus_chain(self) -> list[QWidget]:
        """What Tab stops at, in order: check, the lines, why not."""
        return [self.check_button, self.table, self.why_button]

    def show_message(self, text: str) -> None:
        """A line under the table (an error, or that the basket changed)."""
        self.message.setText(text)

    def clear(self) -> None:
        """Forget the quote (the basket or the fulfilment changed)."""
        self._quote = None
        self.table.setRowCount(0)
        self.table.setVisible(False)
        self.trace.setVisible(False)
        self.why_button.setEnabled(False)
        self.message.setText("")

    def selected_line(self) -> int | None:
        """The order line number of the selected row, if any."""
        item = self.table.item(self.table.currentRow(), 0)
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None

    def explain(self, line_no: int) -> str:
        """The trace for ``line_no``, with the refusals that hold for all."""
        if self._quote is None:
            return ""
        entries = [e for e in self._quote.trace if e.line in (line_no, None)]
        text = []
        for entry in entries:
            where = f"{entry.name} ({entry.location_id})"
            text.append(f"{DECISION_TITLES[entry.decision]}: {where} — {entry.reason}")
        return "\n".join(text) or "The engine gave no reasons for this line."

    def _on_table_current_changed(self, *_args: object) -> None:
        self.trace.setVisible(False)

    def _on_why_clicked(self) -> None:
        line_no = self.selected_line()
        if line_no is None:
            line_no = 0
        self.trace.setPlainText(self.explain(line_no))
        self.trace.setVisible(True)
