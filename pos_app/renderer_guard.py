"""Refuse clearly when the web renderer cannot run, never a blank window.

Chromium renders pages in a separate process. When that process cannot
start (a missing sandbox as root, a broken install, no memory) or dies, the
view stays empty and an associate sees a blank window. :class:`RendererGuard`
watches the page: on a terminated renderer, or a first page that fails to
load, it hides the main window, shows an error screen that says what
happened and what to do, and sets the exit code the app returns.
"""

from __future__ import annotations

import logging
import os

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWebEngineCore import QWebEnginePage
from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget

logger = logging.getLogger(__name__)

EXIT_RENDERER_FAILED = 3
ERROR_SCREEN_SECONDS = 120
# How long the error screen stays before the app exits on its own (an
# unattended kiosk is then restarted by its supervisor).
ERROR_SCREEN_ENV = "OPENAISLE_ERROR_SCREEN_SECONDS"

_STATUS_WORDS = {
    QWebEnginePage.RenderProcessTerminationStatus.AbnormalTerminationStatus: (
        "stopped abnormally"
    ),
    QWebEnginePage.RenderProcessTerminationStatus.CrashedTerminationStatus: ("crashed"),
    QWebEnginePage.RenderProcessTerminationStatus.KilledTerminationStatus: (
        "was killed"
    ),
    QWebEnginePage.RenderProcessTerminationStatus.NormalTerminationStatus: ("stopped"),
}


def renderer_failure_text(status_words: str, exit_code: int) -> str:
    """What the error screen says, for a person at the till."""
    return (
        "OpenAisle cannot show the shop: the web renderer "
        f"{status_words} (exit code {exit_code}).\n\n"
        "Orders already taken are safe on this device and will be sent. "
        "Close this window and start OpenAisle again; if this happens again, "
        "call support and quote this message."
    )


def error_screen_seconds() -> float:
    """The error screen's time from the environment, else the default."""
    raw = os.environ.get(ERROR_SCREEN_ENV, "")
    if raw.isdigit() and 1 <= int(raw) <= 3600:
        return float(raw)
    if raw:
        logger.warning(
            "%s must be 1 to 3600 seconds; using the default", ERROR_SCREEN_ENV
        )
    return float(ERROR_SCREEN_SECONDS)


class RendererErrorScreen(QWidget):
    """A plain window with the failure and a Close button.

    Signals:
        dismissed(): the associate closed the screen (or its time ran out).
    """

    dismissed = Signal()

    def __init__(self, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("rendererErrorScreen")
        self.setWindowTitle("OpenAisle cannot start")
        self.message = QLabel(text)
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
        )
        close = QPushButton("Close OpenAisle")
        close.clicked.connect(self.close)

        layout = QVBoxLayout(self)
        layout.addWidget(self.message)
        layout.addWidget(close, alignment=Qt.AlignmentFlag.AlignRight)
        self.resize(560, 220)

    def closeEvent(self, event) -> None:
        """Report the dismissal once the window closes."""
        super().closeEvent(event)
        self.dismissed.emit()


class RendererGuard(QObject):
    """Watch a page's renderer; on failure show the error screen.

    ``exit_code`` is 0 until the renderer fails, then
    :data:`EXIT_RENDERER_FAILED`.

    Signals:
        renderer_failed(str): the text shown to the associate.
        finished(): the error screen was dismissed; the app should exit.
    """

    renderer_failed = Signal(str)
    finished = Signal()

    def __init__(
        self,
        page: QWebEnginePage,
        window: QWidget,
        *,
        screen_seconds: float | None = None,
    ) -> None:
        super().__init__(page)
        self._window = window
        self._screen_seconds = screen_seconds or error_screen_seconds()
        self._first_load_seen = False
        self.exit_code = 0
        self.screen: RendererErrorScreen | None = None
        page.renderProcessTerminated.connect(self._on_page_render_process_terminated)
        page.loadFinished.connect(self._on_page_load_finished)

    def _on_page_render_process_terminated(self, status, exit_code: int) -> None:
        words = _STATUS_WORDS.get(status, "stopped")
        logger.error("Web renderer %s with exit code %d", words, exit_code)
        self._fail(renderer_failure_text(words, exit_code))

    def _on_page_load_finished(self, ok: bool) -> None:
        if self._first_load_seen:
            return
        self._first_load_seen = True
        if not ok:
            logger.error("The first page did not load; the renderer is not usable")
            self._fail(
                "OpenAisle cannot show the shop: the first page did not load.\n\n"
                "Close this window and start OpenAisle again; if this happens "
                "again, call support."
            )

    def _fail(self, text: str) -> None:
        if self.screen is not None:
            return
        self.exit_code = EXIT_RENDERER_FAILED
        self._window.hide()
        self.screen = RendererErrorScreen(text)
        self.screen.dismissed.connect(self.finished)
        self.screen.show()
        QTimer.singleShot(int(self._screen_seconds * 1000), self.screen.close)
        self.renderer_failed.emit(text)
