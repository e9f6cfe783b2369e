"""A supervisor's approval of a price override or a discount, on the spot."""

from __future__ import annotations

import logging

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
)

from oms_client.models import ApprovalKind

logger = logging.getLogger(__name__)


class ApprovalDialog(QDialog):
    """Kind, amount, reason and the supervisor's own number and PIN.

    Signals:
        approval_requested(object): a dict with ``kind``, ``sku``, ``amount``
            (minor units), ``reason``, ``supervisor_number``, ``supervisor_pin``.
    """

    approval_requested = Signal(object)

    def __init__(self, skus: list[tuple[str, str]], parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("approvalDialog")
        self.setWindowTitle("Supervisor approval")
        self.kind = QComboBox()
        self.kind.setAccessibleName("What needs approval")
        self.kind.addItem("Discount on the order", ApprovalKind.DISCOUNT)
        self.kind.addItem("New price for a line", ApprovalKind.PRICE_OVERRIDE)
        self.sku = QComboBox()
        self.sku.setAccessibleName("Line")
        for sku, name in skus:
            self.sku.addItem(f"{name} ({sku})", sku)
        self.amount = QDoubleSpinBox()
        self.amount.setAccessibleName("Amount in pounds")
        self.amount.setRange(0.01, 100_000)
        self.amount.setDecimals(2)
        self.amount.setPrefix("£")
        self.reason = QLineEdit()
        self.reason.setAccessibleName("Reason")
        self.reason.setMaxLength(200)
        self.supervisor = QLineEdit()
        self.supervisor.setAccessibleName("Supervisor's staff number")
        self.supervisor.setMaxLength(8)
        self.pin = QLineEdit()
        self.pin.setAccessibleName("Supervisor's PIN")
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin.setMaxLength(8)
        self.error = QLabel()
        self.error.setObjectName("error")
        self.error.setVisible(False)

        form = QFormLayout()
        for label, field in (
            ("Approval for", self.kind),
            ("Line", self.sku),
            ("Amount", self.amount),
            ("Reason", self.reason),
            ("Supervisor", self.supervisor),
            ("Supervisor PIN", self.pin),
        ):
            form.addRow(label, field)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self._on_ok)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def show_error(self, text: str) -> None:
        """Say why the approval was refused."""
        self.error.setText(text)
        self.error.setVisible(True)
        self.pin.clear()

    def _on_ok(self) -> None:
        kind = self.kind.currentData()
        if not self.reason.text().strip():
            self.show_error("Give a reason: it is recorded on the order.")
            return
        # Whole pence from the spin box's fixed two-decimal text, never a float.
        pounds, _, pence = self.amount.cleanText().replace(",", "").partition(".")
        self.approval_requested.emit(
            {
                "kind": kind,
                "sku": self.sku.currentData()
                if kind == ApprovalKind.PRICE_OVERRIDE
                else None,
                "amount": int(pounds) * 100 + int(pence or 0),
                "reason": self.reason.text().strip(),
                "supervisor_number": self.supervisor.text().strip(),
                "supervisor_pin": self.pin.text(),
            }
        )
