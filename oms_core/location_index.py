"""What a search needs to know about the network before it asks for stock.

Three facts change slowly: how many locations lie in each grid cell, which
locations are not stores (distribution centres, warehouses, dark stores,
suppliers: few, and always worth asking), and how many locations stock
each SKU. Each engine keeps them for :data:`MAX_AGE` seconds and reads them
again after that. They only steer a search (how wide to start, which few
centres to add), so a stale copy costs a wider query, never a wrong answer.
"""

from __future__ import annotations

import logging
import threading
import time
import weakref
from collections.abc import Collection
from dataclasses import dataclass, field
from itertools import accumulate

from sqlalchemy import (
    ColumnElement,
    Connection,
    Engine,
    any_,
    bindparam,
    func,
    select,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.types import String

from oms_core import geo
from oms_core.api_models import LocationKind
from oms_core.db.schema import locations, stock

logger = logging.getLogger(__name__)

MAX_AGE = 60.0


@dataclass(slots=True)
class LocationIndex:
    """Locations per grid cell, the non-store ids and stockists per SKU.

    ``rows`` holds, for each grid row with a location, the running total
    of locations along its columns, so a box is counted row by row.
    """

    rows: dict[int, list[int]]
    total: int
    centres: tuple[str, ...]
    read_at: float
    stockists: dict[str, int] = field(default_factory=dict)

    def estimate(self, box: geo.Box) -> float:
        """About how many locations lie inside the box.

        The locations of the cells it touches, scaled down by the share of
        those cells' area the box covers.
        """
        if box.south <= -90.0 and box.north >= 90.0 and box.all_longitudes:
            return float(self.total)
        counted = cells = 0
        for row, first, last in geo.box_spans(box):
            cells += last - first + 1
            running = self.rows.get(row)
            if running is not None:
                counted += running[last + 1] - running[first]
        width = sum(east - west for west, east in box.lon_ranges())
        share = (box.north - box.south) * width / (cells * geo.CELL_DEGREES**2)
        return counted * min(1.0, share)


_INDEXES: weakref.WeakKeyDictionary[Engine, LocationIndex] = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()


def index_of(connection: Connection) -> LocationIndex:
    """The engine's location index, read again when older than :data:`MAX_AGE`."""
    engine = connection.engine
    found = _INDEXES.get(engine)
    if found is not None and time.monotonic() - found.read_at < MAX_AGE:
        return found

    per_row: dict[int, list[int]] = {}
    total = 0
    for cell, count in connection.execute(
        select(locations.c.cell, func.count()).group_by(locations.c.cell)
    ):
        if cell is None:
            continue
        row, column = divmod(cell, geo.CELL_COLUMNS)
        per_row.setdefault(row, [0] * geo.CELL_COLUMNS)[column] += count
        total += count
    centres = tuple(
        connection.scalars(
            select(locations.c.id)
            .where(locations.c.kind != LocationKind.STORE.value)
            .order_by(locations.c.id)
        )
    )
    rows = {row: [0, *accumulate(counts)] for row, counts in per_row.items()}
    fresh = LocationIndex(rows, total, centres, time.monotonic())
    with _LOCK:
        _INDEXES[engine] = fresh
    logger.debug("location index read: %d rows, %d centres", len(rows), len(centres))
    return fresh


def stockists(
    connection: Connection, index: LocationIndex, skus: Collection[str]
) -> dict[str, int]:
    """How many locations have a stock row of each SKU (held or not)."""
    missing = [sku for sku in skus if sku not in index.stockists]
    if missing:
        counted = dict.fromkeys(missing, 0)
        counted.update(
            connection.execute(
                select(stock.c.sku, func.count())
                .where(one_of(connection, stock.c.sku, missing, "skus"))
                .group_by(stock.c.sku)
            ).all()
        )
        with _LOCK:
            index.stockists.update(counted)
    return {sku: index.stockists[sku] for sku in skus}


def forget(engine: Engine) -> None:
    """Drop the engine's index (after locations were added or changed kind)."""
    with _LOCK:
        _INDEXES.pop(engine, None)


def one_of(
    connection: Connection, column: ColumnElement, values: Collection[str], name: str
) -> ColumnElement:
    """``column IN values``, as one array parameter on PostgreSQL.

    One parameter keeps the statement's text the same whatever the number
    of values, so the server can keep it prepared.
    """
    listed = sorted(values)
    if connection.dialect.name == "postgresql":
        return column == any_(bindparam(name, listed, type_=ARRAY(String)))
    return column.in_(listed)
