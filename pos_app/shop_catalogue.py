"""The storefront's catalogue, answered by the order engine.

When the engine cannot be reached the shop still works from the products the
device has cached, so an associate can keep browsing and selling offline.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime

from offline_store import AsyncDeviceStore
from oms_client import OmsClient, OmsNotFound, OmsUnreachable
from oms_client.models import Product
from pos_app.storefront.catalogue import StoreProduct

logger = logging.getLogger(__name__)

MAX_RESULTS = 100


class EngineCatalogue:
    """:class:`pos_app.storefront.catalogue.StorefrontCatalogue` over the engine.

    ``seen`` is told of every product read live, so the till can add what
    the page shows without asking the engine again.
    """

    def __init__(
        self,
        client: OmsClient,
        store: AsyncDeviceStore,
        seen: Callable[[list[Product]], None] | None = None,
    ) -> None:
        self._client = client
        self._store = store
        self._seen = seen

    async def featured(self, limit: int) -> list[StoreProduct]:
        """The engine's best sellers (an empty query ranks by sales)."""
        products, _ = await self.search("", limit=limit, offset=0)
        return products

    async def search(
        self, q: str, *, limit: int, offset: int
    ) -> tuple[list[StoreProduct], int]:
        """One page of hits; the engine is asked for all pages up to this one."""
        wanted = min(MAX_RESULTS, offset + limit)
        try:
            products = await self._client.search_products(q, limit=wanted)
        except OmsUnreachable:
            rows = await self._store.search_cached_products(q, wanted)
            products = [Product.model_validate(row) for row in rows]
        else:
            await self._store.cache_products(
                [p.model_dump(mode="json") for p in products], datetime.now(UTC)
            )
            self._tell(products)
        shown = [_to_store_product(p) for p in products[offset : offset + limit]]
        return shown, len(products)

    async def product(self, sku: str) -> StoreProduct | None:
        """One product, live or from the cache."""
        try:
            product = await self._client.get_product(sku)
        except OmsNotFound:
            return None
        except OmsUnreachable:
            row = await self._store.cached_product(sku)
            return _to_store_product(Product.model_validate(row)) if row else None
        await self._store.cache_products(
            [product.model_dump(mode="json")], datetime.now(UTC)
        )
        self._tell([product])
        return _to_store_product(product)

    def _tell(self, products: list[Product]) -> None:
        if self._seen is not None and products:
            self._seen(products)


def _to_store_product(product: Product) -> StoreProduct:
    return StoreProduct(
        sku=product.sku,
        name=product.name,
        price_minor=product.price.amount,
        currency=product.price.currency,
        gtin=product.gtin,
    )
