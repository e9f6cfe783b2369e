"""Sourcing against the database: candidates, plan, reservation, capacity.

:func:`source` reads the candidates for a request's lines and plans them
under the rule set that applies (nothing is reserved: a quote).
:func:`source_and_reserve` also reserves every pick and counts the order
against each location's daily capacity; when another order took the units
between the read and the reservation, it reads again and plans again, so
the answer is always what the pool can really give.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from oms_core import candidates, geo, inventory, network, reads, rule_sets
from oms_core.api_models import (
    Allocation,
    CollectFulfilment,
    ErrorCode,
    TraceEntry,
)
from oms_core.db.inventory_schema import location_load
from oms_core.db.schema import products
from oms_core.errors import EngineError, invalid
from oms_core.sourcing import LineNeed, Node, Pick, Plan, plan

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 4
# Trace entries kept per answer: the taken ones always, then the nearest.
MAX_TRACE = 400


@dataclass
class Sourced:
    """A plan with what it was made from."""

    resolved: rule_sets.Resolved
    plan: Plan
    nodes: dict[str, Node]
    needs: list[LineNeed]

    def need(self, index: int) -> LineNeed:
        """The line numbered ``index`` (numbers need not be positions)."""
        return next(need for need in self.needs if need.index == index)


def needs_of(connection: Connection, lines: Sequence) -> list[LineNeed]:
    """The lines as the planner sees them; unknown SKUs and places are 422."""
    skus = {line.sku.upper() for line in lines}
    known = set(
        connection.scalars(select(products.c.sku).where(products.c.sku.in_(skus)))
    )
    needs = []
    for index, line in enumerate(lines):
        sku = line.sku.upper()
        if sku not in known:
            raise invalid(
                ErrorCode.UNKNOWN_SKU,
                f"line {index}: no product with SKU {line.sku!r}",
                line=index,
                sku=line.sku,
            )
        if isinstance(line.fulfilment, CollectFulfilment):
            location_id = line.fulfilment.location_id
            try:
                reads.get_location(connection, location_id)
            except EngineError as exc:
                raise invalid(
                    ErrorCode.UNKNOWN_LOCATION,
                    f"line {index}: no location with id {location_id!r}",
                    line=index,
                    location_id=location_id,
                ) from exc
            needs.append(LineNeed(index, sku, line.quantity, collect_at=location_id))
            continue
        postcode = line.fulfilment.address.postcode
        try:
            point = reads.district_point(connection, postcode)
        except EngineError as exc:
            raise invalid(
                ErrorCode.UNKNOWN_POSTCODE,
                f"line {index}: unknown delivery postcode district",
                line=index,
                postcode=postcode,
            ) from exc
        needs.append(LineNeed(index, sku, line.quantity, destination=point))
    return needs


def source(
    connection: Connection,
    selling_location_id: str,
    channel: str | None,
    needs: list[LineNeed],
    now: datetime,
    *,
    explain: Iterable[str] = (),
    resolved: rule_sets.Resolved | None = None,
) -> Sourced:
    """Plan ``needs`` under the applicable rules; nothing is reserved."""
    resolved = resolved or rule_sets.resolve(connection, selling_location_id, channel)
    points = [need.destination for need in needs if need.destination is not None]
    collect_ids = {need.collect_at for need in needs if need.collect_at}
    also = set(explain) | collect_ids
    point = points[0] if points else None
    if point is None and collect_ids:
        # Transfers to a collection store start from around that store.
        first = sorted(collect_ids)[0]
        place = reads.get_location(connection, first)
        point = geo.Point(place.lat, place.lon)
    nodes = candidates.load_nodes(
        connection,
        {need.sku for need in needs},
        point,
        resolved.rules.candidate_limit,
        also,
        now,
    )
    return Sourced(resolved, plan(resolved.rules, needs, nodes, now), nodes, needs)


def refusal_error(sourced: Sourced) -> EngineError | None:
    """The error for the first refused line, or None if every line is sourced."""
    if not sourced.plan.refused:
        return None
    index = min(sourced.plan.refused)
    refusal = sourced.plan.refused[index]
    need = sourced.need(index)
    detail: dict[str, object] = {
        "line": index,
        "sku": need.sku,
        "quantity": need.quantity,
        "reason": refusal.reason,
    }
    if refusal.location_id:
        detail["location_id"] = refusal.location_id
    status = 422 if refusal.code is ErrorCode.UNKNOWN_LOCATION else 409
    return EngineError(status, refusal.code, f"line {index}: {refusal.reason}", detail)


def source_and_reserve(
    connection: Connection,
    selling_location_id: str,
    channel: str | None,
    needs: list[LineNeed],
    now: datetime,
    *,
    count_load: bool = True,
    resolved: rule_sets.Resolved | None = None,
) -> Sourced:
    """Plan and reserve; raises the first refusal as an :class:`EngineError`."""
    resolved = resolved or rule_sets.resolve(connection, selling_location_id, channel)
    for attempt in range(MAX_ATTEMPTS):
        sourced = source(
            connection, selling_location_id, channel, needs, now, resolved=resolved
        )
        error = refusal_error(sourced)
        if error is not None:
            raise error
        if reserve_plan(connection, sourced, now, count_load=count_load):
            return sourced
        logger.info("stock moved while sourcing; planning again (attempt %d)", attempt)
    raise EngineError(
        409,
        ErrorCode.INSUFFICIENT_STOCK,
        "the stock kept changing while the order was sourced; try again",
    )


def reserve_plan(
    connection: Connection, sourced: Sourced, now: datetime, *, count_load: bool
) -> bool:
    """Reserve every pick and count the load; on any failure undo and say False."""
    picks = sorted(
        (
            (sourced.need(index).sku, pick)
            for index, line_picks in sourced.plan.picks.items()
            for pick in line_picks
        ),
        key=lambda item: (item[0], item[1].location_id),
    )
    done: list[tuple[str, Pick]] = []
    for sku, pick in picks:
        if not inventory.reserve(connection, sku, pick.location_id, pick.quantity):
            _undo(connection, done)
            return False
        done.append((sku, pick))

    if count_load and sourced.resolved.rules.respect_capacity:
        chosen = [sourced.nodes[i] for i in sorted(sourced.plan.locations())]
        if not bump_loads(connection, chosen, now):
            _undo(connection, done)
            return False
    return True


def bump_loads(connection: Connection, nodes: Sequence[Node], now: datetime) -> bool:
    """Count one order at each node, all or none."""
    counted: list[Node] = []
    for node in nodes:
        if not bump_load(connection, node, now):
            for done in counted:
                connection.execute(
                    update(location_load)
                    .where(
                        location_load.c.location_id == done.id,
                        location_load.c.day == network.local_day(now, done.timezone),
                    )
                    .values(orders=location_load.c.orders - 1)
                )
            return False
        counted.append(node)
    return True


def _undo(connection: Connection, done: list[tuple[str, Pick]]) -> None:
    for sku, pick in done:
        inventory.release(connection, sku, pick.location_id, pick.quantity)


def bump_load(connection: Connection, node: Node, now: datetime) -> bool:
    """Count one more order today at ``node``; False when it is at capacity.

    One guarded upsert: the day's row is created at one order, or counted
    up only while it stays within the node's daily capacity.
    """
    if node.capacity is not None and node.capacity <= 0:
        return False
    day = network.local_day(now, node.timezone)
    values = {"location_id": node.id, "day": day, "orders": 1}
    if connection.dialect.name == "postgresql":
        statement = pg_insert(location_load).values(values)
    else:
        statement = sqlite_insert(location_load).values(values)
    guard = None
    if node.capacity is not None:
        guard = location_load.c.orders < node.capacity
    counted = connection.execute(
        statement.on_conflict_do_update(
            index_elements=[location_load.c.location_id, location_load.c.day],
            set_={"orders": location_load.c.orders + 1},
            where=guard,
        ).returning(location_load.c.orders)
    ).first()
    return counted is not None


def allocations_of(sourced: Sourced, index: int) -> list[Allocation]:
    """The API view of one line's picks."""
    return [
        Allocation(
            location_id=pick.location_id,
            name=sourced.nodes[pick.location_id].name,
            quantity=pick.quantity,
            method=pick.method,
            earliest_date=pick.earliest_date,
            distance_km=pick.distance_km,
        )
        for pick in sourced.plan.picks.get(index, [])
    ]


def trace_of(sourced: Sourced) -> list[TraceEntry]:
    """The plan's trace as API entries, taken ones first, then by distance."""
    notes = sorted(
        sourced.plan.trace,
        key=lambda n: (
            n.decision.value != "taken",
            n.distance_km if n.distance_km is not None else 0.0,
            n.location_id,
            -1 if n.line is None else n.line,
        ),
    )
    entries = []
    for note in notes[:MAX_TRACE]:
        node = sourced.nodes[note.location_id]
        entries.append(
            TraceEntry(
                line=note.line,
                location_id=note.location_id,
                name=node.name,
                kind=node.kind,
                decision=note.decision,
                reason=note.reason,
                distance_km=note.distance_km,
                atp=note.atp,
            )
        )
    return entries


def trace_json(sourced: Sourced) -> str:
    """The trace, stored with the order."""
    return json.dumps([e.model_dump(mode="json") for e in trace_of(sourced)])
