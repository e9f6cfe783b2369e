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
QLabel#clockWarning { color: #b3261e; font-weight: 700; }
QComboBox, QLineEdit, QSpinBox { font-size: 15px; padding: 6px; min-height: 28px; }
QToolBar#actions { background: #e9ecf3; border: 0; padding: 4px; spacing: 6px; }
QToolBar#actions QToolButton { font-size: 15px; padding: 6px 12px; border-radius: 6px;
    border: 1px solid #c4c9d4; background: white; color: #1f2a44; }
QToolBar#actions QToolButton:focus { border: 2px solid #2f6fed; }
QToolBar#actions QToolButton:disabled { color: #9aa1b1; }
QLabel#staffName { color: #ffffff; font-weight: 600; }
QLabel#confirmation { font-size: 18px; font-weight: 700; color: #0b6b3a;
    background: #e6f4ec; border-radius: 8px; padding: 10px; }
QLabel#handOverCode { font-size: 56px; font-weight: 800; letter-spacing: 6px;
    color: #1f2a44; }
QLabel#recoveryTitle { font-size: 28px; font-weight: 700; color: #1f2a44; }
QPushButton#padKey { font-size: 22px; font-weight: 600; }
QLabel#kioskProductName { font-size: 26px; font-weight: 700; color: #1f2a44; }
QLabel#kioskPrice { font-size: 34px; font-weight: 800; color: #0b6b3a; }
QLabel#kioskHere, QLabel#kioskDeliver { font-size: 22px; font-weight: 600;
    color: #1f2a44; }
QLabel#kioskHere[level="ok"] { color: #0b6b3a; }
QLabel#kioskHere[level="none"] { color: #8a4b00; }
QPushButton#kioskAdd { background: #2f6fed; color: white; border: 0;
    border-radius: 10px; font-size: 22px; font-weight: 700; }
QPushButton#kioskAdd:disabled { background: #c4c9d4; }
QPushButton#kioskCollect { font-size: 21px; font-weight: 600; text-align: left;
    padding: 8px 14px; border-radius: 10px; border: 2px solid #2f6fed;
    color: #1f2a44; background: #eef3fe; }
QPushButton#kioskFinished, QPushButton#kioskHandOver { font-size: 20px;
    font-weight: 700; border-radius: 10px; padding: 4px; }
QPushButton#kioskFinished { background: #0b6b3a; color: white; border: 0; }
QPushButton#kioskHandOver { background: white; color: #1f2a44;
    border: 2px solid #1f2a44; }
"""

# Touch screens: every target at least 44 px, nothing that needs a hover.
_TOUCH = """
QPushButton, QToolButton, QComboBox, QLineEdit, QSpinBox, QDoubleSpinBox {
    min-height: 44px; min-width: 44px; font-size: 17px; }
QToolBar#actions QToolButton, QToolBar#navigation QToolButton {
    min-height: 44px; min-width: 56px; font-size: 17px; }
QTableWidget { font-size: 16px; }
QTableWidget QToolButton, QTableWidget QSpinBox { min-height: 40px; }
QScrollBar:vertical { width: 22px; }
"""

# High contrast: black on white, thick focus rings, no colour-only cues.
_HIGH_CONTRAST = """
QMainWindow, QDialog, QFrame#sidePanel, QWidget { background: #ffffff; color: #000000; }
QToolBar#navigation, QToolBar#actions { background: #000000; }
QToolBar#navigation QToolButton, QToolBar#actions QToolButton, QLabel#storeName,
QLabel#staffName { color: #ffffff; background: #000000; border: 2px solid #ffffff; }
QLabel#panelTitle, QLabel#productName, QLabel#basketTotal, QLabel#productPrice,
QLabel#hint, QLabel#stockHere { color: #000000; }
QLabel#error, QLabel#stockHere[level="none"] { color: #000000; background: #ffff00;
    font-weight: 800; }
QPushButton, QComboBox, QLineEdit, QSpinBox { border: 2px solid #000000;
    color: #000000; background: #ffffff; }
QPushButton#primary, QPushButton#submit { background: #000000; color: #ffffff;
    border: 2px solid #000000; }
*:focus { border: 4px solid #0000ff; }
QLabel#confirmation { background: #000000; color: #ffffff; }
QLabel#kioskProductName, QLabel#kioskPrice, QLabel#kioskHere, QLabel#kioskDeliver,
QLabel#kioskHere[level="ok"], QLabel#kioskHere[level="none"] { color: #000000; }
QPushButton#kioskAdd, QPushButton#kioskFinished { background: #000000;
    color: #ffffff; border: 2px solid #000000; }
QPushButton#kioskCollect, QPushButton#kioskHandOver { background: #ffffff;
    color: #000000; border: 3px solid #000000; }
"""


def style_sheet(*, high_contrast: bool = False, touch: bool = False) -> str:
    """The style sheet for the chosen contrast and input."""
    return (
        _STYLE + (_TOUCH if touch else "") + (_HIGH_CONTRAST if high_contrast else "")
    )


def apply_theme(
    app: QApplication, *, high_contrast: bool = False, touch: bool = False
) -> None:
    """Apply the till's style sheet and base font."""
    font = QFont(app.font())
    font.setPointSize(max(font.pointSize(), 13 if touch else 11))
    app.setFont(font)
    app.setStyleSheet(style_sheet(high_contrast=high_contrast, touch=touch))
