"""Finding the locations that hold stock near a point, fast.

Near-me and sourcing both ask "which locations nearest to this point hold
ATP of this SKU?". Rather than read every holder, the query looks inside a
box around the point and widens it (15 km, 60 km, ...) until enough
holders lie within the circle the box contains, so the answer is exactly
the nearest ones, whatever the network's size. The box is read through the
indexed grid cell of each location (:func:`oms_core.geo.box_cell_ranges`),
so a box costs the locations inside it, not a band round the world; it
wraps across the antimeridian and takes in every longitude near a pole.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import (
    Connection,
    Integer,
    Row,
    any_,
    bindparam,
    func,
    or_,
    select,
    true,
    union_all,
)
from sqlalchemy.dialects.postgresql import ARRAY

from oms_core import geo, location_index, network
from oms_core.api_models import LocationKind, LocationState
from oms_core.atp import atp_sql
from oms_core.db.inventory_schema import location_load
from oms_core.db.schema import locations, stock
from oms_core.sourcing import Node

logger = logging.getLogger(__name__)

# Each step doubles the radius, so the last box read holds few more
# locations than needed; the location index says where to start.
RADII_KM = (
    2.0,
    4.0,
    8.0,
    15.0,
    30.0,
    60.0,
    120.0,
    250.0,
    500.0,
    1_000.0,
    2_000.0,
    4_000.0,
    8_000.0,
    20_100.0,
)
WORLD = len(RADII_KM) - 1
# Past this many cell ranges a box reads its latitude band instead.
MAX_RANGES = 400
# Past this many cells PostgreSQL reads the latitude band instead.
MAX_CELL_LIST = 3_000
# A box is chosen to hold this many locations per holder wanted.
HEADROOM = 2.0
# A SKU stocked at no more locations than this is read world-wide at once.
FEW_STOCKISTS = 100
# Holders sent beyond the ``limit`` nearest, against rounding at a tie.
TIE_MARGIN = 4

ATP = atp_sql(stock.c.on_hand, stock.c.reserved, stock.c.buffer)


@dataclass(frozen=True, slots=True)
class Holder:
    """A location holding ATP of a SKU, with its distance from the point."""

    distance_km: float
    row: Row


def box_filter(box: geo.Box, *, arrays: bool = False):
    """The SQL condition for "inside the box", read through the cell index.

    With ``arrays`` (PostgreSQL) the cells go as one array parameter, so
    every box has the same statement text and its compiled form is reused;
    otherwise as ranges of cell numbers.
    """
    if box.south <= -90.0 and box.north >= 90.0 and box.all_longitudes:
        return true()
    condition = locations.c.lat.between(box.south, box.north)
    if not box.all_longitudes:
        condition &= or_(
            *(locations.c.lon.between(west, east) for west, east in box.lon_ranges())
        )
    if arrays:
        cells = _cells(box)
        if cells is not None:
            listed = bindparam(None, cells, type_=ARRAY(Integer))
            condition &= locations.c.cell == any_(listed)
        return condition
    ranges = geo.box_cell_ranges(box, MAX_RANGES)
    if ranges is not None:
        condition &= or_(
            *(
                locations.c.cell.between(first, last)
                if first != last
                else locations.c.cell == first
                for first, last in ranges
            )
        )
    return condition


def _cells(box: geo.Box) -> list[int] | None:
    """Every cell number the box touches, or None past :data:`MAX_CELL_LIST`."""
    spans = geo.box_spans(box)
    if sum(last - first + 1 for _, first, last in spans) > MAX_CELL_LIST:
        return None
    return [
        row * geo.CELL_COLUMNS + column
        for row, first, last in spans
        for column in range(first, last + 1)
    ]


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

    A SKU stocked at few locations is read world-wide at once; any other
    starts at the smallest box that should hold enough of its stockists,
    from the location index and the SKU's share of the network. A SKU with
    fewer than ``limit`` holders inside its box's circle moves on to a box
    that the holders seen say is enough. One query per round.
    """
    if limit <= 0 or not skus:
        return {sku: [] for sku in skus}
    index = location_index.index_of(connection)
    stocked = location_index.stockists(connection, index, sorted(set(skus)))
    wanted = [s.value for s in states]
    extra = list(columns)
    steps: dict[str, int] = {}
    shares: dict[str, float] = {}
    for sku, count in stocked.items():
        shares[sku] = max(count, 1) / max(index.total, 1)
        if count <= max(FEW_STOCKISTS, limit):
            steps[sku] = WORLD
        else:
            steps[sku] = _step_for(index, point, HEADROOM * limit / shares[sku], 0)

    found: dict[str, list[Holder]] = {}
    while steps:
        # Every SKU still open, each inside its own box, in one query.
        boxes = {step: geo.box_around(point, RADII_KM[step]) for step in steps.values()}
        asked = {sku: boxes[step] for sku, step in steps.items()}
        batch = _holders_in(connection, asked, point, wanted, extra, limit + TIE_MARGIN)
        found.update(batch)
        for sku, step in list(steps.items()):
            del steps[sku]
            radius = RADII_KM[step]
            inside = sum(1 for h in batch[sku] if h.distance_km <= radius)
            if step == WORLD or inside >= limit:
                continue
            # Fewer holders here than the network's share said: go by these.
            seen = max(1.0, index.estimate(boxes[step]))
            share = min(shares[sku], max(inside, 1) / seen)
            steps[sku] = _step_for(index, point, HEADROOM * limit / share, step + 1)
    for holders in found.values():
        holders.sort(key=lambda holder: (holder.distance_km, holder.row.id))
        del holders[limit:]
    return found


def _step_for(
    index: location_index.LocationIndex, point: geo.Point, wanted: float, first: int
) -> int:
    """The first step from ``first`` whose box should hold ``wanted`` locations."""
    for step in range(first, WORLD):
        if index.estimate(geo.box_around(point, RADII_KM[step])) >= wanted:
            return step
    return WORLD


# TODO: the server probes the stock key of every location in the box; a cell
# on each stock row, indexed with the SKU, would read only the holders (the
# seed's bulk writer would have to fill it).
def _holders_in(
    connection: Connection,
    boxes: dict[str, geo.Box],
    point: geo.Point,
    states: list[str],
    columns: list,
    keep: int,
) -> dict[str, list[Holder]]:
    """The holders of each SKU inside its box (on PostgreSQL only the nearest).

    PostgreSQL ranks them by the same great-circle distance and sends the
    ``keep`` nearest of each SKU; the distances are computed again here, so
    the answer is exactly what reading every holder in the box would give.
    """
    by_box: dict[geo.Box, list[str]] = {}
    for sku, box in sorted(boxes.items()):
        by_box.setdefault(box, []).append(sku)
    parts = [
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
            location_index.one_of(connection, stock.c.sku, skus, f"skus_{number}"),
            ATP > 0,
            locations.c.state.in_(states),
            box_filter(box, arrays=connection.dialect.name == "postgresql"),
        )
        for number, (box, skus) in enumerate(by_box.items())
    ]
    statement = parts[0] if len(parts) == 1 else union_all(*parts)
    if connection.dialect.name == "postgresql":
        found = statement.subquery()
        rank = func.row_number().over(
            partition_by=found.c.sku,
            order_by=(_distance_sql(point, found.c.lat, found.c.lon), found.c.id),
        )
        ranked = select(found, rank.label("nearness")).subquery()
        statement = select(ranked).where(ranked.c.nearness <= keep)

    batch: dict[str, list[Holder]] = {sku: [] for sku in boxes}
    distance = geo.haversine_km
    for row in connection.execute(statement):
        batch[row.sku].append(Holder(distance(point, geo.Point(row.lat, row.lon)), row))
    return batch


def _distance_sql(point: geo.Point, lat, lon):
    """Great-circle kilometres from ``point``, as geo.haversine_km computes them."""
    lat1 = math.radians(point.lat)
    lat2 = func.radians(lat)
    d_lat = lat2 - lat1
    d_lon = func.radians(lon) - math.radians(point.lon)
    h = func.power(func.sin(d_lat / 2), 2) + math.cos(lat1) * func.cos(
        lat2
    ) * func.power(func.sin(d_lon / 2), 2)
    return 2 * geo.EARTH_RADIUS_KM * func.asin(func.least(1.0, func.sqrt(h)))


def load_nodes(
    connection: Connection,
    skus: Collection[str],
    point: geo.Point | None,
    per_sku: int,
    also: Collection[str],
    now: datetime,
) -> dict[str, Node]:
    """Candidate nodes: the nearest holders of each SKU and the ``also`` ids.

    Every location that is not a store and holds some of the SKUs is a
    candidate too: reading nearest-first alone could leave a cheaper
    centre out of reach of a cost-first rule set in a dense network of
    stores. Each node carries its ATP of every SKU asked about, its state,
    capabilities, hours and what is left of today's capacity. Two queries
    after the search: the places with their stock, and today's loads.
    """
    skus = sorted(set(skus))
    ids = set(also)
    centres: set[str] = set()
    if point is not None:
        nearest = nearest_holders_of(connection, skus, point, per_sku)
        ids.update(h.row.id for holders in nearest.values() for h in holders)
        if skus:
            centres = set(location_index.index_of(connection).centres) - ids
    if not ids and not centres:
        return {}

    held = stock.c.location_id == locations.c.id
    held &= location_index.one_of(connection, stock.c.sku, skus, "skus")
    rows = connection.execute(
        select(locations, stock.c.sku, ATP.label("atp"))
        .select_from(locations.outerjoin(stock, held))
        .where(location_index.one_of(connection, locations.c.id, ids | centres, "ids"))
    ).all()

    nodes: dict[str, Node] = {}
    for row in rows:
        node = nodes.get(row.id)
        if node is None:
            node = nodes[row.id] = _node(row)
        if row.sku is not None and row.atp > 0:
            node.atp[row.sku] = row.atp
    for centre in centres:
        node = nodes.get(centre)
        if node is not None and (node.state is LocationState.CLOSED or not node.atp):
            del nodes[centre]
    if not nodes:
        return nodes

    load_rows = connection.execute(
        select(location_load).where(
            location_index.one_of(connection, location_load.c.location_id, nodes, "ids")
        )
    ).all()
    for row in load_rows:
        node = nodes[row.location_id]
        if node.capacity_left is not None and row.day == network.local_day(
            now, node.timezone
        ):
            node.capacity_left -= row.orders
    return nodes


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
        capacity=row.daily_capacity,
    )
