"""The checkout between the basket and the engine: defaults, promise, submit.

:class:`CheckoutFlow` keeps the checkout panel's lines in step with the
basket, gives each new line its default ("save the sale": collect here when
this store holds it, else the nearest store holding it or delivery,
whichever the engine promises sooner), asks the engine for the promise by
itself a moment after the basket or a line's fulfilment changes, and keeps
the quote it showed so the order can be placed with it. All engine calls
run on the asyncio loop; nothing here blocks the Qt thread.
"""

from __future__ import annotations

import logging
from datetime import date

from pydantic import ValidationError
from PySide6.QtCore import QObject, QTimer, Signal

from offline_store import Basket
from oms_client import OmsError
from oms_client.models import (
    Address,
    CollectFulfilment,
    DeliverFulfilment,
    LocationKind,
    OrderLineRequest,
    Quote,
)
from pos_app.background import BackgroundTasks
from pos_app.session import SessionError, TillSession, order_lines
from pos_app.widgets.checkout_panel import DELIVER, ELSEWHERE, HERE, CheckoutPanel
from pos_app.widgets.promise_panel import PromisePanel

logger = logging.getLogger(__name__)

# A pause after the last change before the engine is asked again: typing a
# quantity or an address asks once, not at every key.
REQUOTE_MS = 400


class CheckoutFlow(QObject):
    """Per-line defaults, the promise asked again by itself, the quote kept.

    Signals:
        quote_shown(object): the :class:`Quote` now shown for the basket.
    """

    quote_shown = Signal(object)

    def __init__(
        self,
        session: TillSession,
        checkout: CheckoutPanel,
        promise: PromisePanel | None,
        tasks: BackgroundTasks,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._session = session
        self._checkout = checkout
        self._promise = promise
        self._tasks = tasks
        self._basket: Basket | None = None
        # The lines the shown quote was asked for, and the quote.
        self._quoted: tuple[list[OrderLineRequest], Quote] | None = None
        # Each ask has a number: an answer to an older ask is dropped.
        self._asked = 0
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(REQUOTE_MS)
        self._timer.timeout.connect(self._on_timer_timeout)

        session.basket_changed.connect(self._on_session_basket_changed)
        checkout.fulfilment_changed.connect(self.ask_soon)
        if promise is not None:
            promise.quote_requested.connect(self._on_timer_timeout)

    # -- the promise ----------------------------------------------------------

    def ask_soon(self) -> None:
        """Forget the promise shown and ask again after a short pause."""
        self._asked += 1
        self._quoted = None
        if self._promise is not None:
            self._promise.clear()
            if self._basket is not None and self._basket.lines:
                self._promise.show_message("Asking the engine for the promise…")
        if self._basket is not None and self._basket.lines:
            self._timer.start()

    def quote_for(self, lines: list[OrderLineRequest]) -> Quote | None:
        """The shown quote if it was asked for exactly ``lines``, else None."""
        if self._quoted is None:
            return None
        quoted_lines, quote = self._quoted
        return quote if quoted_lines == lines else None

    @property
    def quote(self) -> Quote | None:
        """The quote now shown, if any."""
        return self._quoted[1] if self._quoted else None

    def _on_timer_timeout(self) -> None:
        self._timer.stop()
        self._tasks.spawn(self._ask(self._asked), "Asking for the promise")

    async def _ask(self, number: int) -> None:
        basket = self._basket
        if basket is None or not basket.lines:
            return
        try:
            fulfilments = self._checkout.line_fulfilments(
                address_stand_in=self._stand_in()
            )
            lines = order_lines(basket, fulfilments)
        except (ValidationError, SessionError):
            self._say("Fill in the delivery address for a delivery date.")
            return
        try:
            quote = await self._session.quote_lines(lines)
        except OmsError as exc:
            self._say(f"No promise from the engine: {exc}")
            return
        if number != self._asked:
            return  # the basket or a line changed meanwhile
        self._quoted = (lines, quote)
        if self._promise is not None:
            self._promise.show_quote(quote)
        self.quote_shown.emit(quote)

    def _say(self, text: str) -> None:
        if self._promise is not None:
            self._promise.show_message(text)

    def _stand_in(self) -> Address | None:
        """The store's own postcode, for a delivery date before the address."""
        home = self._session.home
        if not home.postcode:
            return None
        try:
            return Address(
                name=home.name, line1=home.name, city=home.name, postcode=home.postcode
            )
        except ValidationError:
            logger.info("the store's postcode is not a UK postcode; no stand-in")
            return None

    # -- the lines --------------------------------------------------------------

    def _on_session_basket_changed(self, basket: Basket) -> None:
        self._basket = basket
        added = self._checkout.show_lines(
            [(line.sku, line.name, line.quantity) for line in basket.lines]
        )
        for sku in added:
            quantity = next(x.quantity for x in basket.lines if x.sku == sku)
            self._tasks.spawn(
                self._choose_default(sku, quantity), "Choosing how a line is fulfilled"
            )
        self.ask_soon()

    async def _choose_default(self, sku: str, quantity: int) -> None:
        try:
            snapshot = await self._session.stock_for(sku)
        except OmsError:
            logger.info("no stock answer for a new line; it stays collect here")
            return
        if snapshot.here_atp >= quantity:
            self._checkout.set_line_choice(sku, HERE, None, default=True)
            return

        stores = sorted(
            (
                level
                for level in snapshot.nearby
                if level.kind == LocationKind.STORE and level.atp >= quantity
            ),
            key=lambda level: level.distance_km or 0.0,
        )
        nearest = (stores[0].location_id, stores[0].name) if stores else None
        method = await self._sooner(sku, quantity, nearest) if snapshot.live else None
        if method is None:
            method = ELSEWHERE if nearest else DELIVER
        self._checkout.set_line_choice(sku, method, nearest, default=True)
        logger.debug("a line not held here defaults to %s", method)

    async def _sooner(
        self, sku: str, quantity: int, nearest: tuple[str, str] | None
    ) -> str | None:
        """Collect at ``nearest`` or deliver: whichever the engine dates sooner."""
        stand_in = self._stand_in()
        options: list[tuple[str, OrderLineRequest]] = []
        if nearest is not None:
            collect = CollectFulfilment(location_id=nearest[0])
            options.append(
                (
                    ELSEWHERE,
                    OrderLineRequest(sku=sku, quantity=quantity, fulfilment=collect),
                )
            )
        if stand_in is not None:
            deliver = DeliverFulfilment(address=stand_in)
            options.append(
                (
                    DELIVER,
                    OrderLineRequest(sku=sku, quantity=quantity, fulfilment=deliver),
                )
            )
        if len(options) < 2:
            return None
        try:
            quote = await self._session.quote_lines([line for _m, line in options])
        except OmsError:
            return None
        dates: list[tuple[date, int, str]] = []
        for order, ((method, _line), quoted) in enumerate(
            zip(options, quote.lines, strict=True)
        ):
            earliest = [a.earliest_date for a in quoted.allocations if a.earliest_date]
            if quoted.fulfillable and earliest:
                dates.append((max(earliest), order, method))
        return min(dates)[2] if dates else None
