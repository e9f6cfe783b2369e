"""What the application provides to the bridge."""

from __future__ import annotations

from typing import Protocol

from bridge.messages import BasketView, StockView


class BridgeHost(Protocol):
    """The application side of the bridge.

    Each method is awaited on the application's asyncio loop. To refuse a
    call with a message for the page (an unknown SKU, a closed basket),
    raise ``bridge.messages.BridgeRefusedError``; any other exception becomes a
    generic error for the page and is logged.
    """

    async def add_to_basket(self, sku: str, quantity: int) -> BasketView:
        """Add ``quantity`` of ``sku`` to the open basket and return it."""
        ...

    async def get_stock(self, sku: str) -> StockView:
        """Stock of ``sku`` here and in nearby locations."""
        ...

    async def get_basket(self) -> BasketView:
        """The open basket."""
        ...
