"""Recall a parked basket (or a kiosk's hand-over) by its code."""

from __future__ import annotations

import logging

from PySide6.QtCore import QRegularExpression, Signal
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
)

from oms_client.models import ParkedBasket

logger = logging.getLogger(__name__)


class RecallDialog(QDialog):
    """The store's parked baskets and a field for a code.

    Signals:
        recall_requested(str): the code to recall.
    """

    recall_requested = Signal(str)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("recallDialog")
        self.setWindowTitle("Recall a basket")
        self.code = QLineEdit()
        self.code.setObjectName("recallCode")
        self.code.setAccessibleName("Basket code")
        self.code.setPlaceholderText("Code, e.g. K7Q2XM")
        self.code.setValidator(
            QRegularExpressionValidator(QRegularExpression(r"[A-Za-z2-9]{0,6}"), self)
        )
        self.parked = QListWidget()
        self.parked.setObjectName("parkedList")
        self.parked.setAccessibleName("Parked baskets in this store")
        self.parked.itemActivated.connect(
            lambda item: self.code.setText(item.data(256))
        )
        self.error = QLabel()
        self.error.setObjectName("error")
        self.error.setVisible(False)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self._on_ok)
        buttons.rejected.connect(self.reject)
        self.code.returnPressed.connect(self._on_ok)
        layout = QVBoxLayout(self)
        layout.addWidget(self.code)
        layout.addWidget(self.parked)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def show_parked(self, baskets: list[ParkedBasket]) -> None:
        """List what waits, newest first."""
        self.parked.clear()
        for basket in baskets:
            count = sum(line.quantity for line in basket.lines)
            when = basket.parked_at.strftime("%H:%M")
            label = basket.label or "parked"
            item = QListWidgetItem(f"{basket.code} · {count} items · {label} · {when}")
            item.setData(256, basket.code)
            self.parked.addItem(item)

    def show_error(self, text: str) -> None:
        """Say why the recall did not work."""
        self.error.setText(text)
        self.error.setVisible(True)

    def _on_ok(self) -> None:
        code = self.code.text().strip().upper()
        if len(code) != 6:
            self.show_error("A basket code has six letters and digits.")
            return
        self.recall_requested.emit(code)
