"""The kiosk's customer cycle: idle time-out, the "finished" wipe, recovery.

:class:`IdleWatch` restarts a timer on every touch, click, key or wheel
anywhere in the app and announces when the customer has gone.
:class:`RecoveryScreen` is what a customer sees while a crashed page
restarts by itself.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

logger = logging.getLogger(__name__)

RELOAD_AFTER_MS = 3000
_INPUT_EVENTS = frozenset(
    {
        QEvent.Type.MouseButtonPress,
        QEvent.Type.KeyPress,
        QEvent.Type.TouchBegin,
        QEvent.Type.Wheel,
    }
)


class IdleWatch(QObject):
    """Announces when nobody has touched the app for ``seconds``.

    Signals:
        idle(): the time passed without any input.
    """

    idle = Signal()

    def __init__(self, seconds: int, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(seconds * 1000)
        self._timer.timeout.connect(self._on_timer_timeout)

    def start(self, target: QObject) -> None:
        """Watch every input sent to ``target`` (a window handle); count."""
        target.installEventFilter(self)
        self._timer.start()

    def stop(self, target: QObject) -> None:
        """Stop watching."""
        target.removeEventFilter(self)
        self._timer.stop()

    def restart(self, interval_ms: int | None = None) -> None:
        """Count from zero again (a new customer, or any input).

        ``interval_ms`` changes the idle time from now on.
        """
        if interval_ms is not None:
            self._timer.setInterval(interval_ms)
        self._timer.start()

    @property
    def remaining_ms(self) -> int:
        """Milliseconds left before the wipe."""
        return self._timer.remainingTime()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Any input restarts the count; nothing is consumed."""
        if event.type() in _INPUT_EVENTS:
            self._timer.start()
        return False

    def _on_timer_timeout(self) -> None:
        logger.info("Kiosk idle: wiping the customer's session")
        self.idle.emit()


class RecoveryScreen(QWidget):
    """Shown while the page restarts after its renderer stopped."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("recoveryScreen")
        title = QLabel("Sorry — this screen is restarting")
        title.setObjectName("recoveryTitle")
        hint = QLabel("It will be ready again in a few seconds.")
        hint.setObjectName("hint")
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        for label in (title, hint):
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            layout.addWidget(label)
        layout.addStretch(1)
        self.setAccessibleName("The screen is restarting")
