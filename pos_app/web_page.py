"""The web page of the retailer's site, with its console routed to our log."""

from __future__ import annotations

import logging

from PySide6.QtWebEngineCore import QWebEnginePage, QWebEngineProfile

logger = logging.getLogger(__name__)
page_logger = logging.getLogger("pos_app.page_console")

_LEVELS = {
    QWebEnginePage.JavaScriptConsoleMessageLevel.InfoMessageLevel: logging.DEBUG,
    QWebEnginePage.JavaScriptConsoleMessageLevel.WarningMessageLevel: logging.INFO,
    QWebEnginePage.JavaScriptConsoleMessageLevel.ErrorMessageLevel: logging.WARNING,
}


class ShopPage(QWebEnginePage):
    """A page whose JavaScript console lands in the ``page_console`` logger.

    Errors are logged as warnings: on our own storefront they are bugs, and
    the test suite fails on them.
    """

    def __init__(self, profile: QWebEngineProfile, parent=None) -> None:
        super().__init__(profile, parent)

    def javaScriptConsoleMessage(self, level, message, line, source) -> None:
        page_logger.log(
            _LEVELS.get(level, logging.INFO), "%s:%d: %s", source, line, message
        )
