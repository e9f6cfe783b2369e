"""Stock here and nearby, live from the engine or the last snapshot.

A figure shown offline always carries its age and is never presented as
live: :class:`StockSnapshot` says which it is.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import UTC, datetime

from offline_store import AsyncDeviceStore
from oms_client import OmsClient, OmsNotFound, OmsUnreachable
from oms_client.models import Location, StockLevel

logger = logging.getLogger(__name__)

NEARBY_LIMIT = 8


@dataclass(frozen=True)
class StockSnapshot:
    """Stock of one SKU as the associate sees it.

    ``live`` is false when the figures come from the device's cache;
    ``as_of`` is when they were fetched from the engine.
    """

    sku: str
    here: tuple[StockLevel, ...]
    nearby: tuple[StockLevel, ...]
    as_of: datetime
    live: bool

    @property
    def here_atp(self) -> int:
        """Available to promise at the device's own store."""
        return sum(level.atp for level in self.here)


class StockLookup:
    """Asks the engine for stock and keeps the answer for offline use."""

    def __init__(
        self, client: OmsClient, store: AsyncDeviceStore, home: Location
    ) -> None:
        self._client = client
        self._store = store
        self._home = home

    async def lookup(self, sku: str) -> StockSnapshot:
        """Live stock, or the cached snapshot when the engine is away."""
        try:
            here, nearby = await asyncio.gather(
                self._client.stock_at(sku, self._home.id),
                self._client.stock_nearby(
                    sku, lat=self._home.lat, lon=self._home.lon, limit=NEARBY_LIMIT + 1
                ),
            )
        except OmsNotFound:
            here, nearby = [], []
        except OmsUnreachable:
            return await self._cached(sku)

        nearby = [lvl for lvl in nearby if lvl.location_id != self._home.id]
        fetched_at = datetime.now(UTC)
        await self._store.cache_stock(
            sku,
            self._scope,
            [lvl.model_dump(mode="json") for lvl in here + nearby],
            fetched_at,
        )
        return StockSnapshot(
            sku, tuple(here), tuple(nearby[:NEARBY_LIMIT]), fetched_at, live=True
        )

    async def cached(self, sku: str) -> StockSnapshot:
        """The device's last snapshot of ``sku``, without asking the engine."""
        return await self._cached(sku)

    @property
    def _scope(self) -> str:
        return f"home:{self._home.id}"

    async def _cached(self, sku: str) -> StockSnapshot:
        cached = await self._store.cached_stock(sku, self._scope)
        if cached is None:
            return StockSnapshot(sku, (), (), datetime.now(UTC), live=False)

        rows, fetched_at = cached
        levels = [StockLevel.model_validate(row) for row in rows]
        here = tuple(lvl for lvl in levels if lvl.location_id == self._home.id)
        nearby = tuple(lvl for lvl in levels if lvl.location_id != self._home.id)
        return StockSnapshot(sku, here, nearby[:NEARBY_LIMIT], fetched_at, live=False)
