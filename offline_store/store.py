"""The device database: baskets, outbox and caches in one SQLite file.

Durability: the file runs in WAL mode with ``synchronous=FULL``, so a write
that returned has reached the disk and survives a killed process. Every
write transaction starts with ``BEGIN IMMEDIATE``: it takes the write lock
up front and waits ``busy_timeout`` for it, instead of failing half way
when another connection (or process) writes at the same time.

The API is synchronous; the app calls it from one worker thread (see
:class:`offline_store.async_store.AsyncDeviceStore`), never the Qt thread.
Each public method is one transaction.
"""

from __future__ import annotations

import logging
import sqlite3
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event

from offline_store import basket_ops, cache_ops, outbox_ops, validate
from offline_store.errors import InvalidInputError
from offline_store.models import Basket, OutboxEntry, OutboxState
from offline_store.paths import default_device_db_path
from offline_store.schema import metadata

logger = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 5_000
# The most rows one claim may lease (see DeviceStore.claim_due_batch).
MAX_CLAIM_BATCH = 500


def utc_now() -> datetime:
    """The current time, aware UTC."""
    return datetime.now(UTC)


class DeviceStore:
    """The device's own SQLite database.

    ``path`` defaults to :func:`default_device_db_path`; ``clock`` stamps
    rows (tests pass a fixed one).
    """

    def __init__(
        self,
        path: Path | str | None = None,
        *,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self.path = Path(path) if path is not None else default_device_db_path()
        self._clock = clock
        self._engine = _make_engine(self.path)
        with self._engine.begin() as conn:
            # TODO: version the schema (PRAGMA user_version) before its first
            # change; create_all only adds missing tables, never columns.
            metadata.create_all(conn)
        logger.debug("device store opened")

    def close(self) -> None:
        """Close every connection to the file."""
        self._engine.dispose()

    # -- basket -------------------------------------------------------------

    def current_basket(self) -> Basket:
        """The open basket, created empty if there is none."""
        with self._transaction() as conn:
            now = self._now()
            return basket_ops.load(conn, basket_ops.open_basket_id(conn, now))

    def add_item(
        self, sku: str, name: str, unit_price: int, currency: str, quantity: int = 1
    ) -> Basket:
        """Add an item to the open basket, merging by SKU.

        Raises :class:`~offline_store.errors.CurrencyMismatchError` when the
        basket already holds items in another currency.
        """
        values = {
            "sku": validate.sku(sku),
            "name": validate.name(name),
            "unit_price": validate.unit_price(unit_price),
            "currency": validate.currency(currency),
            "quantity": validate.quantity(quantity),
        }
        with self._transaction() as conn:
            return basket_ops.add_item(conn, self._now(), **values)

    def set_quantity(self, sku: str, quantity: int) -> Basket:
        """Set the quantity of a line; 0 removes the line."""
        sku = validate.sku(sku)
        quantity = validate.quantity(quantity, allow_zero=True)
        with self._transaction() as conn:
            return basket_ops.set_quantity(conn, self._now(), sku, quantity)

    def remove_item(self, sku: str) -> Basket:
        """Remove the line of a SKU (nothing happens if it is absent)."""
        sku = validate.sku(sku)
        with self._transaction() as conn:
            return basket_ops.remove_item(conn, self._now(), sku)

    def clear_basket(self) -> Basket:
        """Empty the open basket."""
        with self._transaction() as conn:
            return basket_ops.clear(conn, self._now())

    def submit_basket(
        self, order_id: uuid.UUID, payload: dict[str, Any]
    ) -> OutboxEntry:
        """Queue the order and close the open basket, both or neither.

        ``payload`` is the order request as JSON-ready data. Raises
        :class:`~offline_store.errors.EmptyBasketError` for an empty basket and
        :class:`~offline_store.errors.DuplicateOrderError` for a reused id.
        """
        order_id = validate.order_id(order_id)
        payload_json = validate.json_object(payload, "the order payload")
        with self._transaction() as conn:
            now = self._now()
            entry = outbox_ops.insert_entry(conn, now, order_id, payload_json)
            basket_ops.close_for_order(conn, now, order_id)
        logger.info("order queued in the outbox")
        return entry

    def basket_for_order(self, order_id: uuid.UUID) -> Basket | None:
        """The submitted basket linked to ``order_id``, if any."""
        order_id = validate.order_id(order_id)
        with self._transaction() as conn:
            return basket_ops.load_for_order(conn, order_id)

    # -- outbox -------------------------------------------------------------

    def claim_due(
        self, now: datetime, *, worker_id: str, lease_seconds: float
    ) -> OutboxEntry | None:
        """Lease the oldest due pending row to ``worker_id`` (or ``None``).

        Each claim counts as one attempt.
        """
        now = validate.aware(now, "now")
        worker_id = validate.worker_id(worker_id)
        if not 0 < lease_seconds <= 3600:
            raise InvalidInputError(f"a lease is 0 to 3600 s: {lease_seconds}")
        with self._transaction() as conn:
            return outbox_ops.claim_due(conn, now, worker_id, lease_seconds)

    def claim_due_batch(
        self, now: datetime, *, worker_id: str, lease_seconds: float, limit: int
    ) -> list[OutboxEntry]:
        """Lease up to ``limit`` due rows to ``worker_id`` in one commit.

        The rows come in the order they are to be sent; each claim counts as
        one attempt, which :meth:`release_claims` takes back for a row not
        sent.
        """
        now = validate.aware(now, "now")
        worker_id = validate.worker_id(worker_id)
        if not 0 < lease_seconds <= 3600:
            raise InvalidInputError(f"a lease is 0 to 3600 s: {lease_seconds}")
        if not 1 <= limit <= MAX_CLAIM_BATCH:
            raise InvalidInputError(f"a batch is 1 to {MAX_CLAIM_BATCH} rows: {limit}")
        with self._transaction() as conn:
            return outbox_ops.claim_batch(conn, now, worker_id, lease_seconds, limit)

    def release_claims(self, order_ids: list[uuid.UUID], *, worker_id: str) -> int:
        """Give back ``worker_id``'s leases of rows it did not send; rows released."""
        ids = [validate.order_id(order_id) for order_id in order_ids]
        worker_id = validate.worker_id(worker_id)
        with self._transaction() as conn:
            return outbox_ops.release(conn, ids, worker_id)

    def next_due_at(self) -> datetime | None:
        """When the next pending row becomes claimable, or ``None``."""
        with self._transaction() as conn:
            return outbox_ops.next_due_at(conn)

    def get_entry(self, order_id: uuid.UUID) -> OutboxEntry:
        """One outbox row; raises :class:`~offline_store.errors.UnknownOrderError`."""
        order_id = validate.order_id(order_id)
        with self._transaction() as conn:
            return outbox_ops.get(conn, order_id)

    def record_accepted(
        self, order_id: uuid.UUID, answer: dict[str, Any]
    ) -> OutboxEntry:
        """Store the engine's answer and mark the row accepted, atomically."""
        order_id = validate.order_id(order_id)
        answer_json = validate.json_object(answer, "the engine's answer")
        with self._transaction() as conn:
            entry = outbox_ops.record_accepted(conn, self._now(), order_id, answer_json)
        logger.info("order accepted by the engine")
        return entry

    def record_retry(
        self,
        order_id: uuid.UUID,
        error: str,
        next_attempt_at: datetime,
        *,
        worker_id: str | None = None,
    ) -> OutboxEntry:
        """Release the row and schedule its next attempt.

        With ``worker_id`` it raises
        :class:`~offline_store.errors.LeaseLostError` unless that worker
        still holds the row.
        """
        order_id = validate.order_id(order_id)
        error = validate.error_text(error)
        next_attempt_at = validate.aware(next_attempt_at, "next_attempt_at")
        if worker_id is not None:
            worker_id = validate.worker_id(worker_id)
        with self._transaction() as conn:
            return outbox_ops.record_retry(
                conn, order_id, error, next_attempt_at, worker_id
            )

    def record_parked(
        self, order_id: uuid.UUID, error: str, *, worker_id: str | None = None
    ) -> OutboxEntry:
        """Set the row aside for a person to resolve (``worker_id``: as above)."""
        order_id = validate.order_id(order_id)
        error = validate.error_text(error)
        if worker_id is not None:
            worker_id = validate.worker_id(worker_id)
        with self._transaction() as conn:
            entry = outbox_ops.record_parked(conn, order_id, error, worker_id)
        logger.warning("order parked in the outbox, it needs a person")
        return entry

    def requeue(self, order_id: uuid.UUID) -> OutboxEntry:
        """Put a parked row back in the queue (a person resolved it)."""
        order_id = validate.order_id(order_id)
        with self._transaction() as conn:
            return outbox_ops.requeue(conn, order_id)

    def outbox_summary(self) -> dict[OutboxState, int]:
        """Number of rows per state (every state present)."""
        with self._transaction() as conn:
            return outbox_ops.summary(conn)

    def entries(self, state: OutboxState | None = None) -> list[OutboxEntry]:
        """Outbox rows, oldest first, optionally of one state."""
        if state is not None:
            state = OutboxState(state)
        with self._transaction() as conn:
            return outbox_ops.entries(conn, state)

    # -- caches -------------------------------------------------------------

    def cache_products(
        self, products: list[dict[str, Any]], fetched_at: datetime
    ) -> int:
        """Insert or refresh product dicts (``sku`` and ``name`` required)."""
        fetched_at = validate.aware(fetched_at, "fetched_at")
        with self._transaction() as conn:
            return cache_ops.put_products(conn, products, fetched_at)

    def cached_product(self, sku: str) -> dict[str, Any] | None:
        """The cached product dict of ``sku``, or ``None``."""
        sku = validate.sku(sku)
        with self._transaction() as conn:
            return cache_ops.get_product(conn, sku)

    def search_cached_products(self, q: str, limit: int = 20) -> list[dict[str, Any]]:
        """Cached products whose name or SKU contains ``q``."""
        with self._transaction() as conn:
            return cache_ops.search_products(conn, q, limit)

    def cache_stock(
        self,
        sku: str,
        scope: str,
        levels: list[dict[str, Any]],
        fetched_at: datetime,
    ) -> None:
        """Replace the stock snapshot of ``sku`` in ``scope``."""
        sku = validate.sku(sku)
        scope = validate.scope(scope)
        fetched_at = validate.aware(fetched_at, "fetched_at")
        with self._transaction() as conn:
            cache_ops.put_stock(conn, sku, scope, levels, fetched_at)

    def cached_stock(
        self, sku: str, scope: str
    ) -> tuple[list[dict[str, Any]], datetime] | None:
        """The last stock snapshot and its fetch time, or ``None``."""
        sku = validate.sku(sku)
        scope = validate.scope(scope)
        with self._transaction() as conn:
            return cache_ops.get_stock(conn, sku, scope)

    # -- plumbing -----------------------------------------------------------

    def _now(self) -> datetime:
        return validate.aware(self._clock(), "the store clock")

    @contextmanager
    def _transaction(self) -> Iterator[Connection]:
        with self._engine.begin() as conn:
            yield conn


def _make_engine(path: Path) -> Engine:
    """An engine whose connections are durable and take the lock up front."""
    path.parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        f"sqlite:///{path}",
        connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000},
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: sqlite3.Connection, _record: object) -> None:
        # Let SQLAlchemy's "begin" below own the transaction boundaries.
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = FULL")
            cursor.execute("PRAGMA foreign_keys = ON")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine
