"""Phone orders: find or create the customer, payment and notes for the store."""

from __future__ import annotations

import logging

from pydantic import ValidationError
from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from oms_client.models import Address, Customer, CustomerRequest

logger = logging.getLogger(__name__)

PAYMENT_CHOICES = (
    ("card_not_present", "Card, customer not present"),
    ("on_confirmation", "Pay on confirmation"),
)
MAX_NOTES = 500


class CustomerPanel(QWidget):
    """Search, pick or create the customer of a phone order.

    Signals:
        search_requested(str): look customers up by phone, e-mail, postcode
            or name.
        create_requested(object): a validated :class:`CustomerRequest`.
        customer_chosen(object): the :class:`Customer` the order is for.
    """

    search_requested = Signal(str)
    create_requested = Signal(object)
    customer_chosen = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("customerPanel")
        title = QLabel("Customer")
        title.setObjectName("panelTitle")
        self.search = QLineEdit()
        self.search.setObjectName("customerSearch")
        self.search.setAccessibleName("Find a customer")
        self.search.setPlaceholderText("Phone, e-mail, postcode or name")
        self.search.setMaxLength(100)
        self.search.returnPressed.connect(self._on_search)
        self.results = QListWidget()
        self.results.setObjectName("customerResults")
        self.results.setAccessibleName("Customers found")
        self.results.setMaximumHeight(90)
        self.results.itemActivated.connect(self._on_result_activated)
        self.results.itemClicked.connect(self._on_result_activated)
        self.chosen = QLabel("No customer chosen")
        self.chosen.setObjectName("hint")
        self.chosen.setAccessibleName("Chosen customer")

        self.fields: dict[str, QLineEdit] = {}
        form = QFormLayout()
        for key, label in (
            ("name", "Name"),
            ("phone", "Phone"),
            ("email", "E-mail"),
            ("line1", "Address"),
            ("city", "Town"),
            ("postcode", "Postcode"),
        ):
            field = QLineEdit()
            field.setObjectName(f"customer_{key}")
            field.setAccessibleName(f"Customer {label.lower()}")
            form.addRow(label, field)
            self.fields[key] = field
        self.create = QPushButton("Save new customer")
        self.create.setObjectName("createCustomer")
        self.create.clicked.connect(self._on_create_clicked)
        self.error = QLabel()
        self.error.setObjectName("error")
        self.error.setWordWrap(True)
        self.error.setVisible(False)

        self.payment = QComboBox()
        self.payment.setObjectName("phonePayment")
        self.payment.setAccessibleName("Payment")
        for key, label in PAYMENT_CHOICES:
            self.payment.addItem(label, key)
        self.notes = QPlainTextEdit()
        self.notes.setObjectName("storeNotes")
        self.notes.setAccessibleName("Notes for the store")
        self.notes.setPlaceholderText("Notes for the store (optional)")
        self.notes.setMaximumHeight(60)
        self.notes.setTabChangesFocus(True)

        search_row = QHBoxLayout()
        search_row.addWidget(self.search)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(title)
        layout.addLayout(search_row)
        layout.addWidget(self.results)
        layout.addWidget(self.chosen)
        layout.addLayout(form)
        layout.addWidget(self.create)
        layout.addWidget(self.error)
        layout.addWidget(self.payment)
        layout.addWidget(self.notes)

    def show_found(self, customers: list[Customer]) -> None:
        """List the customers found."""
        self.results.clear()
        for customer in customers:
            postcode = customer.addresses[0].postcode if customer.addresses else ""
            item = QListWidgetItem(
                " · ".join(p for p in (customer.name, customer.phone, postcode) if p)
            )
            item.setData(256, customer)
            self.results.addItem(item)
        if not customers:
            self.show_error("Nobody found: fill in the form to add the customer.")

    def show_chosen(self, customer: Customer | None) -> None:
        """Say who the order is for."""
        self.error.setVisible(False)
        self.chosen.setText(
            f"Order for {customer.name}" if customer else "No customer chosen"
        )

    def show_error(self, text: str) -> None:
        """A problem with the search or the form."""
        self.error.setText(text)
        self.error.setVisible(True)

    def payment_choice(self) -> str:
        """``card_not_present`` or ``on_confirmation``."""
        return self.payment.currentData()

    def notes_text(self) -> str:
        """The notes for the store: printable text and line breaks, capped."""
        text = self.notes.toPlainText()
        kept = "".join(ch for ch in text if ch in "\n\t" or ch.isprintable())
        return kept.strip()[:MAX_NOTES].strip()

    def reset(self) -> None:
        """Empty everything for the next call."""
        for field in (*self.fields.values(), self.search):
            field.clear()
        self.results.clear()
        self.notes.clear()
        self.payment.setCurrentIndex(0)
        self.show_chosen(None)

    def _on_search(self) -> None:
        text = self.search.text().strip()
        if text:
            self.search_requested.emit(text)

    def _on_result_activated(self, item: QListWidgetItem) -> None:
        self.customer_chosen.emit(item.data(256))

    def _on_create_clicked(self) -> None:
        values = {k: f.text().strip() or None for k, f in self.fields.items()}
        try:
            addresses = []
            if values["line1"] or values["postcode"]:
                addresses.append(
                    Address(
                        name=values["name"] or "",
                        line1=values["line1"] or "",
                        city=values["city"] or "",
                        postcode=values["postcode"] or "",
                    )
                )
            request = CustomerRequest(
                name=values["name"] or "",
                phone=values["phone"],
                email=values["email"],
                addresses=addresses,
            )
        except ValidationError as exc:
            problems = [
                f"{e['loc'][-1] if e['loc'] else 'customer'}: {e['msg']}"
                for e in exc.errors()
            ]
            self.show_error("Please check — " + "; ".join(problems))
            return
        self.error.setVisible(False)
        self.create_requested.emit(request)
