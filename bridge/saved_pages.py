"""Saved HTML pages shown in QtWebEngine with the network blocked.

A saved page is served under a private scheme, ``openaisle-saved://page/``;
its relative links resolve to that scheme and find nothing, its absolute
links are blocked by the interceptor. Only the page itself is loaded.
"""

from __future__ import annotations

import gzip
import logging
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QObject, QUrl
from PySide6.QtWebEngineCore import (
    QWebEngineProfile,
    QWebEngineUrlRequestInfo,
    QWebEngineUrlRequestInterceptor,
    QWebEngineUrlRequestJob,
    QWebEngineUrlScheme,
    QWebEngineUrlSchemeHandler,
)

logger = logging.getLogger(__name__)

SAVED_SCHEME = b"openaisle-saved"
SAVED_HOST = "page"
MAX_PAGE_BYTES = 32 * 1024 * 1024


class SavedPageError(ValueError):
    """A saved page cannot be read."""


def register_saved_page_scheme() -> None:
    """Register the private scheme; call before the QApplication exists."""
    if QWebEngineUrlScheme.schemeByName(SAVED_SCHEME).name():
        return
    scheme = QWebEngineUrlScheme(SAVED_SCHEME)
    scheme.setSyntax(QWebEngineUrlScheme.Syntax.Host)
    scheme.setFlags(
        QWebEngineUrlScheme.Flag.SecureScheme
        | QWebEngineUrlScheme.Flag.ContentSecurityPolicyIgnored
    )
    QWebEngineUrlScheme.registerScheme(scheme)


def read_saved_page(path: Path) -> bytes:
    """The HTML bytes of a saved page, ``.html`` or ``.html.gz``."""
    try:
        if path.name.endswith(".gz"):
            with gzip.open(path, "rb") as stream:
                data = stream.read(MAX_PAGE_BYTES + 1)
        else:
            with path.open("rb") as stream:
                data = stream.read(MAX_PAGE_BYTES + 1)
    except (OSError, EOFError, gzip.BadGzipFile) as error:
        raise SavedPageError(f"cannot read {path.name}: {error}") from error

    if len(data) > MAX_PAGE_BYTES:
        raise SavedPageError(f"{path.name} is larger than {MAX_PAGE_BYTES} bytes")
    return data


class SavedPageServer(QWebEngineUrlSchemeHandler):
    """Serves the one page being looked at; everything else is not found."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._url = QUrl()
        self._html = b""

    def show(self, key: str, html: bytes) -> QUrl:
        """Make ``html`` the current page and return its URL."""
        self._url = QUrl(f"{SAVED_SCHEME.decode()}://{SAVED_HOST}/{key}")
        self._html = html
        return self._url

    def requestStarted(self, job: QWebEngineUrlRequestJob) -> None:
        if job.requestUrl() != self._url:
            job.fail(QWebEngineUrlRequestJob.Error.UrlNotFound)
            return

        body = QBuffer(job)
        body.setData(QByteArray(self._html))
        body.open(QIODevice.OpenModeFlag.ReadOnly)
        job.reply(QByteArray(_content_type(self._html)), body)


def _content_type(html: bytes) -> bytes:
    """UTF-8 when the bytes are UTF-8; otherwise the page's own meta tag
    (or the browser's guess) decides."""
    try:
        html.decode("utf-8")
    except UnicodeDecodeError:
        return b"text/html"
    return b"text/html;charset=utf-8"


class BlockAllButSaved(QWebEngineUrlRequestInterceptor):
    """Blocks every request that does not go to the saved-page scheme."""

    def interceptRequest(self, info: QWebEngineUrlRequestInfo) -> None:
        if info.requestUrl().scheme().encode() != SAVED_SCHEME:
            info.block(True)


def install_saved_pages(profile: QWebEngineProfile) -> SavedPageServer:
    """Put the saved-page server and the network block on ``profile``."""
    server = SavedPageServer(profile)
    profile.setUrlRequestInterceptor(BlockAllButSaved(profile))
    profile.installUrlSchemeHandler(SAVED_SCHEME, server)
    return server
