"""Finding the locations that hold stock near a point, fast.

Near-me and sourcing both ask "which locations nearest to this point hold
ATP of this SKU?". Rather than read every holder, the query looks inside a
latitude/longitude box around the point and widens it (15 km, 60 km, ...)
until enough holders lie within the circle the box contains, so the answer
is exactly the nearest ones, whatever the network's size.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, Row, select

from oms_core import geo, network
from oms_core.api_models import LocationKind, LocationState
from oms_core.atp import atp_sql
from oms_core.db.inventory_schema import location_load
from oms_core.db.schema import locations, stock
from oms_core.sourcing import Node

logger = logging.getLogger(__name__)

# TODO: over the 25,597-location world network sourcing and near-me miss
# their latency targets; a spatial index (PostGIS or a geohash column) and
# one round trip per order would replace these widening boxes.
RADII_KM = (15.0, 60.0, 250.0, 1_000.0, 4_000.0, 20_100.0)
_KM_PER_DEGREE = 111.32

ATP = atp_sql(stock.c.on_hand, stock.c.reserved, stock.c.buffer)


@dataclass(frozen=True, slots=True)
class Holder:
    """A location holding ATP of a SKU, with its distance from the point."""

    distance_km: float
    row: Row


def _box(point: geo.Point, radius_km: float) -> tuple[float, float, float, float]:
    d_lat = radius_km / _KM_PER_DEGREE
    cos_lat = math.cos(math.radians(min(89.0, abs(point.lat) + d_lat)))
    d_lon = 180.0 if cos_lat <= 0 else radius_km / (_KM_PER_DEGREE * cos_lat)
    if d_lon >= 180.0:
        return point.lat - d_lat, point.lat + d_lat, -180.0, 180.0
    return point.lat - d_lat, point.lat + d_lat, point.lon - d_lon, point.lon + d_lon


def nearest_holders(
    connection: Connection,
    sku: str,
    point: geo.Point,
    limit: int,
    *,
    states: Collection[LocationState] = (LocationState.OPEN, LocationState.DARK),
    columns: Iterable = (),
) -> list[Holder]:
    """The ``limit`` locations nearest ``point`` with ATP of ``sku``, nearest first.

    Ties are broken by location id. ``columns`` adds selected columns.
    """
    found = nearest_holders_of(
        connection, [sku], point, limit, states=states, columns=columns
    )
    return found[sku]


def nearest_holders_of(
    connection: Connection,
    skus: Collection[str],
    point: geo.Point,
    limit: int,
    *,
    states: Collection[LocationState] = (LocationState.OPEN, LocationState.DARK),
    columns: Iterable = (),
) -> dict[str, list[Holder]]:
    """For each SKU, its ``limit`` nearest holders.

    One query per box size, asking only for the SKUs whose nearest holders
    are not all inside the circle of the previous box.
    """
    wanted = [s.value for s in states]
    found: dict[str, list[Holder]] = {}
    pending = sorted(set(skus))
    for radius in RADII_KM:
        if not pending:
            break
        south, north, west, east = _box(point, radius)
        statement = (
            select(
                locations.c.id,
                locations.c.lat,
                locations.c.lon,
                stock.c.sku,
                ATP.label("atp"),
                *columns,
            )
            .join(stock, stock.c.location_id == locations.c.id)
            .where(
                stock.c.sku.in_(pending),
                ATP > 0,
                locations.c.state.in_(wanted),
                locations.c.lat.between(south, north),
                locations.c.lon.between(west, east),
            )
        )
        batch: dict[str, list[Holder]] = {sku: [] for sku in pending}
        for row in connection.execute(statement):
            distance = geo.haversine_km(point, geo.Point(row.lat, row.lon))
            batch[row.sku].append(Holder(distance, row))
        found.update(batch)
        last = radius == RADII_KM[-1]
        pending = [
            sku
            for sku, holders in batch.items()
            if not last and sum(1 for h in holders if h.distance_km <= radius) < limit
        ]
    for holders in found.values():
        holders.sort(key=lambda holder: (holder.distance_km, holder.row.id))
        del holders[limit:]
    return found


def load_nodes(
    connection: Connection,
    skus: Collection[str],
    point: geo.Point | None,
    per_sku: int,
    also: Collection[str],
    now: datetime,
) -> dict[str, Node]:
    """Candidate nodes: the nearest holders of each SKU and the ``also`` ids.

    Each node carries its ATP of every SKU asked about, its state,
    capabilities, hours and what is left of today's capacity.
    """
    ids = set(also)
    if point is not None:
        nearest = nearest_holders_of(connection, skus, point, per_sku)
        ids.update(h.row.id for holders in nearest.values() for h in holders)
        ids.update(_fulfilment_centres(connection, skus))
    if not ids:
        return {}

    place_rows = connection.execute(
        select(locations).where(locations.c.id.in_(ids))
    ).all()
    stock_rows = connection.execute(
        select(stock.c.location_id, stock.c.sku, ATP.label("atp")).where(
            stock.c.location_id.in_(ids), stock.c.sku.in_(list(skus))
        )
    ).all()
    load_rows = connection.execute(
        select(location_load).where(location_load.c.location_id.in_(ids))
    ).all()

    nodes = {row.id: _node(row) for row in place_rows}
    for row in stock_rows:
        if row.atp > 0:
            nodes[row.location_id].atp[row.sku] = row.atp
    for row in load_rows:
        node = nodes[row.location_id]
        if node.capacity_left is not None and row.day == network.local_day(
            now, node.timezone
        ):
            node.capacity_left -= row.orders
    return nodes


def _fulfilment_centres(connection: Connection, skus: Collection[str]) -> set[str]:
    """Every non-store location holding the SKUs: few, and always worth asking.

    Reading nearest-first alone could leave a cheaper centre out of reach
    of a cost-first rule set in a dense network of stores.
    """
    if not skus:
        return set()
    return set(
        connection.scalars(
            select(stock.c.location_id)
            .join(locations, locations.c.id == stock.c.location_id)
            .where(
                locations.c.kind != LocationKind.STORE.value,
                locations.c.state != LocationState.CLOSED.value,
                stock.c.sku.in_(list(skus)),
                ATP > 0,
            )
            .distinct()
        )
    )


def _node(row: Row) -> Node:
    return Node(
        id=row.id,
        name=row.name,
        kind=LocationKind(row.kind),
        point=geo.Point(row.lat, row.lon),
        state=LocationState(row.state),
        capabilities=network.decode_capabilities(row.capabilities),
        timezone=row.timezone,
        hours=network.hours_of(row.opening_hours),
        capacity_left=row.daily_capacity,
    )
