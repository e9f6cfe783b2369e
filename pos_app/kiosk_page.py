"""A locked web page for a customer-facing kiosk.

The page stays on the allowed origins (other navigations are refused before
any request leaves), opens no new windows, no file dialogs, no print dialog;
its profile refuses every download. Each customer gets a fresh off-the-record
profile (:func:`new_customer_profile`), so cookies, web storage, cache and
history of the previous one go with the old profile.
"""

from __future__ import annotations

import logging
import os

from PySide6.QtCore import QUrl, Signal
from PySide6.QtWebEngineCore import (
    QWebEngineDownloadRequest,
    QWebEnginePage,
    QWebEngineProfile,
)

from bridge.allowlist import AllowList
from pos_app.web_page import ShopPage

logger = logging.getLogger(__name__)

REMOTE_DEBUGGING_VARIABLES = ("QTWEBENGINE_REMOTE_DEBUGGING",)


class KioskLockError(RuntimeError):
    """The kiosk cannot be locked down; it must not start."""


def check_no_remote_debugging(environ: dict[str, str] | None = None) -> None:
    """Refuse to run a kiosk with a remote debugging port open."""
    environ = dict(os.environ if environ is None else environ)
    flags = environ.get("QTWEBENGINE_CHROMIUM_FLAGS", "")
    if any(environ.get(name) for name in REMOTE_DEBUGGING_VARIABLES) or (
        "--remote-debugging" in flags
    ):
        raise KioskLockError(
            "A remote debugging port is configured (QTWEBENGINE_REMOTE_DEBUGGING "
            "or --remote-debugging-port): a kiosk will not start with it. Remove "
            "it from the environment."
        )


def new_customer_profile() -> QWebEngineProfile:
    """A fresh off-the-record profile that refuses downloads."""
    profile = QWebEngineProfile()
    assert profile.isOffTheRecord()
    profile.setHttpCacheType(QWebEngineProfile.HttpCacheType.MemoryHttpCache)
    profile.setPersistentCookiesPolicy(
        QWebEngineProfile.PersistentCookiesPolicy.NoPersistentCookies
    )
    profile.downloadRequested.connect(_refuse_download)
    return profile


def _refuse_download(download: QWebEngineDownloadRequest) -> None:
    logger.info("Kiosk: a download was refused")
    download.cancel()


class KioskPage(ShopPage):
    """A page that stays on the allowed origins and opens nothing else.

    Signals:
        refused(str): something the page tried was refused; says what.
    """

    refused = Signal(str)

    def __init__(
        self, profile: QWebEngineProfile, allow: AllowList, parent=None
    ) -> None:
        super().__init__(profile, parent)
        self._allow = allow
        self.printRequested.connect(lambda: self._refuse("print"))
        if hasattr(self, "fileSystemAccessRequested"):
            self.fileSystemAccessRequested.connect(
                lambda request: (request.reject(), self._refuse("file system access"))
            )

    def acceptNavigationRequest(
        self, url: QUrl, kind: QWebEnginePage.NavigationType, is_main_frame: bool
    ) -> bool:
        """Only the allowed origins (and blank pages) may be shown."""
        if url.scheme() in ("about", "data") and not is_main_frame:
            return True
        if self._allow.allows(url.toString()):
            return True
        self._refuse("navigation to another site")
        return False

    def createWindow(self, kind: QWebEnginePage.WebWindowType) -> None:
        """No pop-ups, tabs or windows: the answer is no page at all."""
        self._refuse("a new window")
        return None

    def chooseFiles(self, mode, old_files, accepted_mime_types) -> list[str]:
        """No file dialog ever opens on a kiosk."""
        self._refuse("a file dialog")
        return []

    def _refuse(self, what: str) -> None:
        logger.info("Kiosk refused %s", what)
        self.refused.emit(what)
