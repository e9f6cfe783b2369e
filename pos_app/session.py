"""The till session: basket, stock and submit, glued to store and engine.

:class:`TillSession` is what the window and the page bridge talk to. It keeps
no state of its own that the device store does not hold: the basket lives in
the device database, orders go through the outbox, and stock answers come
from the engine or, when it cannot be reached, from the last snapshot with
its age.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime

from PySide6.QtCore import QObject, Signal

from offline_store import AsyncDeviceStore, Basket
from oms_client import OmsClient, OmsError, OmsNotFound, OmsUnreachable
from oms_client.models import (
    Approval,
    ApprovalKind,
    ApprovalRequest,
    Customer,
    CustomerDetails,
    Fulfilment,
    Location,
    Money,
    OrderLineRequest,
    OrderRequest,
    ParkedBasket,
    ParkedLine,
    ParkRequest,
    PaymentChoice,
    Product,
    Quote,
    QuoteRequest,
    RecallRequest,
    StaffMember,
    StaffRole,
)
from pos_app.approved_total import approvals_in_use
from pos_app.offline_promise import with_shown_promises
from pos_app.stock_lookup import StockLookup, StockSnapshot

logger = logging.getLogger(__name__)

# How long a product the session has read stays good for an add: the page
# showed it at that price moments ago, and a till adds the same few items
# again and again (see ``TillSession.find_product``).
PRODUCT_MEMO_SECONDS = 60.0
PRODUCT_MEMO_SIZE = 500


class SessionError(Exception):
    """Something the associate must be told, in words they can act on."""


class TillSession(QObject):
    """One device's selling session.

    Signals:
        basket_changed(object): the :class:`offline_store.Basket` after a change.
        stock_changed(object): a :class:`StockSnapshot` for the product in view.
        product_in_view(object): the catalogue :class:`Product` now in view,
            or ``None``.
        online_changed(bool): whether the engine answered the last call.
        order_queued(str): an order id written to the outbox.
        staff_changed(object): the signed-in :class:`StaffMember` or ``None``.
        customer_changed(object): the order's :class:`Customer` or ``None``.
        approvals_changed(object): the list of approvals on the open basket.
    """

    basket_changed = Signal(object)
    stock_changed = Signal(object)
    product_in_view = Signal(object)
    online_changed = Signal(bool)
    order_queued = Signal(str)
    staff_changed = Signal(object)
    customer_changed = Signal(object)
    approvals_changed = Signal(object)

    def __init__(
        self,
        store: AsyncDeviceStore,
        client: OmsClient,
        home: Location,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._store = store
        self._client = client
        self.home = home
        self._stock = StockLookup(client, store, home)
        self._online: bool | None = None
        self.staff: StaffMember | None = None
        self.customer: Customer | None = None
        self.approvals: list[Approval] = []
        # The next order's id, made now so approvals can be recorded on it
        # before it is submitted.
        self.next_order_id = uuid.uuid4()
        self.last_order: tuple[uuid.UUID, Basket, Fulfilment] | None = None
        # Each line's fulfilment (by SKU) and the quote the last order was
        # placed with, for its confirmation and receipt.
        self.last_fulfilments: dict[str, Fulfilment] = {}
        self.last_quote: Quote | None = None
        # The approvals that went with the last order (for its receipt).
        self.last_approvals: list[Approval] = []
        # SKU -> (product, monotonic time read): products read live lately.
        self._products: dict[str, tuple[Product, float]] = {}

    # -- connectivity ------------------------------------------------------

    def _note_online(self, online: bool) -> None:
        if online != self._online:
            self._online = online
            self.online_changed.emit(online)

    @property
    def online(self) -> bool:
        """Whether the engine answered the last call (unknown counts as yes)."""
        return self._online is not False

    # -- catalogue ---------------------------------------------------------

    async def find_product(self, sku: str) -> Product | None:
        """The catalogue entry for ``sku``: read lately, live, else cached.

        A product read live in the last :data:`PRODUCT_MEMO_SECONDS` (by
        this session or by the storefront showing it, see
        :meth:`remember_products`) is answered from memory: no engine round
        trip and no device cache write on the way of a page's add.
        """
        remembered = self._products.get(sku)
        if remembered is not None:
            product, read_at = remembered
            if time.monotonic() - read_at < PRODUCT_MEMO_SECONDS:
                return product
            del self._products[sku]

        try:
            product = await self._client.get_product(sku)
        except OmsNotFound:
            self._note_online(True)
            return None
        except OmsUnreachable:
            self._note_online(False)
            cached = await self._store.cached_product(sku)
            return Product.model_validate(cached) if cached else None
        self._note_online(True)
        self.remember_products([product])
        await self._store.cache_products(
            [product.model_dump(mode="json")], datetime.now(UTC)
        )
        return product

    def remember_products(self, products: list[Product]) -> None:
        """Keep products just read live (already in the device cache)."""
        now = time.monotonic()
        for product in products:
            self._products.pop(product.sku, None)
            self._products[product.sku] = (product, now)
        while len(self._products) > PRODUCT_MEMO_SIZE:
            # Oldest first: a dict keeps the order of insertion.
            del self._products[next(iter(self._products))]

    async def find_by_code(self, code: str) -> Product | None:
        """A product by SKU or GTIN (what a page or a scanner gives us)."""
        product = await self.find_product(code) if _looks_like_sku(code) else None
        if product is not None:
            return product
        try:
            hits = await self._client.search_products(code, limit=5)
        except OmsUnreachable:
            self._note_online(False)
            return None
        self._note_online(True)
        return next((p for p in hits if code in (p.sku, p.gtin)), None)

    async def show_product(self, product: Product | None) -> None:
        """Make ``product`` the one in view and fetch its stock."""
        self.product_in_view.emit(product)
        if product is not None:
            await self.lookup_stock(product.sku)

    # -- basket ------------------------------------------------------------

    async def basket(self) -> Basket:
        """The open basket as the device holds it."""
        return await self._store.current_basket()

    async def add_to_basket(self, sku: str, quantity: int) -> Basket:
        """Add ``quantity`` of ``sku`` at the catalogue price."""
        product = await self.find_product(sku)
        if product is None:
            raise SessionError(f"{sku} is not in the catalogue")

        basket = await self._store.add_item(
            product.sku,
            product.name,
            product.price.amount,
            product.price.currency,
            quantity,
        )
        self.basket_changed.emit(basket)
        return basket

    async def set_quantity(self, sku: str, quantity: int) -> Basket:
        """Change a line's quantity; zero removes it."""
        basket = await self._store.set_quantity(sku, quantity)
        self.basket_changed.emit(basket)
        return basket

    async def remove(self, sku: str) -> Basket:
        """Take a line out of the basket."""
        basket = await self._store.remove_item(sku)
        self.basket_changed.emit(basket)
        return basket

    # -- stock -------------------------------------------------------------

    async def lookup_stock(self, sku: str) -> StockSnapshot:
        """Stock here and nearby; the last snapshot when offline."""
        snapshot = await self._stock.lookup(sku)
        self._note_online(snapshot.live)
        self.stock_changed.emit(snapshot)
        return snapshot

    async def stock_for(self, sku: str) -> StockSnapshot:
        """Stock of a basket line, without changing the product in view."""
        snapshot = await self._stock.lookup(sku)
        self._note_online(snapshot.live)
        return snapshot

    # -- staff, approvals ----------------------------------------------------

    async def sign_in(self, staff_number: str, pin: str) -> StaffMember:
        """Sign a person in; the engine checks the PIN and counts failures."""
        member = await self._client.sign_in(staff_number, pin)
        self.staff = member
        self.staff_changed.emit(member)
        return member

    def sign_out(self) -> None:
        """Nobody is signed in any more."""
        self.staff = None
        self.staff_changed.emit(None)

    def staff_number(self, fallback: str = "0000") -> str:
        """The signed-in person's number (``fallback`` when nobody is)."""
        return self.staff.staff_number if self.staff else fallback

    async def approve(
        self,
        kind: ApprovalKind,
        amount: int,
        reason: str,
        supervisor_number: str,
        supervisor_pin: str,
        sku: str | None = None,
    ) -> Approval:
        """Ask a supervisor on the spot; the approval goes on the next order."""
        if self.staff is None or self.staff.role == StaffRole.KIOSK:
            raise SessionError("Sign in as an associate to ask for an approval.")
        basket = await self._store.current_basket()
        request = ApprovalRequest(
            kind=kind,
            sku=sku,
            amount=Money(amount=amount, currency=basket.currency or "GBP"),
            reason=reason,
            requested_by=self.staff.staff_number,
            supervisor_number=supervisor_number,
            supervisor_pin=supervisor_pin,
            location_id=self.home.id,
        )
        approval = await self._client.record_approval(self.next_order_id, request)
        self.approvals.append(approval)
        self.approvals_changed.emit(list(self.approvals))
        return approval

    # -- parked baskets and hand-overs -----------------------------------------

    async def park(self, parked_by: str, label: str | None = None) -> ParkedBasket:
        """Put the basket aside at the store and empty it here."""
        basket = await self._store.current_basket()
        if not basket.lines:
            raise SessionError("The basket is empty.")
        parked = await self._client.park_basket(
            ParkRequest(
                location_id=self.home.id,
                lines=[
                    ParkedLine(sku=x.sku, quantity=x.quantity) for x in basket.lines
                ],
                parked_by=parked_by,
                label=label,
            )
        )
        await self.clear()
        logger.info("Basket parked as %s", parked.id)
        return parked

    async def recall(self, code: str) -> ParkedBasket:
        """Take a parked basket (or a kiosk's hand-over) into this basket."""
        parked = await self._client.recall_basket(
            RecallRequest(
                location_id=self.home.id, code=code, recalled_by=self.staff_number()
            )
        )
        for line in parked.lines:
            await self.add_to_basket(line.sku, line.quantity)
        return parked

    async def parked_here(self) -> list[ParkedBasket]:
        """The store's baskets waiting to be recalled."""
        return await self._client.list_parked_baskets(self.home.id)

    # -- customer ----------------------------------------------------------

    def set_customer(self, customer: Customer | None) -> None:
        """The customer the next order is for (``None``: nobody named)."""
        self.customer = customer
        self.customer_changed.emit(customer)

    async def clear(self) -> Basket:
        """Forget the basket, the customer and the approvals (a new customer)."""
        basket = await self._store.clear_basket()
        self.approvals = []
        self.next_order_id = uuid.uuid4()
        self.set_customer(None)
        self.approvals_changed.emit([])
        self.basket_changed.emit(basket)
        return basket

    # -- promise -----------------------------------------------------------

    async def quote(self, fulfilment: Fulfilment | LineFulfilments) -> Quote:
        """The engine's promise for the basket; nothing is reserved.

        ``fulfilment`` is one for every line, or one per line by SKU.
        """
        basket = await self._store.current_basket()
        if not basket.lines:
            raise SessionError("The basket is empty.")
        return await self._client.quote(
            QuoteRequest(
                selling_location_id=self.home.id,
                lines=order_lines(basket, fulfilment),
            )
        )

    async def quote_lines(self, lines: list[OrderLineRequest]) -> Quote:
        """The engine's promise for ``lines`` (one SKU's options, say)."""
        return await self._client.quote(
            QuoteRequest(selling_location_id=self.home.id, lines=lines)
        )

    # -- submit ------------------------------------------------------------

    async def submit(
        self,
        fulfilment: Fulfilment | LineFulfilments,
        notes: str | None = None,
        payment_choice: PaymentChoice | None = None,
        *,
        quote: Quote | None = None,
        contact: CustomerDetails | None = None,
    ) -> uuid.UUID:
        """Close the basket into the outbox; the sync worker sends it.

        The order id is made here, on the device, and travels as the
        idempotency key, so a resend can never create a second order. The
        approvals given for it go with it (the engine prices the order with
        them), and so do a phone order's notes and payment choice.

        ``fulfilment`` is one for every line or one per line by SKU. With the
        ``quote`` shown for exactly these lines the order names it, and the
        engine keeps its sources or says why not. ``contact`` is who to tell
        when no customer was found (a collection elsewhere needs someone).
        Every line the device has a stock snapshot for carries the promise
        it showed, so an order the engine could not answer at once is
        accepted with a line exception, not refused, when stock moved.
        """
        basket = await self._store.current_basket()
        if not basket.lines:
            raise SessionError("The basket is empty.")

        order_id = self.next_order_id
        customer = contact
        if self.customer is not None:
            customer = CustomerDetails(
                name=self.customer.name,
                email=self.customer.email,
                phone=self.customer.phone,
            )
        # Each line says what its stock snapshot showed, online or not: the
        # session's belief that the engine is there may be stale (an add
        # answered from memory asks nobody), and a promise that broke on the
        # way then comes back as a line exception, never as a refusal.
        lines = await with_shown_promises(
            order_lines(basket, fulfilment), self._stock.cached
        )
        request = OrderRequest(
            selling_location_id=self.home.id,
            lines=lines,
            customer=customer,
            placed_at=datetime.now(UTC),
            approval_ids=[a.id for a in approvals_in_use(basket, self.approvals)],
            notes=notes or None,
            payment_choice=payment_choice,
            quote_id=quote.id if quote is not None else None,
        )
        await self._store.submit_basket(order_id, request.model_dump(mode="json"))
        logger.info("Order %s queued with %d lines", order_id, len(basket.lines))

        per_line = {line.sku: line.fulfilment for line in request.lines}
        self.last_order = (order_id, basket, request.lines[0].fulfilment)
        self.last_fulfilments = per_line
        self.last_quote = quote
        self.last_approvals = approvals_in_use(basket, self.approvals)
        self.next_order_id = uuid.uuid4()
        self.approvals = []
        self.approvals_changed.emit([])
        self.order_queued.emit(str(order_id))
        self.basket_changed.emit(await self._store.current_basket())
        return order_id


LineFulfilments = Mapping[str, Fulfilment]


def order_lines(
    basket: Basket, fulfilment: Fulfilment | LineFulfilments
) -> list[OrderLineRequest]:
    """The basket's lines as an order sends them, each with its fulfilment.

    A line missing from a per-line mapping is refused with the SKU named.
    """
    lines = []
    for line in basket.lines:
        chosen = fulfilment
        if isinstance(fulfilment, Mapping):
            chosen = fulfilment.get(line.sku)
            if chosen is None:
                raise SessionError(f"Choose how {line.sku} reaches the customer.")
        lines.append(
            OrderLineRequest(sku=line.sku, quantity=line.quantity, fulfilment=chosen)
        )
    return lines


def _looks_like_sku(code: str) -> bool:
    return 0 < len(code) <= 32 and code.replace("-", "").replace(".", "").isalnum()


__all__ = ["OmsError", "SessionError", "TillSession"]
