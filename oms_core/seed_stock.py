"""Writing the seeded stock pool: 800,000 rows in seconds.

The rows of :func:`oms_core.stock_rule.seeded_rows` go to the database
through the driver's own ``executemany`` with every value already in the
form the driver takes: each row's count time is one of the
:data:`COUNT_SPREAD_MINUTES` times before the seed, rendered once, not
converted row by row. The rows come in the order of the stock table's key,
and the table's secondary indexes are dropped for the load and built again
after it from the full table, so both end up densely packed.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime, timedelta
from itertools import islice
from typing import Any

from sqlalchemy import Connection

from oms_core import stock_rule
from oms_core.db import schema
from oms_core.locations import LocationRecord

logger = logging.getLogger(__name__)

# Seeded stock counts are spread over the three days before the seed.
COUNT_SPREAD_MINUTES = 72 * 60
CHUNK_ROWS = 50_000
# SQLite's page cache for the load (KiB, as a negative cache_size): the
# secondary index is sorted in it when it is built again.
_SQLITE_CACHE_KIB = 64 * 1024


def count_age_minutes(sku: str, location_id: str) -> int:
    """How many minutes before the seed the pair was last counted.

    The last bits of the pair's hash (see
    :func:`oms_core.stock_rule.seeded_rows`), spread evenly over
    :data:`COUNT_SPREAD_MINUTES`: stable, and apart from the pair's range and
    quantity draws, which come from the leading bits.
    """
    return stock_rule.pair_hash(sku, location_id) % COUNT_SPREAD_MINUTES


def counted_at(now: datetime, sku: str, location_id: str) -> datetime:
    """When a seeded stock row was last counted: a stable time before ``now``."""
    return now - timedelta(minutes=count_age_minutes(sku, location_id))


def write_seeded_stock(
    connection: Connection,
    units_sold: dict[str, int],
    places: Sequence[LocationRecord],
    now: datetime,
) -> int:
    """Insert the seeded stock of ``places`` in the open transaction; rows written."""
    dialect = connection.dialect
    if dialect.name == "sqlite":
        connection.exec_driver_sql(f"PRAGMA cache_size=-{_SQLITE_CACHE_KIB}")
    indexes = _secondary_indexes(connection)
    for index in indexes:
        index.drop(connection)

    rows = _driver_rows(connection, stock_rule.seeded_rows(units_sold, places), now)
    if dialect.name == "postgresql":
        written = _copy_rows(connection, rows)
    else:
        written = _insert_rows(connection, rows)

    for index in indexes:
        index.create(connection)
    logger.info("wrote %d seeded stock rows", written)
    return written


def _secondary_indexes(connection: Connection) -> list[Any]:
    """The stock table's indexes in the schema that the database holds."""
    present = {
        row[0]
        for row in connection.exec_driver_sql(_INDEX_NAMES[connection.dialect.name])
    }
    return [index for index in schema.stock.indexes if index.name in present]


_INDEX_NAMES = {
    "sqlite": "SELECT name FROM sqlite_master WHERE type = 'index' "
    "AND tbl_name = 'stock'",
    "postgresql": "SELECT indexname FROM pg_indexes WHERE tablename = 'stock' "
    "AND schemaname = current_schema()",
}


_COLUMNS = "(sku, location_id, on_hand, buffer, confirmed_at, reserved, in_transit)"
_INSERT = f"INSERT INTO stock {_COLUMNS} VALUES (?, ?, ?, ?, ?, 0, 0)"  # noqa: S608
_COPY = f"COPY stock {_COLUMNS} FROM STDIN"


def _insert_rows(connection: Connection, rows: Iterable[tuple]) -> int:
    """SQLite: the driver's ``executemany``, a chunk at a time."""
    written = 0
    for chunk in _chunks(rows, CHUNK_ROWS):
        connection.exec_driver_sql(_INSERT, chunk)
        written += len(chunk)
    return written


def _copy_rows(connection: Connection, rows: Iterable[tuple]) -> int:
    """PostgreSQL: one ``COPY`` on the transaction's own connection."""
    written = 0
    driver = connection.connection.driver_connection
    with driver.cursor() as cursor, cursor.copy(_COPY) as copy:
        for row in rows:
            copy.write_row((*row, 0, 0))
            written += 1
    return written


def _driver_rows(
    connection: Connection,
    rows: Iterable[tuple[str, str, int, int, int]],
    now: datetime,
) -> Iterator[tuple[str, str, int, int, Any]]:
    """The rows with their count time in the driver's form."""
    dialect = connection.dialect
    render = schema.stock.c.confirmed_at.type.dialect_impl(dialect).bind_processor(
        dialect
    )
    spread = COUNT_SPREAD_MINUTES
    stamps = [now - timedelta(minutes=age) for age in range(spread)]
    if render is not None:
        stamps = [render(stamp) for stamp in stamps]

    for sku, location_id, on_hand, buffer, draw in rows:
        yield sku, location_id, on_hand, buffer, stamps[draw % spread]


def _chunks(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk
