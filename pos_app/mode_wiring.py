"""What each mode adds to the till: sign-in, scanner, park and recall,
approvals, receipts, the phone order's customer, the kiosk's customer cycle.

:class:`ModeWiring` connects the window's requests to the session and the
engine. Every dialog opens non-modally (a nested event loop would stall the
asyncio loop under it) and every engine call runs as a background task.
"""

from __future__ import annotations

import logging
import re
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWebEngineCore import QWebEnginePage
from PySide6.QtWidgets import QDialog, QFileDialog

from oms_client import OmsConflict, OmsError, OmsNotFound, OmsRejected
from oms_client.models import HANDOVER_CODE_PATTERN, Customer, ErrorCode
from pos_app.approved_total import approved_total
from pos_app.kiosk import RELOAD_AFTER_MS, IdleWatch
from pos_app.kiosk_words import kiosk_promise
from pos_app.promise_text import quoted_lines
from pos_app.receipt import (
    Receipt,
    ReceiptLine,
    describe_fulfilment,
    print_receipt,
    save_pdf,
)
from pos_app.scanner import ScannerWedge
from pos_app.session import SessionError
from pos_app.widgets.approval_dialog import ApprovalDialog
from pos_app.widgets.hand_over_dialog import HandOverDialog
from pos_app.widgets.order_finder import RECEIPT_REFERENCE
from pos_app.widgets.recall_dialog import RecallDialog
from pos_app.widgets.sign_in_dialog import SignInDialog

if TYPE_CHECKING:
    from pos_app.till import Till

logger = logging.getLogger(__name__)

_HANDOVER = re.compile(HANDOVER_CODE_PATTERN)


class ModeWiring(QObject):
    """Connects one till's window, session and engine for its mode."""

    def __init__(self, till: Till) -> None:
        super().__init__(till)
        self._till = till
        self.mode = till.mode
        self.dialog: QDialog | None = None
        self.hand_over: HandOverDialog | None = None
        self.wipes = 0
        self.receipt_dialog = None

        till.window.winId()  # the native window exists from now on
        self._handle = till.window.windowHandle()
        self.scanner = ScannerWedge(self)
        self.scanner.install(self._handle)
        self.scanner.scanned.connect(self._on_scanner_scanned)

        window = till.window
        window.sign_in_requested.connect(self.open_sign_in)
        window.park_requested.connect(self._on_window_park_requested)
        window.recall_requested.connect(self.open_recall)
        window.approval_requested.connect(self.open_approval)
        window.receipt_requested.connect(self._on_window_receipt_requested)
        window.finished_requested.connect(self._on_window_finished_requested)
        window.hand_over_requested.connect(self._on_window_hand_over_requested)
        window.submit_needs_sign_in.connect(self._on_window_submit_needs_sign_in)
        # A step that waits for someone to sign in (park, take over, submit).
        self._after_sign_in: Callable[[], Awaitable[object]] | None = None
        till.session.staff_changed.connect(self._on_session_staff_changed)
        if self.mode.overrides:
            till.session.approvals_changed.connect(self._on_session_approvals_changed)
            till.session.basket_changed.connect(self._on_session_basket_changed)

        self.idle: IdleWatch | None = None
        if self.mode.kiosk:
            self.idle = IdleWatch(till.services.settings.idle_seconds, self)
            self.idle.idle.connect(self._on_idle_idle)
            self.idle.start(self._handle)
            self.watch_page()
            till.session.stock_changed.connect(self._on_session_stock_changed)
        if window.customer_panel is not None:
            panel = window.customer_panel
            panel.search_requested.connect(self._on_customer_search_requested)
            panel.create_requested.connect(self._on_customer_create_requested)
            panel.customer_chosen.connect(self._on_customer_chosen)
            till.session.customer_changed.connect(panel.show_chosen)

    def close(self) -> None:
        """Stop listening to the whole application."""
        self.scanner.remove(self._handle)
        if self.idle is not None:
            self.idle.stop(self._handle)

    # -- sign-in -------------------------------------------------------------

    def open_sign_in(self) -> SignInDialog:
        """Ask for a staff number and PIN (a number pad on touch screens)."""
        dialog = SignInDialog(
            f"Sign in · {self.mode.title}",
            touch=self.mode.touch,
            parent=self._till.window,
        )
        dialog.sign_in_requested.connect(
            lambda number, pin: self._spawn(
                self._sign_in(dialog, number, pin), "Signing in"
            )
        )
        dialog.rejected.connect(self._on_sign_in_rejected)
        self._open(dialog)
        return dialog

    def _on_sign_in_rejected(self) -> None:
        # Put away unanswered: the step that waited for it is not done later.
        if self._after_sign_in is not None and self._till.session.staff is None:
            self._after_sign_in = None
            self._till.window.notify("Not signed in: nothing was done.")

    async def _sign_in(self, dialog: SignInDialog, number: str, pin: str) -> None:
        try:
            member = await self._till.session.sign_in(number, pin)
        except OmsRejected as exc:
            locked = exc.error is not None and exc.error.code == ErrorCode.STAFF_LOCKED
            dialog.show_error(
                "Too many wrong PINs: this number is locked for a while. Ask a "
                "supervisor."
                if locked
                else "The staff number or PIN is not right."
            )
            return
        if member.role == "kiosk":
            self._till.session.sign_out()
            dialog.show_error("A kiosk account cannot sign in at a till.")
            return
        dialog.accept()
        self._till.window.notify(f"Signed in: {member.name}")

    def _on_session_staff_changed(self, member) -> None:
        if member is None or member.role == "kiosk":
            return  # a kiosk account is signed out again at once
        waiting, self._after_sign_in = self._after_sign_in, None
        if waiting is not None:
            self._spawn(waiting(), "Carrying on after the sign-in")

    def _needs_sign_in(self, what: str, then: Callable[[], Awaitable[object]]) -> bool:
        """Nobody signed in: ask, and carry ``then`` out once someone has."""
        if self._till.session.staff is not None:
            return False
        self._after_sign_in = then
        self._till.window.notify(f"Sign in first (F2) to {what}: it goes on after.")
        self.open_sign_in()
        return True

    def _on_window_submit_needs_sign_in(self, choice) -> None:
        window = self._till.window
        self._needs_sign_in("place the order", lambda: window.submit(choice))

    # -- scanner -------------------------------------------------------------

    def _on_scanner_scanned(self, code: str) -> None:
        self._spawn(self.handle_code(code), "Reading a scanned code")

    async def handle_code(self, code: str) -> None:
        """A scanned product adds one; a hand-over code takes the basket over;
        a receipt's ``OA-`` reference opens its order."""
        window, session = self._till.window, self._till.session
        if not self.mode.kiosk and _HANDOVER.match(code) and not code.isdigit():
            await self.recall(code)
            return
        orders = getattr(self._till, "orders", None)
        if orders is not None and code.startswith("OA-"):
            if RECEIPT_REFERENCE.match(code):
                await orders.open_reference(code, reveal=True)
                return
        product = await session.find_by_code(code)
        if product is None:
            window.notify(f"Not in the catalogue: {code}")
            return
        await session.add_to_basket(product.sku, 1)
        await session.show_product(product)
        window.notify(f"Added {product.name}")

    # -- park and recall ---------------------------------------------------------

    def _on_window_park_requested(self) -> None:
        self._spawn(self.park(), "Parking the basket")

    async def park(self) -> str | None:
        """Park the basket at the store; say the code to recall it by.

        Parked under the signed-in person's number: with nobody signed in,
        the sign-in opens and the basket is parked once someone has.
        """
        if self._needs_sign_in("park the basket", self.park):
            return None
        session = self._till.session
        try:
            parked = await session.park(session.staff.staff_number, "parked at a till")
        except SessionError as exc:
            self._till.window.notify(str(exc))
            return None
        self._till.window.notify(
            f"Basket parked: recall it on any device here with code {parked.code}",
            20000,
        )
        return parked.code

    def open_recall(self) -> RecallDialog:
        """The store's parked baskets and a field for the code."""
        dialog = RecallDialog(self._till.window)
        dialog.recall_requested.connect(
            lambda code: self._spawn(
                self._recall_from(dialog, code), "Recalling a basket"
            )
        )
        self._open(dialog)
        self._spawn(self._list_parked(dialog), "Listing parked baskets")
        return dialog

    async def _list_parked(self, dialog: RecallDialog) -> None:
        dialog.show_parked(await self._till.session.parked_here())

    async def _recall_from(self, dialog: RecallDialog, code: str) -> None:
        if await self.recall(code, dialog.show_error):
            dialog.accept()

    async def recall(self, code: str, show_error=None) -> bool:
        """Take the basket with ``code`` into this basket, once.

        Recorded under the signed-in person's number: with nobody signed
        in, the sign-in opens and the basket is taken over once someone has.
        """
        if self._needs_sign_in("take a basket over", lambda: self.recall(code)):
            return False
        show_error = show_error or self._till.window.notify
        try:
            parked = await self._till.session.recall(code)
        except OmsConflict:
            show_error("That basket was already taken over on another device.")
            return False
        except OmsNotFound:
            show_error(f"No basket waits here with code {code}.")
            return False
        count = sum(line.quantity for line in parked.lines)
        self._till.window.notify(f"Basket {code} taken over: {count} items")
        return True

    # -- approvals -----------------------------------------------------------------

    def open_approval(self) -> ApprovalDialog | None:
        """Ask a supervisor for a price override or a discount."""
        if not self.mode.overrides:
            return None
        if self._till.session.staff is None:
            self._till.window.notify("Sign in first (F2) to ask for an approval.")
            return None
        lines = [(line.sku, line.name) for line in self._till.window.basket_panel.lines]
        dialog = ApprovalDialog(lines, self._till.window)
        dialog.approval_requested.connect(
            lambda values: self._spawn(
                self._approve(dialog, values), "Asking for approval"
            )
        )
        self._open(dialog)
        return dialog

    def _on_session_approvals_changed(self, _approvals) -> None:
        self._spawn(self.show_approved(), "Pricing the approvals")

    def _on_session_basket_changed(self, _basket) -> None:
        if self._till.session.approvals:
            self._spawn(self.show_approved(), "Pricing the approvals")
        elif self._till.window.basket_panel.approved.isVisible():
            self._till.window.basket_panel.show_approved(None)

    async def show_approved(self) -> None:
        """Show on the basket what the approvals change: before and to pay."""
        session = self._till.session
        priced = approved_total(await session.basket(), session.approvals)
        self._till.window.basket_panel.show_approved(priced.text() if priced else None)

    async def _approve(self, dialog: ApprovalDialog, values: dict) -> None:
        try:
            approval = await self._till.session.approve(**values)
        except (OmsRejected, SessionError) as exc:
            refused = getattr(getattr(exc, "error", None), "code", None)
            dialog.show_error(
                "Only a supervisor can approve this."
                if refused == ErrorCode.NOT_PERMITTED
                else "The supervisor's number or PIN is not right."
                if isinstance(exc, OmsRejected)
                else str(exc)
            )
            return
        dialog.accept()
        self._till.window.notify(
            f"Approved by {approval.approved_by}: recorded on the order"
        )

    # -- receipts ----------------------------------------------------------------

    def _on_window_receipt_requested(self, kind: str) -> None:
        self._spawn(self._receipt_action(kind), "Making the receipt")

    async def _receipt_action(self, kind: str) -> None:
        receipt = await self.last_receipt()
        if receipt is None:
            self._till.window.notify("No order yet on this till.")
            return
        if kind == "print":
            self.receipt_dialog = print_receipt(
                receipt, self._till.window, self._till.services.settings.printer
            )
            return
        chooser = QFileDialog(self._till.window, "Save the receipt as PDF")
        chooser.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        chooser.setNameFilter("PDF (*.pdf)")
        chooser.selectFile(
            str(Path(tempfile.gettempdir()) / f"{receipt.reference}.pdf")
        )
        chooser.fileSelected.connect(lambda path: save_pdf(receipt, Path(path)))
        self.receipt_dialog = chooser
        chooser.open()

    async def last_receipt(self) -> Receipt | None:
        """The receipt of the last order placed on this till, if any."""
        session = self._till.session
        if session.last_order is None:
            return None
        order_id, basket, fulfilment = session.last_order
        places = {session.home.id: session.home.name}
        promise = await self._promise_text(order_id, places)
        notes = []
        panel = self._till.window.customer_panel
        if panel is not None:
            notes.append(f"Payment: {panel.payment.currentText()}")
        priced = approved_total(basket, session.last_approvals)
        if priced is not None:
            notes.append(priced.text())
        lines = tuple(
            ReceiptLine(
                name=line.name,
                sku=line.sku,
                quantity=line.quantity,
                line_total=line.line_total,
                currency=line.currency,
                fulfilment=describe_fulfilment(
                    session.last_fulfilments.get(line.sku, fulfilment), places
                ),
                promise=promise.get(line.sku, "Promise to follow by e-mail"),
            )
            for line in basket.lines
        )
        return Receipt(
            order_id=order_id,
            store_name=session.home.name,
            placed_at=basket.updated_at,
            lines=lines,
            total=priced.total if priced else basket.total,
            currency=basket.currency or "GBP",
            notes=tuple(notes),
        )

    async def _promise_text(self, order_id, places: dict[str, str]) -> dict[str, str]:
        """Each line's promise: the quote shown at checkout, else its source."""
        session = self._till.session
        quote = session.last_quote
        if quote is not None and session.last_order[0] == order_id:
            for quoted in quote.lines:
                for allocation in quoted.allocations:
                    places[allocation.location_id] = allocation.name
            return quoted_lines(quote)
        client = self._till.services.client
        try:
            order = await client.get_order(order_id)
        except OmsError:
            return {}
        promises = {}
        for line in order.lines:
            source = line.source_location_id
            if source not in places:
                try:
                    places[source] = (await client.get_location(source)).name
                except OmsError:
                    places[source] = source
            promises[line.sku] = f"From {places[source]}"
        return promises

    # -- phone order ---------------------------------------------------------------

    def _on_customer_search_requested(self, text: str) -> None:
        self._spawn(self._find_customers(text), "Finding the customer")

    async def _find_customers(self, text: str) -> None:
        found = await self._till.services.client.find_customers(text)
        self._till.window.customer_panel.show_found(found)

    def _on_customer_create_requested(self, request) -> None:
        self._spawn(self._create_customer(request), "Saving the customer")

    async def _create_customer(self, request) -> None:
        customer = await self._till.services.client.create_customer(request)
        self._on_customer_chosen(customer)

    def _on_customer_chosen(self, customer: Customer) -> None:
        self._till.session.set_customer(customer)
        if customer.addresses:
            self._till.window.checkout_panel.fill_address(customer.addresses[0])

    # -- kiosk -------------------------------------------------------------------------

    def watch_page(self) -> None:
        """Follow the current page's renderer (a kiosk recovers by itself)."""
        page = self._till.page
        page.renderProcessTerminated.connect(self._on_page_render_process_terminated)
        page.loadFinished.connect(
            lambda ok: ok and self._till.window.show_recovery(False)
        )
        if hasattr(page, "refused"):
            page.refused.connect(
                lambda what: self._till.window.notify(f"Not available here: {what}")
            )

    def _on_page_render_process_terminated(self, status, _code: int) -> None:
        if (
            status
            == QWebEnginePage.RenderProcessTerminationStatus.NormalTerminationStatus
        ):
            return
        logger.warning("Kiosk page renderer stopped; reloading")
        self._till.window.show_recovery(True)
        QTimer.singleShot(RELOAD_AFTER_MS, self._reload_after_crash)

    def _reload_after_crash(self) -> None:
        self._till.view.setUrl(self._till.start_url)

    def _on_window_finished_requested(self) -> None:
        self._spawn(self.wipe(), "Starting afresh for the next customer")

    def _on_idle_idle(self) -> None:
        self._spawn(self.wipe(), "Starting afresh for the next customer")

    async def wipe(self) -> None:
        """Forget everything of this customer: basket, details, web data."""
        if self.hand_over is not None:
            self.hand_over.close()
            self.hand_over = None
        if self.dialog is not None:
            self.dialog.close()
        await self._till.session.clear()
        await self._till.new_customer_page()
        self.watch_page()
        self.wipes += 1
        if self.idle is not None:
            self.idle.restart()
        logger.info("Kiosk ready for the next customer")

    def _on_session_stock_changed(self, snapshot) -> None:
        self._spawn(self.show_kiosk_promise(snapshot), "Asking when it could come")

    async def show_kiosk_promise(self, snapshot) -> None:
        """Tell the customer where to collect it and when it would arrive."""
        session = self._till.session
        promise = await kiosk_promise(
            self._till.services.client, session.home, snapshot
        )
        self._till.window.stock_panel.show_promise(promise)

    def _on_window_hand_over_requested(self) -> None:
        self._spawn(self.hand_over_basket(), "Handing the basket over")

    async def hand_over_basket(self) -> str | None:
        """Park the basket and show its code; the next customer starts after."""
        session = self._till.session
        try:
            parked = await session.park(
                self._till.services.settings.kiosk_staff_number, "kiosk hand-over"
            )
        except SessionError as exc:
            self._till.window.notify(str(exc))
            return None
        dialog = HandOverDialog(parked.code, self._till.window)
        dialog.finished.connect(lambda _: self._spawn(self.wipe(), "Next customer"))
        self.hand_over = dialog
        dialog.open()
        return parked.code

    # -- plumbing ------------------------------------------------------------------

    def _open(self, dialog: QDialog) -> None:
        self.dialog = dialog
        dialog.open()

    def _spawn(self, coro, what: str) -> None:
        self._till.tasks.spawn(coro, what)
