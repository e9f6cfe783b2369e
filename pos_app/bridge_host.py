"""The page's view of the till session: what ``window.openAisle`` reaches."""

from __future__ import annotations

import asyncio
import logging

from bridge.messages import (
    BasketLineView,
    BasketView,
    BridgeRefusal,
    ErrorCode,
    MoneyView,
    StockEntryView,
    StockView,
)
from offline_store import Basket
from pos_app.background import BackgroundTasks
from pos_app.session import SessionError, TillSession
from pos_app.stock_lookup import StockSnapshot

logger = logging.getLogger(__name__)

# How long an add waits before the stock panel follows it (see below).
SHOW_DELAY_SECONDS = 0.15


class SessionBridgeHost:
    """:class:`bridge.host.BridgeHost` answered by a :class:`TillSession`.

    The page's ``addToBasket`` is answered as soon as the basket is written
    and the basket panel redrawn. Showing the product and its stock is one
    more catalogue call and a stock lookup: with ``tasks`` given, that runs
    in the background, the newest add replacing one still in flight, so the
    page never waits for the stock panel. The background step starts after
    :data:`SHOW_DELAY_SECONDS`, so a burst of adds (a page adding a whole
    list) looks up stock once, for the last product, instead of competing
    with its own adds for the engine.
    """

    def __init__(
        self, session: TillSession, tasks: BackgroundTasks | None = None
    ) -> None:
        self._session = session
        self._tasks = tasks
        self._showing: asyncio.Task[None] | None = None

    async def add_to_basket(self, sku: str, quantity: int) -> BasketView:
        """Add to the device's basket; an unknown SKU is refused for the page."""
        try:
            basket = await self._session.add_to_basket(sku, quantity)
        except SessionError as exc:
            raise BridgeRefusal(ErrorCode.REFUSED, str(exc)) from exc

        if self._tasks is None:
            await self._show(sku)
        else:
            if self._showing is not None:
                self._showing.cancel()
            self._showing = self._tasks.spawn(
                self._show(sku, SHOW_DELAY_SECONDS), "Showing the product added"
            )
        return basket_view(basket)

    async def _show(self, sku: str, delay: float = 0.0) -> None:
        if delay:
            await asyncio.sleep(delay)
        product = await self._session.find_product(sku)
        if product is not None:
            await self._session.show_product(product)

    async def get_stock(self, sku: str) -> StockView:
        """Stock here and nearby, marked stale when it is a cached snapshot."""
        return stock_view(await self._session.lookup_stock(sku))

    async def get_basket(self) -> BasketView:
        """The open basket."""
        return basket_view(await self._session.basket())


def basket_view(basket: Basket) -> BasketView:
    """The page's copy of a basket."""
    currency = basket.currency or "GBP"
    return BasketView(
        lines=[
            BasketLineView(
                sku=line.sku,
                name=line.name,
                quantity=line.quantity,
                unit_price=MoneyView(amount=line.unit_price, currency=line.currency),
                line_total=MoneyView(amount=line.line_total, currency=line.currency),
            )
            for line in basket.lines
        ],
        total=MoneyView(amount=basket.total, currency=currency),
        count=basket.item_count,
    )


def stock_view(snapshot: StockSnapshot) -> StockView:
    """The page's copy of a stock snapshot."""

    def entries(levels) -> list[StockEntryView]:
        return [
            StockEntryView(
                location_id=level.location_id,
                name=level.name,
                kind=str(level.kind),
                distance_km=level.distance_km,
                atp=level.atp,
            )
            for level in levels
        ]

    return StockView(
        here=entries(snapshot.here),
        nearby=entries(snapshot.nearby),
        stale=not snapshot.live,
        as_of=snapshot.as_of,
    )
