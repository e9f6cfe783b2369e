"""Runs the product detector over saved pages in an off-screen browser.

The page's own JavaScript is off (the detector runs in the isolated world,
which stays on), images are not loaded and every request but the page
itself is blocked.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from pathlib import Path

import shiboken6
from PySide6.QtCore import QEventLoop, QObject, QTimer
from PySide6.QtWebEngineCore import (
    QWebEnginePage,
    QWebEngineProfile,
    QWebEngineScript,
    QWebEngineSettings,
)

from bridge.detection import DetectedProduct, detector_source, parse_detection
from bridge.saved_pages import SavedPageError, install_saved_pages, read_saved_page

logger = logging.getLogger(__name__)

LOAD_TIMEOUT_MS = 20_000
SCRIPT_TIMEOUT_MS = 10_000


@dataclass(frozen=True)
class PageDetection:
    """What the detector made of one saved page."""

    path: Path
    product: DetectedProduct | None
    error: str | None
    script_seconds: float | None


class _QuietPage(QWebEnginePage):
    """A page whose console goes to the debug log, not to stderr."""

    def javaScriptConsoleMessage(
        self,
        level: QWebEnginePage.JavaScriptConsoleMessageLevel,
        message: str,
        line: int,
        source: str,
    ) -> None:
        logger.debug("Saved page console: %s", message[:200])


def _wait(signal_owner: QObject, connect, timeout_ms: int) -> list[object]:
    """Turn a local event loop until ``connect``'s callback fires or time
    runs out; returns the callback's arguments (empty on time-out)."""
    loop = QEventLoop(signal_owner)
    received: list[object] = []

    def done(*args: object) -> None:
        if not received:
            received.extend(args or (None,))
            loop.quit()

    connect(done)
    if not received:
        QTimer.singleShot(timeout_ms, loop, loop.quit)
        loop.exec()
    return received


class SavedPageDetector:
    """One off-screen page that saved pages are shown in, one at a time.

    Needs a QGuiApplication. Call ``close()`` when done: the page must go
    before its profile.
    """

    def __init__(self) -> None:
        self._profile: QWebEngineProfile | None = QWebEngineProfile()
        self._server = install_saved_pages(self._profile)
        page = _QuietPage(self._profile)
        settings = page.settings()
        settings.setAttribute(QWebEngineSettings.WebAttribute.JavascriptEnabled, False)
        settings.setAttribute(QWebEngineSettings.WebAttribute.AutoLoadImages, False)
        self._page: QWebEnginePage | None = page
        self._count = 0

    def detect(self, path: Path) -> PageDetection:
        """Load one saved page and read its product."""
        page = self._page
        if page is None:
            raise RuntimeError("the detector is closed")

        try:
            html = read_saved_page(path)
        except SavedPageError as error:
            return PageDetection(path, None, str(error), None)

        self._count += 1
        url = self._server.show(f"{self._count}.html", html)
        loaded = _wait(page, lambda done: self._load(page, url, done), LOAD_TIMEOUT_MS)
        if not loaded:
            return PageDetection(path, None, "the page did not load in time", None)
        if loaded[0] is not True:
            return PageDetection(path, None, "the page failed to load", None)

        started = time.perf_counter()
        answer = _wait(
            page,
            lambda done: page.runJavaScript(
                detector_source(),
                QWebEngineScript.ScriptWorldId.ApplicationWorld,
                done,
            ),
            SCRIPT_TIMEOUT_MS,
        )
        seconds = time.perf_counter() - started
        if not answer:
            return PageDetection(path, None, "the detector did not answer", None)
        return PageDetection(path, parse_detection(answer[0]), None, seconds)

    def time_script(self, source: str) -> float | None:
        """Seconds to run ``source`` on the page shown last (None: no answer).

        Timed as :meth:`detect` times the detector, so a trivial script
        gives the floor any detector pays on the same page.
        """
        page = self._page
        if page is None:
            raise RuntimeError("the detector is closed")

        started = time.perf_counter()
        answer = _wait(
            page,
            lambda done: page.runJavaScript(
                source, QWebEngineScript.ScriptWorldId.ApplicationWorld, done
            ),
            SCRIPT_TIMEOUT_MS,
        )
        return time.perf_counter() - started if answer else None

    @staticmethod
    def _load(page: QWebEnginePage, url, done) -> None:
        def finished(ok: bool) -> None:
            page.loadFinished.disconnect(finished)
            done(ok)

        page.loadFinished.connect(finished)
        page.load(url)

    def close(self) -> None:
        """Delete the page, then the profile."""
        page, profile = self._page, self._profile
        self._page = self._profile = None
        if page is not None:
            shiboken6.delete(page)
        if profile is not None:
            shiboken6.delete(profile)
