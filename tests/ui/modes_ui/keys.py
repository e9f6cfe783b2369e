"""Keys as the platform delivers them: to the window first, then the focus."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget


def _key_of(char: str) -> int:
    if char == "\n":
        return int(Qt.Key.Key_Return)
    return ord(char.upper())


def press(target: QObject, char: str) -> None:
    """One key press and release of ``char`` sent to ``target``."""
    key = _key_of(char)
    text = "\r" if char == "\n" else char
    for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
        event = QKeyEvent(kind, key, Qt.KeyboardModifier.NoModifier, text)
        QApplication.sendEvent(target, event)


def type_into_window(widget: QWidget, text: str, delay_ms: int = 0) -> None:
    """Type ``text`` into ``widget``'s window, as a keyboard (or scanner) does.

    With no delay the keys come in a burst, as from a scanner; a person's
    keys come ``delay_ms`` apart (the event loop turns in between).
    """
    handle = widget.window().windowHandle()
    for char in text:
        press(handle, char)
        if delay_ms:
            QTest.qWait(delay_ms)
