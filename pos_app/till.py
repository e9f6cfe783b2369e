"""Puts one till together: page, bridge, session, window and outbox."""

from __future__ import annotations

import logging

import shiboken6
from PySide6.QtCore import QObject, QTimer, QUrl
from PySide6.QtWebEngineCore import QWebEngineProfile
from PySide6.QtWebEngineWidgets import QWebEngineView

from bridge.allowlist import AllowList
from bridge.detection import detect_product
from bridge.install import PageBridge
from offline_store import Basket
from pos_app.background import BackgroundTasks
from pos_app.bridge_host import SessionBridgeHost, basket_view
from pos_app.broken_promises import BrokenPromiseNotices
from pos_app.kiosk_page import (
    KioskPage,
    check_no_remote_debugging,
    new_customer_profile,
)
from pos_app.main_window import MainWindow
from pos_app.mode_wiring import ModeWiring
from pos_app.modes import mode_profile
from pos_app.order_desk import OrderDesk
from pos_app.services import Services
from pos_app.session import TillSession
from pos_app.shop_catalogue import EngineCatalogue
from pos_app.storefront.scheme import install_storefront
from pos_app.web_page import ShopPage
from pos_app.widgets.outbox_dialog import OutboxDialog

logger = logging.getLogger(__name__)


class Till(QObject):
    """The parts of a running till and the wiring between them."""

    def __init__(
        self,
        services: Services,
        profile: QWebEngineProfile,
        tasks: BackgroundTasks,
    ) -> None:
        super().__init__()
        self.services = services
        self.tasks = tasks
        self.session = TillSession(services.store, services.client, services.home)

        self.mode = mode_profile(services.settings.mode)
        self.allow = AllowList(services.settings.allowed_origins)
        if self.mode.kiosk:
            check_no_remote_debugging()
            # A kiosk owns its profiles: a fresh one for every customer.
            profile = new_customer_profile()
        self._profile = profile
        self.view = QWebEngineView()
        self._build_page(profile)

        self.start_url = QUrl(services.settings.start_url)
        self.window = MainWindow(
            self.session, self.view, tasks, self.start_url, self.mode
        )
        self.outbox = OutboxDialog(self.window)
        # Orders taken offline that came back with a broken promise are told
        # to the associate (never on a kiosk's screen, to a customer).
        self.broken_promises = (
            None
            if self.mode.kiosk
            else BrokenPromiseNotices(
                services.store, services.worker, tasks, self.window, self.outbox
            )
        )
        self._connect()
        self.modes = ModeWiring(self)
        self.orders: OrderDesk | None = None
        if self.window.tasks_panel is not None:
            self.orders = OrderDesk(
                self.window,
                self.session,
                services.client,
                services.store,
                services.worker,
                tasks,
            )

        self._closed = False
        client = services.client
        # The skew was measured already while the app started.
        self.window.show_clock_skew(client.clock_skew if client.clock_is_off else None)
        client.add_clock_skew_listener(self._on_client_clock_skew)

        tasks.spawn(self._show_basket(), "Opening the basket")
        tasks.spawn(self._refresh_outbox(), "Reading the outbox")
        self.view.setUrl(self.start_url)

    def _build_page(self, profile: QWebEngineProfile) -> None:
        """The page on ``profile``, with the storefront and the bridge on it."""
        self._storefront = install_storefront(
            profile,
            EngineCatalogue(
                self.services.client,
                self.services.store,
                seen=self.session.remember_products,
            ),
        )
        if self.mode.kiosk:
            self.page = KioskPage(profile, self.allow, self.view)
        else:
            self.page = ShopPage(profile, self.view)
        self.view.setPage(self.page)
        self.bridge = PageBridge(
            self.page, SessionBridgeHost(self.session, self.tasks), self.allow
        )

    async def new_customer_page(self) -> None:
        """A kiosk's next customer: a new profile and page; the old ones go.

        Cookies, web storage, cache and history lived in the old
        off-the-record profile and go with it.
        """
        old_page, old_profile, old_storefront = (
            self.page,
            self._profile,
            self._storefront,
        )
        old_page.triggerAction(old_page.WebAction.Stop)
        self.bridge.close()
        self.view.setPage(None)
        await old_storefront.aclose()
        old_profile.removeUrlSchemeHandler(old_storefront)
        shiboken6.delete(old_page)  # the page must go before its profile
        shiboken6.delete(old_profile)

        self._profile = new_customer_profile()
        self._build_page(self._profile)
        self.page.loadFinished.connect(self._on_page_load_finished)
        self.view.setUrl(self.start_url)

    def _connect(self) -> None:
        self.page.loadFinished.connect(self._on_page_load_finished)
        self.session.basket_changed.connect(self._on_session_basket_changed)
        self.session.order_queued.connect(self._on_session_order_queued)
        self.window.outbox_requested.connect(self._on_window_outbox_requested)
        self.outbox.requeue_requested.connect(self._on_outbox_requeue_requested)
        self.services.worker.add_listener(self._on_worker_changed)

    def _on_session_basket_changed(self, basket: Basket) -> None:
        # The page that changed the basket is answered first (its answer
        # carries the basket); the page's listeners hear of it right after,
        # on the next turn of the loop, instead of before that answer.
        QTimer.singleShot(0, self, lambda: self._push_basket(basket))

    def _push_basket(self, basket: Basket) -> None:
        if not self._closed:
            self.bridge.notify_basket_changed(basket_view(basket))

    async def _show_basket(self) -> None:
        self.session.basket_changed.emit(await self.session.basket())

    async def _refresh_outbox(self) -> None:
        store = self.services.store
        self.window.show_outbox(await store.outbox_summary())
        if self.outbox.isVisible():
            entries = [e for e in await store.entries() if str(e.state) != "accepted"]
            self.outbox.show_entries(entries)

    def _on_worker_changed(self, *_: object) -> None:
        online = getattr(self.services.worker, "online", None)
        if online is not None:
            self.window.show_online(online)
        self.tasks.spawn(self._refresh_outbox(), "Reading the outbox")

    def _on_client_clock_skew(self, skew: object) -> None:
        # Called on the loop's thread, which is the Qt thread (qasync).
        if not self._closed:
            off = self.services.client.clock_is_off
            self.window.show_clock_skew(skew if off else None)

    def _on_session_order_queued(self, _order_id: str) -> None:
        self.services.worker.wake()
        self.tasks.spawn(self._refresh_outbox(), "Reading the outbox")

    def _on_window_outbox_requested(self) -> None:
        self.outbox.show()
        self.tasks.spawn(self._refresh_outbox(), "Reading the outbox")

    def _on_outbox_requeue_requested(self, order_id: str) -> None:
        import uuid

        async def requeue() -> None:
            await self.services.store.requeue(uuid.UUID(order_id))
            self.services.worker.wake()
            await self._refresh_outbox()

        self.tasks.spawn(requeue(), "Sending an order again")

    def _on_page_load_finished(self, ok: bool) -> None:
        if ok:
            self.tasks.spawn(self._detect_product(), "Reading the product on the page")

    async def _detect_product(self) -> None:
        detected = await detect_product(self.page)
        if detected is None:
            return
        codes = [code for code in (detected.sku, detected.gtin) if code]
        for code in codes:
            product = await self.session.find_by_code(code)
            if product is not None:
                await self.session.show_product(product)
                return
        self.window.stock_panel.show_product(
            None, f"Not sold here: {detected.name or 'product on this page'}"
        )

    async def shutdown(self) -> None:
        """Stop background work and release the page before its profile."""
        self._closed = True
        self.modes.close()
        if self.orders is not None:
            await self.orders.aclose()
        await self.tasks.shutdown()
        self.page.triggerAction(self.page.WebAction.Stop)
        await self._storefront.aclose()
        self._profile.removeUrlSchemeHandler(self._storefront)
        self.bridge.close()
        self.view.setPage(None)
        self.page.deleteLater()
        self.outbox.close()
        self.window.allow_close = True
        self.window.deleteLater()
        if self.mode.kiosk:  # the kiosk's own profile goes after its page
            shiboken6.delete(self.page)
            shiboken6.delete(self._profile)
