"""An order's view: where it is, its timeline, its payments and its picture.

The view shows what it is given and asks for the rest by signals; the owner
loads data through the engine client (never on the Qt thread's time) and
calls :meth:`OrderView.show_tracking`.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QByteArray, Qt, Signal
from PySide6.QtSvgWidgets import QSvgWidget
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from oms_client.models import LineException, Order, OrderTracking, PaymentChoice
from pos_app.formatting import format_money

logger = logging.getLogger(__name__)

EVENT_TITLES = {
    "order.created": "Order placed",
    "order.state_changed": "Moved on",
    "order.released": "Released to the store",
    "task.created": "Task ready",
    "task.claimed": "Task taken",
    "task.completed": "Task done",
    "task.cancelled": "Task cancelled",
    "customer.notify": "Customer told",
    "stock.consumed": "Goods left the store",
    "stock.released": "Stock released",
    "stock.returned": "Goods returned",
    "order.lines_cancelled": "Lines cancelled",
    "order.returned": "Return taken",
}


class OrderView(QWidget):
    """One order: state, timeline, payments and process picture.

    Signals:
        refresh_requested(str): the order id whose data should be reloaded.
        cancel_requested(str): the order id the associate wants cancelled.
    """

    refresh_requested = Signal(str)
    cancel_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("orderView")
        self._order_id: str | None = None

        self._title = QLabel("No order")
        self._title.setObjectName("orderTitle")
        self._state = QLabel("")
        self._state.setObjectName("orderState")
        refresh = QPushButton("Refresh")
        refresh.clicked.connect(self._on_refresh_clicked)
        self._cancel = QPushButton("Cancel order")
        self._cancel.setObjectName("danger")
        self._cancel.clicked.connect(self._on_cancel_clicked)
        header = QHBoxLayout()
        header.addWidget(self._title, 1)
        header.addWidget(self._state)
        header.addWidget(refresh)
        header.addWidget(self._cancel)

        # The receipt's reference, approved prices, payment and store notes.
        self.details = QLabel("")
        self.details.setObjectName("orderDetails")
        self.details.setAccessibleName("Order details")
        self.details.setWordWrap(True)
        self.details.setTextFormat(Qt.TextFormat.PlainText)

        self.timeline = _table(["#", "When (UTC)", "What", "Detail"])
        self.payments = _table(["Operation", "Tender", "Amount", "Outcome", "Ref"])
        self._totals = QLabel("")
        payments_page = QWidget()
        payments_layout = QVBoxLayout(payments_page)
        payments_layout.addWidget(self._totals)
        payments_layout.addWidget(self.payments)
        self.picture = QSvgWidget()
        self.picture.setObjectName("processPicture")
        scroll = QScrollArea()
        scroll.setWidget(self.picture)
        scroll.setWidgetResizable(False)
        # An order mixing fulfilments runs one process per shipment group.
        self.groups = _table(["#", "Process", "Where it is", "Lines"])
        self.groups.setObjectName("shipmentGroups")
        self.groups.setAccessibleName("Shipments of the order")
        self.group_choice = QComboBox()
        self.group_choice.setObjectName("groupChoice")
        self.group_choice.setAccessibleName("Whose process picture")
        self.group_choice.currentIndexChanged.connect(self._on_group_chosen)
        self._pictures: dict[int, bytes] = {}
        process_page = QWidget()
        process_layout = QVBoxLayout(process_page)
        process_layout.setContentsMargins(0, 0, 0, 0)
        process_layout.addWidget(self.group_choice)
        process_layout.addWidget(scroll, 1)

        self.tabs = QTabWidget()
        self.tabs.addTab(self.timeline, "Timeline")
        self.tabs.addTab(payments_page, "Payments")
        self.tabs.addTab(process_page, "Process")
        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addWidget(self.details)
        layout.addWidget(self.groups)
        layout.addWidget(self.tabs, 1)
        self._cancel.setEnabled(False)

    @property
    def order_id(self) -> str | None:
        """The id of the order shown, if any."""
        return self._order_id

    def show_tracking(
        self,
        tracking: OrderTracking,
        picture: bytes | None,
        pictures: dict[int, bytes] | None = None,
    ) -> None:
        """Show ``tracking`` and the SVG ``picture`` of its process.

        ``pictures`` has one picture per shipment group when the order has
        several; each group is listed with its process and where it is.
        """
        order = tracking.order
        self._order_id = str(order.id)
        self._title.setText(
            f"Order {str(order.id)[:8]} · "
            f"{format_money(order.total.amount, order.total.currency)}"
        )
        self.details.setText(order_details(order))
        process = tracking.process
        self._state.setText(process.state_title if process else order.status.value)
        self._cancel.setEnabled(bool(process and not process.final))

        self.timeline.setRowCount(len(tracking.timeline))
        for row, event in enumerate(tracking.timeline):
            detail = ", ".join(f"{k}: {v}" for k, v in sorted(event.payload.items()))
            values = [
                str(event.order_seq or ""),
                event.created_at.strftime("%Y-%m-%d %H:%M"),
                EVENT_TITLES.get(event.kind, event.kind),
                detail,
            ]
            _fill(self.timeline, row, values)

        money = tracking.payments
        currency = money.captured.currency
        captured = format_money(money.captured.amount, currency)
        refunded = format_money(money.refunded.amount, currency)
        authorised = format_money(money.authorised.amount, currency)
        self._totals.setText(
            f"Captured {captured} · refunded {refunded} · authorised {authorised}"
        )
        self.payments.setRowCount(len(money.records))
        for row, record in enumerate(money.records):
            _fill(
                self.payments,
                row,
                [
                    record.operation.value,
                    record.tender.value.replace("_", " "),
                    format_money(record.amount.amount, record.amount.currency),
                    record.outcome,
                    record.reference[-12:],
                ],
            )

        self._show_groups(tracking, order)
        self._pictures = dict(pictures or {})
        self.group_choice.blockSignals(True)
        self.group_choice.clear()
        for group in tracking.groups if self._pictures else []:
            self.group_choice.addItem(
                f"Shipment {group.group + 1}: {group.process}", group.group
            )
        self.group_choice.blockSignals(False)
        self.group_choice.setVisible(bool(self._pictures))
        if picture:
            self._load_picture(picture)

    def _show_groups(self, tracking: OrderTracking, order: Order) -> None:
        groups = tracking.groups if len(tracking.groups) > 1 else []
        self.groups.setVisible(bool(groups))
        self.groups.setRowCount(len(groups))
        for row, group in enumerate(groups):
            skus = [order.lines[n].sku for n in group.lines if n < len(order.lines)]
            _fill(
                self.groups,
                row,
                [
                    str(group.group + 1),
                    group.process.replace("_", " "),
                    group.state_title,
                    ", ".join(skus),
                ],
            )

    def _load_picture(self, picture: bytes) -> None:
        self.picture.load(QByteArray(picture))
        self.picture.setFixedSize(self.picture.renderer().defaultSize())

    def _on_group_chosen(self, index: int) -> None:
        picture = self._pictures.get(self.group_choice.itemData(index))
        if picture:
            self._load_picture(picture)

    def _on_refresh_clicked(self) -> None:
        if self._order_id:
            self.refresh_requested.emit(self._order_id)

    def _on_cancel_clicked(self) -> None:
        if self._order_id:
            self.cancel_requested.emit(self._order_id)


PAYMENT_WORDS = {
    PaymentChoice.CARD_NOT_PRESENT: "card, customer not present",
    PaymentChoice.ON_CONFIRMATION: "on confirmation",
}


def order_details(order: Order) -> str:
    """The reference, approved prices, payment choice and notes, one a line."""
    words = [f"Receipt {order.reference}" if order.reference else ""]
    if order.list_total is not None:
        words.append(
            f"Approved price: was {_money(order.list_total)}, now {_money(order.total)}"
        )
    for line in order.lines:
        if line.list_price is not None and line.list_price != line.unit_price:
            words.append(
                f"{line.sku}: {_money(line.unit_price)} each "
                f"(catalogue {_money(line.list_price)})"
            )
        if line.exception is not None:
            words.append(exception_words(line.exception))
    if order.payment_choice is not None:
        words.append(f"Payment: {PAYMENT_WORDS[order.payment_choice]}")
    if order.notes:
        words.append(f"Notes for the store: {order.notes}")
    if order.sourcing_note:
        words.append(f"Promise shown not kept: {order.sourcing_note}")
    return "\n".join(word for word in words if word)


def exception_words(exception: LineException) -> str:
    """A line whose promise shown offline broke: what, and where it stands."""
    state = exception.status.value
    if exception.resolution is not None:
        state += f", {exception.resolution.value.replace('_', ' ')}"
    return (
        f"Line {exception.line_no + 1}: promise broken ({state}): {exception.message}"
    )


def _money(money) -> str:
    return format_money(money.amount, money.currency)


def _table(headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setStretchLastSection(True)
    return table


def _fill(table: QTableWidget, row: int, values: list[str]) -> None:
    for column, value in enumerate(values):
        item = QTableWidgetItem(value)
        item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
        table.setItem(row, column, item)
