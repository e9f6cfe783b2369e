"""The kiosk's hand-over: a code (text and Code 128) a till scans or types."""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QDialog, QLabel, QPushButton, QVBoxLayout

from pos_app import code128

logger = logging.getLogger(__name__)


class HandOverDialog(QDialog):
    """Shows a parked basket's code big enough to read and to scan."""

    def __init__(self, code: str, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("handOverDialog")
        self.setWindowTitle("Ask a colleague")
        self.code = code
        intro = QLabel("Show this code to a colleague at a till or tablet:")
        intro.setWordWrap(True)
        text = QLabel(" ".join((code[:3], code[3:])))
        text.setObjectName("handOverCode")
        text.setAccessibleName(f"Hand-over code {' '.join(code)}")
        text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        bars = QLabel()
        bars.setObjectName("handOverBarcode")
        bars.setAccessibleName("Hand-over code as a barcode")
        bars.setPixmap(QPixmap.fromImage(code128.image(code, module_px=4)))
        bars.setAlignment(Qt.AlignmentFlag.AlignCenter)
        done = QPushButton("Done")
        done.setObjectName("primary")
        done.clicked.connect(self.accept)
        layout = QVBoxLayout(self)
        for widget in (intro, text, bars, done):
            layout.addWidget(widget)
