"""Catalogue and stock snapshots, each step inside the caller's transaction."""

from __future__ import annotations

import json
import logging
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, or_, select
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from offline_store import validate
from offline_store.errors import InvalidInputError
from offline_store.schema import product_cache, stock_cache

logger = logging.getLogger(__name__)

MAX_SEARCH_LIMIT = 200
MAX_QUERY_LENGTH = 100


# TODO: prune old snapshots (products and stock older than some weeks); the
# caches only grow today, which is fine for one store's catalogue.
def put_products(
    conn: Connection, products: list[dict[str, Any]], fetched_at: datetime
) -> int:
    """Insert or refresh products (each a dict with ``sku`` and ``name``)."""
    rows = []
    for product in products:
        if not isinstance(product, dict):
            raise InvalidInputError(f"a cached product is a dict: {type(product)}")
        rows.append(
            {
                "sku": validate.sku(product.get("sku")),
                "name": validate.name(product.get("name")),
                "payload": validate.json_object(product, "a cached product"),
                "fetched_at": fetched_at,
            }
        )
    if not rows:
        return 0

    statement = sqlite_insert(product_cache)
    conn.execute(
        statement.on_conflict_do_update(
            index_elements=[product_cache.c.sku],
            set_={
                "name": statement.excluded.name,
                "payload": statement.excluded.payload,
                "fetched_at": statement.excluded.fetched_at,
            },
        ),
        rows,
    )
    return len(rows)


def get_product(conn: Connection, sku: str) -> dict[str, Any] | None:
    """The cached product dict, or ``None``."""
    payload = conn.execute(
        select(product_cache.c.payload).where(product_cache.c.sku == sku)
    ).scalar_one_or_none()
    return json.loads(payload) if payload is not None else None


def search_products(conn: Connection, q: str, limit: int) -> list[dict[str, Any]]:
    """Cached products whose name or SKU contains ``q`` (case-insensitive)."""
    if not isinstance(q, str) or len(q) > MAX_QUERY_LENGTH:
        raise InvalidInputError(f"a search is text of at most {MAX_QUERY_LENGTH}")
    if isinstance(limit, bool) or not isinstance(limit, int):
        raise InvalidInputError(f"a search limit is a whole number: {limit!r}")
    if not 1 <= limit <= MAX_SEARCH_LIMIT:
        raise InvalidInputError(f"a search limit is 1 to {MAX_SEARCH_LIMIT}: {limit}")

    pattern = "%" + _escape_like(q.strip()) + "%"
    payloads = conn.execute(
        select(product_cache.c.payload)
        .where(
            or_(
                product_cache.c.name.ilike(pattern, escape="\\"),
                product_cache.c.sku.ilike(pattern, escape="\\"),
            )
        )
        .order_by(product_cache.c.name, product_cache.c.sku)
        .limit(limit)
    ).scalars()
    return [json.loads(payload) for payload in payloads]


def put_stock(
    conn: Connection,
    sku: str,
    scope: str,
    levels: list[dict[str, Any]],
    fetched_at: datetime,
) -> None:
    """Replace the snapshot of one SKU in one scope."""
    if not isinstance(levels, list) or not all(isinstance(x, dict) for x in levels):
        raise InvalidInputError("stock levels are a list of dicts")
    levels_json = validate.json_text(levels, "stock levels")

    statement = sqlite_insert(stock_cache).values(
        sku=sku, scope=scope, levels=levels_json, fetched_at=fetched_at
    )
    conn.execute(
        statement.on_conflict_do_update(
            index_elements=[stock_cache.c.sku, stock_cache.c.scope],
            set_={"levels": levels_json, "fetched_at": fetched_at},
        )
    )


def get_stock(
    conn: Connection, sku: str, scope: str
) -> tuple[list[dict[str, Any]], datetime] | None:
    """The last snapshot and when it was fetched, or ``None``."""
    row = conn.execute(
        select(stock_cache.c.levels, stock_cache.c.fetched_at)
        .where(stock_cache.c.sku == sku)
        .where(stock_cache.c.scope == scope)
    ).one_or_none()
    if row is None:
        return None
    return json.loads(row.levels), row.fetched_at


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
