"""Staff sign-in: staff number and PIN, with a number pad on touch screens."""

from __future__ import annotations

import html
import logging

from PySide6.QtCore import QEvent, QObject, QRegularExpression, Signal
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
)

from pos_app.widgets.number_pad import NumberPad

logger = logging.getLogger(__name__)


class SignInDialog(QDialog):
    """Asks for a staff number and PIN; the caller checks them.

    Signals:
        sign_in_requested(str, str): the staff number and PIN typed.
    """

    sign_in_requested = Signal(str, str)

    def __init__(self, title: str, *, touch: bool, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("signInDialog")
        self.setWindowTitle(title)
        digits = QRegularExpressionValidator(QRegularExpression(r"[0-9]{0,8}"), self)

        self.number = QLineEdit()
        self.number.setObjectName("staffNumber")
        self.number.setAccessibleName("Staff number")
        self.number.setValidator(digits)
        self.pin = QLineEdit()
        self.pin.setObjectName("staffPin")
        self.pin.setAccessibleName("PIN")
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin.setValidator(digits)
        self.error = QLabel()
        self.error.setObjectName("error")
        self.error.setWordWrap(True)
        self.error.setVisible(False)

        form = QFormLayout()
        form.addRow("Staff number", self.number)
        form.addRow("PIN", self.pin)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Sign in")
        buttons.accepted.connect(self._on_ok)
        self.number.returnPressed.connect(self.pin.setFocus)
        self.pin.returnPressed.connect(self._on_ok)

        # A frameless or full-screen window shows no title bar: say it inside.
        heading = QLabel(f"<b>{html.escape(title)}</b>")
        heading.setObjectName("signInHeading")
        hint = QLabel("Type your staff number and PIN, then press Enter.")
        hint.setWordWrap(True)

        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(hint)
        layout.addLayout(form)
        layout.addWidget(self.error)
        if touch:
            self.pad = NumberPad(self.number)
            self.pad.confirmed.connect(self._on_pad_confirmed)
            for field in (self.number, self.pin):
                field.installEventFilter(self)
            layout.addWidget(self.pad)
        layout.addWidget(buttons)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """The pad types into whichever field has the focus."""
        if event.type() == QEvent.Type.FocusIn and isinstance(watched, QLineEdit):
            self.pad.set_target(watched)
        return False

    def show_error(self, text: str) -> None:
        """Say why the sign-in failed; clear the PIN for another try."""
        self.error.setText(text)
        self.error.setVisible(True)
        self.pin.clear()
        self.pin.setFocus()

    def _on_pad_confirmed(self) -> None:
        if self.number.hasFocus() or not self.pin.text():
            self.pin.setFocus()
        else:
            self._on_ok()

    def _on_ok(self) -> None:
        number, pin = self.number.text(), self.pin.text()
        if not 4 <= len(number) <= 8 or not 4 <= len(pin) <= 8:
            self.show_error("A staff number and a PIN have 4 to 8 digits.")
            return
        self.sign_in_requested.emit(number, pin)
