"""A barcode scanner acting as a keyboard, told apart from a person typing.

A scanner "types" a code in a burst (a few milliseconds between keys) and
ends it with Enter. :class:`ScannerWedge` is an event filter on a window's
native handle, which every key typed in the window passes first: it holds
back code characters typed without modifiers; when Enter follows a burst
of at least :data:`MIN_LENGTH` characters, each within
:data:`MAX_GAP_MS` of the previous, the code is announced and nothing
reaches the focused widget (a field of the web page included). Anything
slower is a person: the held keys are handed on to the widget that had the
focus, in order, as if never held.
"""

from __future__ import annotations

import logging
import time

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication

logger = logging.getLogger(__name__)

MAX_GAP_MS = 40
MIN_LENGTH = 6
MAX_LENGTH = 48
_CODE_CHARS = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-")
_ENTER = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


class ScannerWedge(QObject):
    """Recognises scanner bursts anywhere in the application.

    Signals:
        scanned(str): a complete code read by the scanner (upper case).
    """

    scanned = Signal(str)

    def __init__(
        self, parent: QObject | None = None, *, max_gap_ms: int = MAX_GAP_MS
    ) -> None:
        super().__init__(parent)
        self._max_gap = max_gap_ms / 1000
        self._held: list[tuple[QObject, QKeyEvent, QKeyEvent | None]] = []
        self._last = 0.0
        self._replaying = False
        self._flush = QTimer(self)
        self._flush.setSingleShot(True)
        self._flush.setInterval(max_gap_ms + 10)
        self._flush.timeout.connect(self._hand_on)

    def install(self, target: QObject) -> None:
        """Watch every key event sent to ``target``.

        Give a top-level window's ``windowHandle()``: every key typed in that
        window reaches it first, whichever widget (or web page) has the
        focus. A Python filter on the whole QApplication would also see
        objects still under construction, which PySide cannot wrap safely.
        """
        target.installEventFilter(self)

    def remove(self, target: QObject) -> None:
        """Stop watching (held keys are handed on)."""
        self._hand_on()
        target.removeEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Hold code characters while they may be a scan; eat a scan's Enter."""
        kind = event.type()
        if self._replaying or kind not in (
            QEvent.Type.KeyPress,
            QEvent.Type.KeyRelease,
        ):
            return False
        assert isinstance(event, QKeyEvent)
        if kind == QEvent.Type.KeyRelease:
            return self._on_release(watched, event)
        return self._on_press(watched, event)

    def _on_press(self, watched: QObject, event: QKeyEvent) -> bool:
        now = time.monotonic()
        text = event.text().upper()
        plain = event.modifiers() in (
            Qt.KeyboardModifier.NoModifier,
            Qt.KeyboardModifier.ShiftModifier,
            Qt.KeyboardModifier.KeypadModifier,
        )
        in_burst = bool(self._held) and now - self._last <= self._max_gap

        if event.key() in _ENTER and in_burst and len(self._held) >= MIN_LENGTH:
            code = "".join(e.text() for _, e, _ in self._held).upper()
            self._held.clear()
            self._flush.stop()
            logger.debug("Scanned a code of %d characters", len(code))
            self.scanned.emit(code)
            return True

        if plain and len(text) == 1 and text in _CODE_CHARS:
            if self._held and not in_burst:
                self._hand_on()
            if len(self._held) >= MAX_LENGTH:
                self._hand_on()
                return False
            self._held.append((watched, _copy(event), None))
            self._last = now
            self._flush.start()
            return True

        self._hand_on()
        return False

    def _on_release(self, watched: QObject, event: QKeyEvent) -> bool:
        for index, (target, press, release) in enumerate(self._held):
            if target is watched and release is None and press.key() == event.key():
                self._held[index] = (target, press, _copy(event))
                return True
        return False

    def _hand_on(self) -> None:
        """Give held keys to the widgets they were meant for, in order."""
        held, self._held = self._held, []
        self._flush.stop()
        if not held:
            return
        self._replaying = True
        try:
            for target, press, release in held:
                QApplication.sendEvent(target, press)
                if release is not None:
                    QApplication.sendEvent(target, release)
        finally:
            self._replaying = False


def _copy(event: QKeyEvent) -> QKeyEvent:
    return QKeyEvent(
        event.type(),
        event.key(),
        event.modifiers(),
        event.text(),
        event.isAutoRepeat(),
        event.count(),
    )
