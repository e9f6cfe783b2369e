"""An on-screen number pad for touch screens: quantities, PINs, codes."""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGridLayout, QLineEdit, QPushButton, QWidget

logger = logging.getLogger(__name__)

TOUCH_TARGET_PX = 56


class NumberPad(QWidget):
    """Digits, back-space and OK, typing into a chosen field.

    Signals:
        confirmed(): the OK key was pressed.
    """

    confirmed = Signal()

    def __init__(self, target: QLineEdit | None = None, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("numberPad")
        self._target = target
        grid = QGridLayout(self)
        grid.setSpacing(8)
        keys = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "⌫", "0", "OK"]
        for index, key in enumerate(keys):
            button = QPushButton(key)
            button.setObjectName("padKey")
            button.setMinimumSize(TOUCH_TARGET_PX, TOUCH_TARGET_PX)
            # The pad never takes the focus away from the field it types in.
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            name = {"⌫": "Delete last digit", "OK": "Confirm"}.get(key, key)
            button.setAccessibleName(name)
            button.clicked.connect(lambda _=False, k=key: self._on_key_clicked(k))
            grid.addWidget(button, index // 3, index % 3)

    def set_target(self, target: QLineEdit) -> None:
        """Type into ``target`` from now on."""
        self._target = target

    def _on_key_clicked(self, key: str) -> None:
        if key == "OK":
            self.confirmed.emit()
            return
        if self._target is None:
            return
        if key == "⌫":
            self._target.backspace()
        else:
            self._target.insert(key)
