"""How the order reaches the customer, and the submit button."""

from __future__ import annotations

import logging

from pydantic import ValidationError
from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from oms_client.models import Address, CollectFulfilment, DeliverFulfilment

logger = logging.getLogger(__name__)

COLLECT_HERE, COLLECT_ELSEWHERE, DELIVER = range(3)


class CheckoutPanel(QWidget):
    """Fulfilment choice and submit.

    Signals:
        submit_requested(object): a validated fulfilment (collect or deliver).
    """

    submit_requested = Signal(object)

    def __init__(
        self, home_id: str, home_name: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._home_id = home_id
        self._elsewhere: tuple[str, str] | None = None

        self._method = QComboBox()
        self._method.setAccessibleName("Fulfilment")
        self._method.addItem(f"Collect here · {home_name}")
        self._method.addItem("Collect at another store")
        self._method.addItem("Deliver to an address")
        self._method.model().item(COLLECT_ELSEWHERE).setEnabled(False)
        self._method.currentIndexChanged.connect(self._on_method_changed)

        self._address = QWidget()
        form = QFormLayout(self._address)
        form.setContentsMargins(0, 0, 0, 0)
        self._fields = {}
        for key, label in (
            ("name", "Name"),
            ("line1", "Address"),
            ("city", "Town"),
            ("postcode", "Postcode"),
        ):
            field = QLineEdit()
            field.setAccessibleName(label)
            field.setObjectName(f"address_{key}")
            form.addRow(label, field)
            self._fields[key] = field
        self._address.setVisible(False)

        self._error = QLabel()
        self._error.setObjectName("error")
        self._error.setWordWrap(True)
        self._error.setVisible(False)

        self._submit = QPushButton("Submit order")
        self._submit.setObjectName("submit")
        self._submit.setEnabled(False)
        self._submit.clicked.connect(self._on_submit_clicked)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._method)
        layout.addWidget(self._address)
        layout.addWidget(self._error)
        layout.addWidget(self._submit)

    def set_basket_ready(self, ready: bool) -> None:
        """Submit is possible only with something in the basket."""
        self._submit.setEnabled(ready)

    def collect_at(self, location_id: str, name: str) -> None:
        """Offer collection at another store, and choose it."""
        self._elsewhere = (location_id, name)
        item = self._method.model().item(COLLECT_ELSEWHERE)
        item.setText(f"Collect at {name}")
        item.setEnabled(True)
        self._method.setCurrentIndex(COLLECT_ELSEWHERE)

    def fill_address(self, address: Address) -> None:
        """Deliver to ``address`` (a phone customer's), and choose delivery."""
        for key in ("name", "line1", "city", "postcode"):
            self._fields[key].setText(getattr(address, key))
        self._method.setCurrentIndex(DELIVER)

    def reset(self) -> None:
        """Back to the default after an order was submitted."""
        for field in self._fields.values():
            field.clear()
        self._method.setCurrentIndex(COLLECT_HERE)
        self._error.setVisible(False)

    def _on_method_changed(self, index: int) -> None:
        self._address.setVisible(index == DELIVER)
        self._error.setVisible(False)

    def current_fulfilment(self):
        """The fulfilment as chosen now; ``ValidationError`` if incomplete."""
        index = self._method.currentIndex()
        if index == DELIVER:
            values = {k: f.text().strip() for k, f in self._fields.items()}
            return DeliverFulfilment(address=Address(**values))
        if index == COLLECT_ELSEWHERE and self._elsewhere:
            return CollectFulfilment(location_id=self._elsewhere[0])
        return CollectFulfilment(location_id=self._home_id)

    def _on_submit_clicked(self) -> None:
        try:
            fulfilment = self.current_fulfilment()
        except ValidationError as exc:
            self._show_error(exc)
            return
        self._error.setVisible(False)
        self.submit_requested.emit(fulfilment)

    def _show_error(self, exc: ValidationError) -> None:
        problems = []
        for error in exc.errors():
            field = str(error["loc"][-1]) if error["loc"] else "address"
            problems.append(f"{field}: {error['msg']}")
        self._error.setText("Please check the address — " + "; ".join(problems))
        self._error.setVisible(True)
