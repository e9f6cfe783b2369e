"""Installs the bridge on a QWebEnginePage and keeps it right over its life."""

from __future__ import annotations

import asyncio
import logging

from PySide6.QtCore import QObject, QTimer, QUrl, Slot
from PySide6.QtWebChannel import QWebChannel
from PySide6.QtWebEngineCore import (
    QWebEngineNavigationRequest,
    QWebEnginePage,
    QWebEngineScript,
)

from bridge.allowlist import AllowList
from bridge.channel import OBJECT_NAME, BridgeObject
from bridge.host import BridgeHost
from bridge.messages import BasketView
from bridge.scripts import (
    PAGE_API_SCRIPT_NAME,
    RELAY_SCRIPT_NAME,
    page_api_script,
    relay_script,
)

logger = logging.getLogger(__name__)

_NAVIGATION = QWebEngineNavigationRequest.NavigationType
# Navigations that a plain load of the same URL repeats faithfully.
# TODO: a form posted, or a history step taken, from a foreign page to an
# allowed one gets the page API only from the next load; replaying those
# would lose the form data or the history entry.
_REPLAYABLE = frozenset(
    {
        _NAVIGATION.LinkClickedNavigation,
        _NAVIGATION.TypedNavigation,
        _NAVIGATION.RedirectNavigation,
        _NAVIGATION.OtherNavigation,
    }
)


class PageBridge(QObject):
    """The bridge of one page: channel, relay and page-world API.

    The channel lives in the isolated world only. The relay is injected in
    every main-frame document and stays silent off the allow-list; the
    page-world script is put in the page's script collection only while the
    page navigates to an allowed origin, and checks the origin itself too.
    Scripts belong to the page, not to one renderer, so reloads and a
    crashed renderer get exactly one bridge again.
    """

    def __init__(
        self,
        page: QWebEnginePage,
        host: BridgeHost,
        allowed_origins: AllowList,
        *,
        loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        super().__init__(page)
        self._page = page
        self._allowed = allowed_origins
        self._object = BridgeObject(
            host, self._current_origin_allowed, loop=loop, parent=self
        )

        self._channel = QWebChannel(self)
        self._channel.registerObject(OBJECT_NAME, self._object)
        page.setWebChannel(
            self._channel, QWebEngineScript.ScriptWorldId.ApplicationWorld
        )

        self._relay = relay_script(allowed_origins)
        self._page_api = page_api_script(allowed_origins)
        self._put_script(self._relay)

        page.navigationRequested.connect(self._on_page_navigation_requested)
        page.urlChanged.connect(self._on_page_url_changed)
        page.renderProcessTerminated.connect(self._on_page_render_process_terminated)
        if page.url().isEmpty():
            # Nothing loaded yet: the first page is most likely the shop. The
            # script checks the origin itself and stays inert elsewhere.
            self._put_script(self._page_api)
        else:
            self._sync_page_api(page.url())

    @property
    def bridge_object(self) -> BridgeObject:
        """The object registered on the channel."""
        return self._object

    def notify_basket_changed(self, view: BasketView) -> None:
        """Push the basket to every ``openAisle.onBasketChanged`` callback."""
        self._object.push_basket(view)

    def close(self) -> None:
        """Remove the scripts and the channel from the page."""
        self._page.navigationRequested.disconnect(self._on_page_navigation_requested)
        self._page.urlChanged.disconnect(self._on_page_url_changed)
        self._page.renderProcessTerminated.disconnect(
            self._on_page_render_process_terminated
        )
        self._remove_scripts(RELAY_SCRIPT_NAME)
        self._remove_scripts(PAGE_API_SCRIPT_NAME)
        self._page.setWebChannel(None, QWebEngineScript.ScriptWorldId.ApplicationWorld)

    def _current_origin_allowed(self) -> bool:
        return self._allowed.allows(self._page.url().toString())

    def _sync_page_api(self, url: QUrl) -> None:
        """Have the page-world script in the collection iff ``url`` is allowed."""
        if self._allowed.allows(url.toString()):
            if not self._page.scripts().find(PAGE_API_SCRIPT_NAME):
                self._put_script(self._page_api)
        else:
            self._remove_scripts(PAGE_API_SCRIPT_NAME)

    def _put_script(self, script: QWebEngineScript) -> None:
        self._remove_scripts(script.name())
        self._page.scripts().insert(script)

    def _remove_scripts(self, name: str) -> None:
        scripts = self._page.scripts()
        for script in scripts.find(name):
            scripts.remove(script)

    @Slot(QWebEngineNavigationRequest)
    def _on_page_navigation_requested(
        self, request: QWebEngineNavigationRequest
    ) -> None:
        if not request.isMainFrame():
            return

        url = request.url()
        arriving = self._allowed.allows(
            url.toString()
        ) and not self._page.scripts().find(PAGE_API_SCRIPT_NAME)
        self._sync_page_api(url)
        if arriving and request.navigationType() in _REPLAYABLE:
            # The new document may already be on its way without the
            # script: start the same navigation again now that it is in.
            request.reject()
            QTimer.singleShot(0, self, lambda: self._page.load(url))

    @Slot(QUrl)
    def _on_page_url_changed(self, url: QUrl) -> None:
        self._sync_page_api(url)

    @Slot(QWebEnginePage.RenderProcessTerminationStatus, int)
    def _on_page_render_process_terminated(
        self, status: QWebEnginePage.RenderProcessTerminationStatus, exit_code: int
    ) -> None:
        logger.info(
            "The page's renderer ended (%s, %d); the bridge is kept for the next load",
            status.name,
            exit_code,
        )
        self._put_script(self._relay)
        self._sync_page_api(self._page.requestedUrl())
