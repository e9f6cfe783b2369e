"""The till's look: large type, clear contrast, calm colours."""

from __future__ import annotations

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication

_STYLE = """
QMainWindow, QDialog { background: #f4f5f7; }
QToolBar#navigation { background: #1f2a44; border: 0; padding: 6px; spacing: 6px; }
QToolBar#navigation QToolButton { color: white; font-size: 18px; padding: 4px 10px;
    border-radius: 6px; }
QToolBar#navigation QToolButton:hover { background: #33416a; }
QLineEdit#catalogueSearch { font-size: 16px; padding: 8px 12px; border-radius: 8px;
    border: 0; min-width: 380px; }
QLabel#storeName { color: #d7def0; font-weight: 600; }
QFrame#sidePanel { background: white; border-left: 1px solid #d9dce3; }
QLabel#panelTitle, QLabel#productName { font-size: 18px; font-weight: 700;
    color: #1f2a44; }
QLabel#productPrice { font-size: 22px; font-weight: 700; color: #0b6b3a; }
QLabel#stockHere { font-size: 16px; font-weight: 600; }
QLabel#stockHere[level="none"] { color: #b3261e; }
QLabel#stockHere[level="ok"] { color: #0b6b3a; }
QLabel#hint { color: #5f6675; }
QLabel#error { color: #b3261e; font-weight: 600; }
QLabel#basketTotal { font-size: 22px; font-weight: 700; color: #1f2a44; }
QTableWidget { border: 1px solid #e3e6ec; border-radius: 6px; gridline-color: #eef0f4;
    font-size: 14px; }
QHeaderView::section { background: #f4f5f7; border: 0; padding: 6px;
    font-weight: 600; color: #3b4254; }
QPushButton { font-size: 15px; padding: 8px 14px; border-radius: 8px;
    border: 1px solid #c4c9d4; background: white; min-height: 28px; }
QPushButton:focus, QComboBox:focus, QLineEdit:focus, QSpinBox:focus {
    border: 2px solid #2f6fed; }
QPushButton#primary { background: #2f6fed; color: white; border: 0; }
QPushButton#submit { background: #0b6b3a; color: white; border: 0; font-size: 18px;
    font-weight: 700; min-height: 44px; }
QPushButton#submit:disabled, QPushButton#primary:disabled { background: #c4c9d4; }
QPushButton#outboxButton { border: 0; padding: 2px 8px; }
QPushButton#outboxButton[state="attention"] { color: #b3261e; font-weight: 700; }
QLabel#onlineState[state="online"] { color: #0b6b3a; font-weight: 600; }
QLabel#onlineState[state="offline"] { color: #b3261e; font-weight: 700; }
QComboBox, QLineEdit, QSpinBox { font-size: 15px; padding: 6px; min-height: 28px; }
"""


def apply_theme(app: QApplication) -> None:
    """Apply the till's style sheet and base font."""
    font = QFont(app.font())
    font.setPointSize(max(font.pointSize(), 11))
    app.setFont(font)
    app.setStyleSheet(_STYLE)
