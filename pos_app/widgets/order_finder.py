"""Find an order by its id or receipt reference, or a customer's orders.

:class:`OrderFinder` only shows and asks; its owner calls the engine.
:func:`parse_order_query` decides what the associate typed.
"""

from __future__ import annotations

import logging
import re
import uuid
from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from oms_client.models import OrderTracking
from pos_app.formatting import format_money
from pos_app.receipt import order_reference

logger = logging.getLogger(__name__)

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^\+?[0-9 ()-]{6,20}$")
# The receipt's ``OA-`` and its eight hex digits (typed or scanned).
RECEIPT_REFERENCE = re.compile(r"^OA-?([0-9A-F]{8})$", re.IGNORECASE)


@dataclass(frozen=True)
class OrderQuery:
    """What to look an order up by: ``order_id``, ``reference``, ``email``
    or ``phone``."""

    kind: str
    value: str


def parse_order_query(text: str) -> OrderQuery | None:
    """An order id, a receipt reference (``OA-1A2B3C4D``, or its first four
    digits and more), an e-mail address or a phone number; ``None`` otherwise.
    """
    text = text.strip()
    try:
        return OrderQuery("order_id", str(uuid.UUID(text)))
    except ValueError:
        pass
    reference = RECEIPT_REFERENCE.match(text.replace(" ", ""))
    if reference:
        return OrderQuery("reference", f"OA-{reference[1].upper()}")
    if _EMAIL.match(text):
        return OrderQuery("email", text)
    if _PHONE.match(text) and sum(c.isdigit() for c in text) >= 6:
        return OrderQuery("phone", text)
    return None


class OrderFinder(QWidget):
    """A search field and the orders it found.

    Signals:
        search_requested(object): an :class:`OrderQuery` to look up.
        order_chosen(str): the id of the order picked from the results.
    """

    search_requested = Signal(object)
    order_chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("orderFinder")

        self.field = QLineEdit()
        self.field.setObjectName("orderSearch")
        self.field.setPlaceholderText("OA- receipt number, order id, e-mail or phone")
        self.field.setAccessibleName("Find an order")
        self.field.setClearButtonEnabled(True)
        self.field.returnPressed.connect(self._on_find_clicked)
        find = QPushButton("Find")
        find.setObjectName("findOrder")
        find.setAccessibleName("Find the order")
        find.clicked.connect(self._on_find_clicked)
        self.results = QListWidget()
        self.results.setObjectName("orderResults")
        self.results.setAccessibleName("Orders found")
        self.results.setMaximumHeight(120)
        self.results.itemActivated.connect(self._on_results_item_activated)
        self.message = QLabel("")
        self.message.setObjectName("orderFinderMessage")
        self.message.setWordWrap(True)

        row = QHBoxLayout()
        row.addWidget(self.field, 1)
        row.addWidget(find)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.results)
        layout.addWidget(self.message)

    def show_results(self, found: list[OrderTracking]) -> None:
        """List ``found`` (newest first) to choose from."""
        self.results.clear()
        ordered = sorted(found, key=lambda t: t.order.created_at, reverse=True)
        for tracking in ordered:
            order = tracking.order
            state = tracking.process.state_title if tracking.process else ""
            item = QListWidgetItem(
                f"{order_reference(order.id)} · "
                f"{order.created_at:%Y-%m-%d} · "
                f"{format_money(order.total.amount, order.total.currency)}"
                f"{' · ' + state if state else ''}"
            )
            item.setData(Qt.ItemDataRole.UserRole, str(order.id))
            self.results.addItem(item)
        self.show_message(f"{len(found)} order(s) found" if found else "No orders")

    def show_message(self, text: str) -> None:
        """A line under the results (what was found, or what went wrong)."""
        self.message.setText(text)

    def _on_find_clicked(self) -> None:
        query = parse_order_query(self.field.text())
        if query is None:
            self.show_message("Type a full order id, an e-mail address or a phone.")
            return
        self.search_requested.emit(query)

    def _on_results_item_activated(self, item: QListWidgetItem) -> None:
        self.order_chosen.emit(item.data(Qt.ItemDataRole.UserRole))
