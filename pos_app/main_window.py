"""The main window: the retailer's site beside basket, stock and checkout."""

from __future__ import annotations

import itertools
import logging
from datetime import timedelta

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QResizeEvent
from PySide6.QtWebEngineWidgets import QWebEngineView
from PySide6.QtWidgets import (
    QDockWidget,
    QFrame,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QStatusBar,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from pos_app.approved_total import approved_total
from pos_app.background import BackgroundTasks
from pos_app.checkout_flow import CheckoutFlow
from pos_app.kiosk import RecoveryScreen
from pos_app.modes import MODE_PROFILES, ModeProfile
from pos_app.promise_text import broken_promises, describe_method, quoted_lines
from pos_app.receipt import order_reference
from pos_app.session import SessionError, TillSession, order_lines
from pos_app.stock_lookup import StockSnapshot
from pos_app.widgets.basket_panel import BasketPanel
from pos_app.widgets.checkout_panel import CheckoutPanel
from pos_app.widgets.customer_panel import CustomerPanel
from pos_app.widgets.kiosk_panel import KioskActions, KioskProductPanel
from pos_app.widgets.order_finder import OrderFinder
from pos_app.widgets.order_view import OrderView
from pos_app.widgets.promise_panel import PromisePanel
from pos_app.widgets.stock_panel import StockPanel
from pos_app.widgets.tasks_panel import TasksPanel

logger = logging.getLogger(__name__)


class MainWindow(QMainWindow):
    """The till's window.

    Signals:
        closed(): the window was closed; the app shuts down.
        outbox_requested(): the associate opened the outbox.
        sign_in_requested(): someone wants to sign in (or change person).
        park_requested(): put the basket aside for any device of the store.
        recall_requested(): take a parked basket back.
        approval_requested(): ask a supervisor for an override or discount.
        receipt_requested(str): ``print`` or ``pdf`` for the last order.
        finished_requested(): the kiosk customer is done; wipe everything.
        hand_over_requested(): the kiosk customer asks for a colleague.
        tasks_shown(): the store's tasks were brought into view.
        submit_needs_sign_in(object): Submit was pressed with nobody signed
            in where a person must be; carries the checkout choice so the
            order can be placed once someone has signed in (see
            :meth:`submit`).
    """

    closed = Signal()
    outbox_requested = Signal()
    sign_in_requested = Signal()
    park_requested = Signal()
    recall_requested = Signal()
    approval_requested = Signal()
    receipt_requested = Signal(str)
    finished_requested = Signal()
    hand_over_requested = Signal()
    tasks_shown = Signal()
    submit_needs_sign_in = Signal(object)

    def __init__(
        self,
        session: TillSession,
        view: QWebEngineView,
        tasks: BackgroundTasks,
        start_url: QUrl,
        mode: ModeProfile | None = None,
    ) -> None:
        super().__init__()
        self.mode = mode or MODE_PROFILES["till"]
        self.setWindowTitle(f"OpenAisle · {self.mode.title} · {session.home.name}")
        self.setProperty("touch", self.mode.touch)
        self.resize(1366, 860)
        self._session = session
        self._tasks = tasks
        self._start_url = start_url
        self.allow_close = not self.mode.kiosk
        self.view = view
        self.view.setAccessibleName("The shop's website")
        if self.mode.kiosk:
            self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.NoContextMenu)

        # A customer at a kiosk gets plain words, not the associate's figures.
        self.stock_panel = KioskProductPanel() if self.mode.kiosk else StockPanel()
        self.basket_panel = BasketPanel()
        self.checkout_panel = CheckoutPanel(
            session.home.id, session.home.name, customer_facing=self.mode.kiosk
        )
        self.promise_panel = None if self.mode.kiosk else PromisePanel()
        self.checkout_flow = CheckoutFlow(
            session, self.checkout_panel, self.promise_panel, tasks, self
        )
        self.customer_panel = CustomerPanel() if self.mode.phone else None
        self.recovery_screen = RecoveryScreen()
        self.page_stack = QStackedWidget()
        self.page_stack.addWidget(self.view)
        self.page_stack.addWidget(self.recovery_screen)
        self._build_toolbar()
        self._build_mode_actions()
        self._build_body()
        self._build_docks()
        self._build_status_bar()
        self._connect()
        self._chain_focus()

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
        # A customer at a kiosk searches the shop; staff also type codes.
        self.search.setPlaceholderText(
            "Search the shop"
            if self.mode.kiosk
            else "Search the catalogue, or type a SKU or barcode"
        )
        self.search.setAccessibleName("Catalogue search")
        self.search.setClearButtonEnabled(True)
        self.search.returnPressed.connect(self._on_search_return_pressed)
        bar.addWidget(self.search)

        store = QLabel(f"  {self._session.home.name}  ")
        store.setObjectName("storeName")
        bar.addWidget(store)
        self.staff_label = QLabel()
        self.staff_label.setObjectName("staffName")
        self.staff_label.setAccessibleName("Signed-in person")
        # Nobody signs in at a kiosk: the customer sees no staff state.
        bar.addWidget(self.staff_label).setVisible(not self.mode.kiosk)
        self.addToolBar(bar)
        self._bar = bar

        focus_search = QAction("Search", self)
        focus_search.setShortcut(QKeySequence("Ctrl+K"))
        focus_search.triggered.connect(self.search.setFocus)
        self.addAction(focus_search)

    def _build_mode_actions(self) -> None:
        """The actions this mode offers, each with a key and a name."""
        bar = QToolBar("Actions")
        bar.setObjectName("actions")
        bar.setMovable(False)
        mode = self.mode
        entries = []
        if mode.kiosk:
            entries += [
                ("Ask a colleague", "handOver", "F6", self.hand_over_requested),
                ("Finished", "finished", "F12", self.finished_requested),
            ]
        else:
            entries.append(("Sign in", "signIn", "F2", self.sign_in_requested))
            if mode.park:
                entries += [
                    ("Park basket", "park", "F6", self.park_requested),
                    ("Recall basket", "recall", "F7", self.recall_requested),
                ]
            if mode.overrides:
                entries.append(("Approval…", "approval", "F9", self.approval_requested))
            if mode.receipts:
                entries += [
                    ("Print receipt", "printReceipt", "F8", None),
                    ("Receipt as PDF", "pdfReceipt", "Shift+F8", None),
                ]
        self.mode_actions: dict[str, QAction] = {}
        for label, name, keys, signal in entries:
            action = QAction(label, self)
            action.setObjectName(name)
            action.setShortcut(QKeySequence(keys))
            action.setToolTip(f"{label} ({keys})")
            if signal is not None:
                action.triggered.connect(signal)
            bar.addAction(action)
            bar.widgetForAction(action).setAccessibleName(label)
            self.mode_actions[name] = action
        if "printReceipt" in self.mode_actions:
            self.mode_actions["printReceipt"].triggered.connect(
                lambda: self.receipt_requested.emit("print")
            )
            self.mode_actions["pdfReceipt"].triggered.connect(
                lambda: self.receipt_requested.emit("pdf")
            )
            self.set_receipt_ready(False)
        self.addToolBarBreak()
        self.addToolBar(bar)
        self._actions_bar = bar

    def set_receipt_ready(self, ready: bool) -> None:
        """Receipts can be printed once an order was placed here."""
        for name in ("printReceipt", "pdfReceipt"):
            if name in self.mode_actions:
                self.mode_actions[name].setEnabled(ready)

    def show_staff(self, member) -> None:
        """Name who is signed in, with their role."""
        self.staff_label.setText(
            f"  {member.name} · {member.role}  " if member else "  Not signed in  "
        )

    def show_confirmation(self, order_id) -> None:
        """The order number to quote, big, until the next basket starts."""
        text = f"Order {order_reference(order_id)} placed — quote this number"
        last = self._session.last_order
        priced = approved_total(last[1], self._session.last_approvals) if last else None
        if priced is not None and last[0] == order_id:
            text += f"\n{priced.text()}"
        if last is not None and last[0] == order_id:
            text += "\n" + self._promise_lines(last[1], {})
        self.confirmation.setText(text)
        self.confirmation.setVisible(True)

    def show_accepted(self, order) -> None:
        """The engine accepted the last order: say per line if a promise broke."""
        last = self._session.last_order
        if last is None or last[0] != order.id:
            return
        broken = broken_promises(order, self._session.last_quote)
        # A line whose shown promise broke on the way is in an exception.
        for line in order.lines:
            if line.exception is not None:
                broken[line.sku] = line.exception.message
        if not broken:
            return
        text = f"Order {order_reference(order.id)} placed — quote this number"
        text += "\n" + self._promise_lines(last[1], broken)
        self.confirmation.setText(text)
        self.confirmation.setProperty("state", "attention")
        self.confirmation.style().polish(self.confirmation)
        self.confirmation.setVisible(True)

    def _promise_lines(self, basket, broken: dict[str, str]) -> str:
        session = self._session
        promised = quoted_lines(session.last_quote)
        places = {session.home.id: session.home.name}
        for line in session.last_quote.lines if session.last_quote else []:
            for allocation in line.allocations:
                places[allocation.location_id] = allocation.name
        rows = []
        for line in basket.lines:
            fulfilment = session.last_fulfilments.get(line.sku)
            how = describe_method(fulfilment, places) if fulfilment else ""
            promise = promised.get(line.sku, "promise to follow")
            row = f"{line.quantity} × {line.name} — {how}: {promise}"
            if line.sku in broken:
                row += f" ⚠ not kept: {broken[line.sku]}"
            rows.append(row)
        return "\n".join(rows)

    def show_recovery(self, shown: bool) -> None:
        """Swap the page for the restarting screen, or back."""
        self.page_stack.setCurrentWidget(self.recovery_screen if shown else self.view)

    def _build_body(self) -> None:
        side = QFrame()
        side.setObjectName("sidePanel")
        side.setMinimumWidth(380)
        layout = QVBoxLayout(side)
        if self.customer_panel is not None:
            layout.addWidget(self.customer_panel, 4)
            layout.addWidget(_rule())
        layout.addWidget(self.stock_panel, 4)
        layout.addWidget(_rule())
        layout.addWidget(self.basket_panel, 7)
        self.confirmation = QLabel()
        self.confirmation.setObjectName("confirmation")
        self.confirmation.setAccessibleName("Order confirmation")
        self.confirmation.setWordWrap(True)
        self.confirmation.setVisible(False)
        layout.addWidget(self.confirmation)
        if self.promise_panel is not None:
            layout.addWidget(self.promise_panel)
        self.kiosk_actions: KioskActions | None = None
        if self.mode.kiosk:
            self.kiosk_actions = KioskActions()
            self.kiosk_actions.finished_requested.connect(self.finished_requested)
            self.kiosk_actions.hand_over_requested.connect(self.hand_over_requested)
            layout.addWidget(self.kiosk_actions)

        splitter = QSplitter()
        self._splitter = splitter
        splitter.addWidget(self.page_stack)
        # Stock, basket and promise scroll rather than squeeze; how each line
        # goes and the submit button stay in view under them.
        side_scroll = QScrollArea()
        side_scroll.setObjectName("sideScroll")
        side_scroll.setWidget(side)
        side_scroll.setWidgetResizable(True)
        side_scroll.setFrameShape(QFrame.Shape.NoFrame)
        side_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        column = QWidget()
        column.setObjectName("sideColumn")
        # A dock opened beside it takes room from the page, never from this
        # column: its tables and buttons would be cut off, not scrolled.
        column.setMinimumWidth(
            side.minimumWidth() + side_scroll.verticalScrollBar().sizeHint().width()
        )
        column_layout = QVBoxLayout(column)
        column_layout.setContentsMargins(0, 0, 0, 0)
        column_layout.addWidget(side_scroll, 1)
        checkout_box = QFrame()
        checkout_box.setObjectName("sidePanel")
        checkout_layout = QVBoxLayout(checkout_box)
        checkout_layout.addWidget(self.checkout_panel)
        column_layout.addWidget(checkout_box)
        splitter.addWidget(column)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([900, 460])
        splitter.setChildrenCollapsible(False)
        self.setCentralWidget(splitter)

    def _build_docks(self) -> None:
        """The store's tasks and the order desk, beside the basket (not kiosks)."""
        self.tasks_panel: TasksPanel | None = None
        self.order_finder: OrderFinder | None = None
        self.order_view: OrderView | None = None
        if self.mode.kiosk:
            return
        self.tasks_panel = TasksPanel()
        self.tasks_panel.setAccessibleName("The store's tasks")
        self.tasks_panel.list.setAccessibleName("Tasks: pick, pack, hand over")
        self.order_finder = OrderFinder()
        self.order_view = OrderView()
        self.order_view.setAccessibleName("The order")
        orders = QWidget()
        orders.setObjectName("orderDesk")
        layout = QVBoxLayout(orders)
        layout.addWidget(self.order_finder)
        layout.addWidget(self.order_view, 1)

        self.tasks_dock = self._dock("Store tasks", "tasksDock", self.tasks_panel)
        self.orders_dock = self._dock("Orders", "ordersDock", orders)
        self.tabifyDockWidget(self.tasks_dock, self.orders_dock)
        self.tasks_dock.hide()
        self.orders_dock.hide()

        for label, name, keys, slot in (
            ("Tasks", "tasks", "F3", self.show_tasks),
            ("Orders…", "orders", "F4", self.show_orders),
        ):
            action = QAction(label, self)
            action.setObjectName(name)
            action.setShortcut(QKeySequence(keys))
            action.setToolTip(f"{label} ({keys})")
            action.triggered.connect(slot)
            self._actions_bar.addAction(action)
            self._actions_bar.widgetForAction(action).setAccessibleName(label)
            self.mode_actions[name] = action

    def _dock(self, title: str, name: str, widget: QWidget) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(name)
        dock.setAccessibleName(title)
        dock.setWidget(widget)
        dock.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetClosable
            | QDockWidget.DockWidgetFeature.DockWidgetMovable
        )
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
        return dock

    def show_tasks(self) -> None:
        """Bring the store's tasks into view and ask for a fresh list."""
        if self.tasks_panel is None:
            return
        self.tasks_dock.show()
        self.tasks_dock.raise_()
        self.tasks_panel.list.setFocus()
        self.tasks_shown.emit()

    def show_orders(self) -> None:
        """Bring the order desk into view with the focus in its search."""
        if self.order_finder is None:
            return
        self.reveal_orders()
        self.order_finder.field.setFocus()
        self.order_finder.field.selectAll()

    def reveal_orders(self) -> None:
        """Bring the order desk into view, leaving the focus where it is."""
        if self.order_view is not None:
            self.orders_dock.show()
            self.orders_dock.raise_()

    def _build_status_bar(self) -> None:
        status = QStatusBar()
        status.setVisible(not self.mode.kiosk)
        self.online_label = QLabel()
        self.online_label.setObjectName("onlineState")
        self.online_label.setAccessibleName("Connection to the order engine")
        self.outbox_button = QPushButton()
        self.outbox_button.setObjectName("outboxButton")
        self.outbox_button.setFlat(True)
        self.outbox_button.clicked.connect(self.outbox_requested)
        self.clock_label = QLabel()
        self.clock_label.setObjectName("clockWarning")
        self.clock_label.setAccessibleName("Clock warning")
        self.clock_label.setProperty("state", "attention")
        self.clock_label.setVisible(False)
        status.addPermanentWidget(self.clock_label)
        status.addPermanentWidget(self.online_label)
        status.addPermanentWidget(self.outbox_button)
        self.setStatusBar(status)
        self.show_online(True)
        self.show_outbox({})
        self.show_staff(None)

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
        # A phone order names its customer in the customer panel instead.
        self.checkout_panel.set_customer_known(self.mode.phone)
        session.customer_changed.connect(
            lambda customer: self.checkout_panel.set_customer_known(
                customer is not None or self.mode.phone
            )
        )
        self._tasks.failed.connect(self._on_task_failed)
        session.staff_changed.connect(self.show_staff)
        session.basket_changed.connect(
            lambda basket: basket.lines and self.confirmation.setVisible(False)
        )

    # -- state shown ---------------------------------------------------------

    def show_online(self, online: bool) -> None:
        """Show whether the order engine answers."""
        self.online_label.setText(
            "● Online" if online else "● Offline — orders wait on this till"
        )
        self.online_label.setProperty("state", "online" if online else "offline")
        self.online_label.style().polish(self.online_label)

    def show_clock_skew(self, skew: timedelta | None) -> None:
        """Warn that the device clock is ``skew`` off the engine's (``None``: fine)."""
        if skew is None:
            self.clock_label.setVisible(False)
            self.clock_label.setText("")
            return
        way = "ahead of" if skew > timedelta(0) else "behind"
        text = (
            f"⚠ This device's clock is {_duration(abs(skew))} {way} the order "
            "engine's: times shown here are wrong. Set the clock."
        )
        self.clock_label.setText(text)
        self.clock_label.setToolTip(text)
        self.clock_label.setVisible(not self.mode.kiosk)

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
        # The checkout flow follows the basket and asks for the promise again.
        self.checkout_panel.set_basket_ready(bool(basket.lines))
        self._chain_focus()  # the lines' controls came or went

    def _chain_focus(self) -> None:
        """Tab from the search through the side panels, top to bottom, to
        Submit: the customer, stock, basket lines, promise, each line's
        method, the address and contact, Submit."""
        stops: list[QWidget] = [self.search]
        if self.customer_panel is not None:
            stops += _tab_stops(self.customer_panel)
        if isinstance(self.stock_panel, StockPanel):
            stops += self.stock_panel.focus_chain()
        stops += self.basket_panel.focus_chain()
        if self.promise_panel is not None:
            stops += self.promise_panel.focus_chain()
        stops += self.checkout_panel.focus_chain()
        for before, after in itertools.pairwise(stops):
            QWidget.setTabOrder(before, after)

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

    def _on_checkout_submit_requested(self, choice) -> None:
        if self.mode.sign_in and self._session.staff is None:
            # Sold under a person's number: the sign-in opens, then it goes on.
            logger.info("Submit waits for a sign-in")
            self.submit_needs_sign_in.emit(choice)
            return
        self._tasks.spawn(self.submit(choice), "Submitting the order")

    async def submit(self, choice) -> None:
        """Place the basket as an order with the checkout's ``choice``."""
        if self.mode.sign_in and self._session.staff is None:
            self.notify("Sign in first (F2) to place the order.")
            return
        if self.mode.phone and self._session.customer is None:
            self.notify("Find or add the customer first: the order needs them.")
            return
        panel = self.customer_panel
        try:
            basket = await self._session.basket()
            # Placed with the quote shown, when it was for exactly these lines.
            quote = self.checkout_flow.quote_for(
                order_lines(basket, choice.fulfilments)
            )
            order_id = await self._session.submit(
                choice.fulfilments,
                notes=panel.notes_text() if panel else None,
                payment_choice=panel.payment_choice() if panel else None,
                quote=quote,
                contact=choice.contact,
            )
        except SessionError as exc:
            self.notify(str(exc))
            return
        self.checkout_panel.reset()
        self.show_confirmation(order_id)
        self.set_receipt_ready(self.mode.receipts)
        self.notify(
            f"Order {order_reference(order_id)} placed — sending to the order engine"
        )

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

    def resizeEvent(self, event: QResizeEvent) -> None:
        """On a touch screen turned upright, the panels go under the page."""
        super().resizeEvent(event)
        if self.mode.touch:
            upright = event.size().height() > event.size().width()
            self._splitter.setOrientation(
                Qt.Orientation.Vertical if upright else Qt.Orientation.Horizontal
            )

    def closeEvent(self, event: QCloseEvent) -> None:
        """Closing the window ends the app (a kiosk ignores a customer's try)."""
        if not self.allow_close:
            logger.info("Kiosk: a close request was ignored")
            event.ignore()
            return
        super().closeEvent(event)
        self.closed.emit()


def _duration(gap: timedelta) -> str:
    """``2 d 3 h``, ``3 h 12 min`` or ``5 min``: enough to see how far off."""
    minutes = int(gap.total_seconds() // 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days:
        return f"{days} d {hours} h"
    if hours:
        return f"{hours} h {minutes} min"
    return f"{minutes} min"


def _tab_stops(panel: QWidget) -> list[QWidget]:
    """The panel's controls that Tab stops at, in the order they were made
    (not a combo box's list, which is a window of its own)."""
    return [
        widget
        for widget in panel.findChildren(QWidget)
        if widget.focusPolicy() & Qt.FocusPolicy.TabFocus
        and widget.window() is panel.window()
    ]


def _rule() -> QFrame:
    line = QFrame()
    line.setFrameShape(QFrame.Shape.HLine)
    line.setObjectName("rule")
    return line
