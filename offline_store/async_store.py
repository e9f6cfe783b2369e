"""The device store for the app's asyncio loop.

Every call runs on one dedicated thread, so the database has a single
writer and the Qt thread never waits on the disk.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

from offline_store.models import Basket, OutboxEntry, OutboxState
from offline_store.store import DeviceStore

logger = logging.getLogger(__name__)

P = ParamSpec("P")
R = TypeVar("R")


class AsyncDeviceStore:
    """The calls of :class:`DeviceStore` as coroutines on one thread."""

    def __init__(
        self, store: DeviceStore, *, executor: ThreadPoolExecutor | None = None
    ) -> None:
        self.store = store
        self._executor = executor or ThreadPoolExecutor(
            max_workers=1, thread_name_prefix="device-store"
        )

    @classmethod
    async def open(cls, path: Path | str | None = None) -> AsyncDeviceStore:
        """Open (or create) the device database without blocking the loop."""
        executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="device-store")
        loop = asyncio.get_running_loop()
        try:
            store = await loop.run_in_executor(executor, DeviceStore, path)
        except BaseException:
            executor.shutdown(wait=False)
            raise
        return cls(store, executor=executor)

    async def aclose(self) -> None:
        """Finish queued calls, then close the database."""
        await self._run(self.store.close)
        self._executor.shutdown(wait=True)

    async def __aenter__(self) -> AsyncDeviceStore:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    # -- basket -------------------------------------------------------------

    async def current_basket(self) -> Basket:
        """See :meth:`DeviceStore.current_basket`."""
        return await self._run(self.store.current_basket)

    async def add_item(
        self, sku: str, name: str, unit_price: int, currency: str, quantity: int = 1
    ) -> Basket:
        """See :meth:`DeviceStore.add_item`."""
        return await self._run(
            self.store.add_item, sku, name, unit_price, currency, quantity
        )

    async def set_quantity(self, sku: str, quantity: int) -> Basket:
        """See :meth:`DeviceStore.set_quantity`."""
        return await self._run(self.store.set_quantity, sku, quantity)

    async def remove_item(self, sku: str) -> Basket:
        """See :meth:`DeviceStore.remove_item`."""
        return await self._run(self.store.remove_item, sku)

    async def clear_basket(self) -> Basket:
        """See :meth:`DeviceStore.clear_basket`."""
        return await self._run(self.store.clear_basket)

    async def submit_basket(
        self, order_id: uuid.UUID, payload: dict[str, Any]
    ) -> OutboxEntry:
        """See :meth:`DeviceStore.submit_basket`."""
        return await self._run(self.store.submit_basket, order_id, payload)

    async def basket_for_order(self, order_id: uuid.UUID) -> Basket | None:
        """See :meth:`DeviceStore.basket_for_order`."""
        return await self._run(self.store.basket_for_order, order_id)

    # -- outbox -------------------------------------------------------------

    async def claim_due(
        self, now: datetime, *, worker_id: str, lease_seconds: float
    ) -> OutboxEntry | None:
        """See :meth:`DeviceStore.claim_due`."""
        return await self._run(
            self.store.claim_due,
            now,
            worker_id=worker_id,
            lease_seconds=lease_seconds,
        )

    async def claim_due_batch(
        self, now: datetime, *, worker_id: str, lease_seconds: float, limit: int
    ) -> list[OutboxEntry]:
        """See :meth:`DeviceStore.claim_due_batch`."""
        return await self._run(
            self.store.claim_due_batch,
            now,
            worker_id=worker_id,
            lease_seconds=lease_seconds,
            limit=limit,
        )

    async def release_claims(
        self, order_ids: list[uuid.UUID], *, worker_id: str
    ) -> int:
        """See :meth:`DeviceStore.release_claims`."""
        return await self._run(
            self.store.release_claims, order_ids, worker_id=worker_id
        )

    async def next_due_at(self) -> datetime | None:
        """See :meth:`DeviceStore.next_due_at`."""
        return await self._run(self.store.next_due_at)

    async def get_entry(self, order_id: uuid.UUID) -> OutboxEntry:
        """See :meth:`DeviceStore.get_entry`."""
        return await self._run(self.store.get_entry, order_id)

    async def record_accepted(
        self, order_id: uuid.UUID, answer: dict[str, Any]
    ) -> OutboxEntry:
        """See :meth:`DeviceStore.record_accepted`."""
        return await self._run(self.store.record_accepted, order_id, answer)

    async def record_retry(
        self,
        order_id: uuid.UUID,
        error: str,
        next_attempt_at: datetime,
        *,
        worker_id: str | None = None,
    ) -> OutboxEntry:
        """See :meth:`DeviceStore.record_retry`."""
        return await self._run(
            self.store.record_retry,
            order_id,
            error,
            next_attempt_at,
            worker_id=worker_id,
        )

    async def record_parked(
        self, order_id: uuid.UUID, error: str, *, worker_id: str | None = None
    ) -> OutboxEntry:
        """See :meth:`DeviceStore.record_parked`."""
        return await self._run(
            self.store.record_parked, order_id, error, worker_id=worker_id
        )

    async def requeue(self, order_id: uuid.UUID) -> OutboxEntry:
        """See :meth:`DeviceStore.requeue`."""
        return await self._run(self.store.requeue, order_id)

    async def outbox_summary(self) -> dict[OutboxState, int]:
        """See :meth:`DeviceStore.outbox_summary`."""
        return await self._run(self.store.outbox_summary)

    async def entries(self, state: OutboxState | None = None) -> list[OutboxEntry]:
        """See :meth:`DeviceStore.entries`."""
        return await self._run(self.store.entries, state)

    # -- caches -------------------------------------------------------------

    async def cache_products(
        self, products: list[dict[str, Any]], fetched_at: datetime
    ) -> int:
        """See :meth:`DeviceStore.cache_products`."""
        return await self._run(self.store.cache_products, products, fetched_at)

    async def cached_product(self, sku: str) -> dict[str, Any] | None:
        """See :meth:`DeviceStore.cached_product`."""
        return await self._run(self.store.cached_product, sku)

    async def search_cached_products(
        self, q: str, limit: int = 20
    ) -> list[dict[str, Any]]:
        """See :meth:`DeviceStore.search_cached_products`."""
        return await self._run(self.store.search_cached_products, q, limit)

    async def cache_stock(
        self,
        sku: str,
        scope: str,
        levels: list[dict[str, Any]],
        fetched_at: datetime,
    ) -> None:
        """See :meth:`DeviceStore.cache_stock`."""
        await self._run(self.store.cache_stock, sku, scope, levels, fetched_at)

    async def cached_stock(
        self, sku: str, scope: str
    ) -> tuple[list[dict[str, Any]], datetime] | None:
        """See :meth:`DeviceStore.cached_stock`."""
        return await self._run(self.store.cached_stock, sku, scope)

    # -- plumbing -----------------------------------------------------------

    async def _run(self, func: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
        loop = asyncio.get_running_loop()
        call = functools.partial(func, *args, **kwargs)
        return await loop.run_in_executor(self._executor, call)
