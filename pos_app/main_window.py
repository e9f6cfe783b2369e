"""The main window: the retailer's site beside basket, stock and checkout."""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWebEngineWidgets import QWebEngineView
from PySide6.QtWidgets import (
    QFrame,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QSplitter,
    QStatusBar,
    QToolBar,
    QVBoxLayout,
)

from pos_app.background import BackgroundTasks
from pos_app.session import SessionError, TillSession
from pos_app.stock_lookup import StockSnapshot
from pos_app.widgets.basket_panel import BasketPanel
from pos_app.widgets.checkout_panel import CheckoutPanel
from pos_app.widgets.stock_panel import StockPanel

logger = logging.getLogger(__name__)


class MainWindow(QMainWindow):
    """The till's window.

    Signals:
        closed(): the window was closed; the app shuts down.
        outbox_requested(): the associate opened the outbox.
    """

    closed = Signal()
    outbox_requested = Signal()

    def __init__(
        self,
        session: TillSession,
        view: QWebEngineView,
        tasks: BackgroundTasks,
        start_url: QUrl,
    ) -> None:
        super().__init__()
        self.setWindowTitle(f"OpenAisle · {session.home.name}")
        self.resize(1366, 860)
        self._session = session
        self._tasks = tasks
        self._start_url = start_url
        self.view = view

        self.stock_panel = StockPanel()
        self.basket_panel = BasketPanel()
        self.checkout_panel = CheckoutPanel(session.home.id, session.home.name)
        self._build_toolbar()
        self._build_body()
        self._build_status_bar()
        self._connect()

    # -- layout ------------------------------------------------------------

    def _build_toolbar(self) -> None:
        bar = QToolBar("Navigation")
        bar.setObjectName("navigation")
        bar.setMovable(False)
        for label, slot, keys in (
            ("◀", self.view.back, QKeySequence.StandardKey.Back),
            ("▶", self.view.forward, QKeySequence.StandardKey.Forward),
            ("⟳", self.view.reload, QKeySequence.StandardKey.Refresh),
            ("⌂", self._on_home_triggered, QKeySequence("Alt+Home")),
        ):
            action = QAction(label, self)
            action.setShortcut(keys)
            action.triggered.connect(slot)
            bar.addAction(action)

        self.search = QLineEdit()
        self.search.setObjectName("catalogueSearch")
        self.search.setPlaceholderText("Search the catalogue, or type a SKU or barcode")
        self.search.setAccessibleName("Catalogue search")
        self.search.setClearButtonEnabled(True)
        self.search.returnPressed.connect(self._on_search_return_pressed)
        bar.addWidget(self.search)

        store = QLabel(f"  {self._session.home.name}  ")
        store.setObjectName("storeName")
        bar.addWidget(store)
        self.addToolBar(bar)

        focus_search = QAction("Search", self)
        focus_search.setShortcut(QKeySequence("Ctrl+K"))
        focus_search.triggered.connect(self.search.setFocus)
        self.addAction(focus_search)

    def _build_body(self) -> None:
        side = QFrame()
        side.setObjectName("sidePanel")
        side.setMinimumWidth(380)
        layout = QVBoxLayout(side)
        layout.addWidget(self.stock_panel, 5)
        layout.addWidget(_rule())
        layout.addWidget(self.basket_panel, 6)
        layout.addWidget(self.checkout_panel)

        splitter = QSplitter()
        splitter.addWidget(self.view)
        splitter.addWidget(side)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([900, 460])
        splitter.setChildrenCollapsible(False)
        self.setCentralWidget(splitter)

    def _build_status_bar(self) -> None:
        status = QStatusBar()
        self.online_label = QLabel()
        self.online_label.setObjectName("onlineState")
        self.online_label.setAccessibleName("Connection to the order engine")
        self.outbox_button = QPushButton()
        self.outbox_button.setObjectName("outboxButton")
        self.outbox_button.setFlat(True)
        self.outbox_button.clicked.connect(self.outbox_requested)
        status.addPermanentWidget(self.online_label)
        status.addPermanentWidget(self.outbox_button)
        self.setStatusBar(status)
        self.show_online(True)
        self.show_outbox({})

    def _connect(self) -> None:
        session = self._session
        session.basket_changed.connect(self._on_session_basket_changed)
        session.stock_changed.connect(self._on_session_stock_changed)
        session.product_in_view.connect(self.stock_panel.show_product)
        session.online_changed.connect(self.show_online)
        self.stock_panel.add_requested.connect(self._on_stock_add_requested)
        self.stock_panel.collect_at_requested.connect(self.checkout_panel.collect_at)
        self.basket_panel.quantity_change_requested.connect(
            self._on_basket_quantity_change_requested
        )
        self.basket_panel.removal_requested.connect(self._on_basket_removal_requested)
        self.checkout_panel.submit_requested.connect(self._on_checkout_submit_requested)
        self._tasks.failed.connect(self._on_task_failed)

    # -- state shown ---------------------------------------------------------

    def show_online(self, online: bool) -> None:
        """Show whether the order engine answers."""
        self.online_label.setText(
            "● Online" if online else "● Offline — orders wait on this till"
        )
        self.online_label.setProperty("state", "online" if online else "offline")
        self.online_label.style().polish(self.online_label)

    def show_outbox(self, summary: dict[str, int]) -> None:
        """Show how many orders wait to be sent and how many need a person."""
        waiting = summary.get("pending", 0)
        parked = summary.get("parked", 0)
        text = f"Outbox: {waiting} waiting"
        if parked:
            text += f" · {parked} need attention"
        self.outbox_button.setText(text)
        self.outbox_button.setProperty("state", "attention" if parked else "")
        self.outbox_button.style().polish(self.outbox_button)

    def notify(self, text: str, timeout_ms: int = 6000) -> None:
        """A short message in the status bar."""
        self.statusBar().showMessage(text, timeout_ms)

    # -- slots ---------------------------------------------------------------

    def _on_session_basket_changed(self, basket) -> None:
        self.basket_panel.show_basket(basket)
        self.checkout_panel.set_basket_ready(bool(basket.lines))

    def _on_session_stock_changed(self, snapshot: StockSnapshot) -> None:
        self.stock_panel.show_stock(snapshot)

    def _on_home_triggered(self) -> None:
        self.view.setUrl(self._start_url)

    def _on_search_return_pressed(self) -> None:
        text = self.search.text().strip()
        if text:
            self._tasks.spawn(self._search_or_add(text), "Searching the catalogue")

    async def _search_or_add(self, text: str) -> None:
        product = await self._session.find_by_code(text)
        if product is not None:
            await self._session.add_to_basket(product.sku, 1)
            await self._session.show_product(product)
            self.search.clear()
            self.notify(f"Added {product.name}")
            return
        url = QUrl(self._start_url.resolved(QUrl("/search")))
        url.setQuery(f"q={QUrl.toPercentEncoding(text).data().decode()}")
        self.view.setUrl(url)

    def _on_stock_add_requested(self, sku: str) -> None:
        self._tasks.spawn(self._session.add_to_basket(sku, 1), "Adding to the basket")

    def _on_basket_quantity_change_requested(self, sku: str, quantity: int) -> None:
        self._tasks.spawn(
            self._session.set_quantity(sku, quantity), "Changing a quantity"
        )

    def _on_basket_removal_requested(self, sku: str) -> None:
        self._tasks.spawn(self._session.remove(sku), "Removing a line")

    def _on_checkout_submit_requested(self, fulfilment) -> None:
        self._tasks.spawn(self._submit(fulfilment), "Submitting the order")

    async def _submit(self, fulfilment) -> None:
        try:
            order_id = await self._session.submit(fulfilment)
        except SessionError as exc:
            self.notify(str(exc))
            return
        self.checkout_panel.reset()
        self.notify(f"Order {str(order_id)[:8]} placed — sending to the order engine")

    def _on_task_failed(self, what: str, message: str) -> None:
        # Non-modal: a nested event loop would stall the asyncio loop under it.
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            "OpenAisle",
            f"{what} did not work.\n\n{message}",
            QMessageBox.StandardButton.Ok,
            self,
        )
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()

    def closeEvent(self, event: QCloseEvent) -> None:
        """Closing the window ends the app."""
        super().closeEvent(event)
        self.closed.emit()


def _rule() -> QFrame:
    line = QFrame()
    line.setFrameShape(QFrame.Shape.HLine)
    line.setObjectName("rule")
    return line
