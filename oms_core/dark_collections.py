"""Collections at a store that goes dark: moved by transfer, or given to a person.

A dark store still picks and ships, but customers no longer walk in, so it
can no longer hand over click & collect orders. When a store goes dark,
each order line to be collected there with units not yet handed over is
dealt with as a retailer would:

- **Moved** to the nearest open store that takes collections and can
  receive transfers (within the rule set's distance limit, not excluded)
  when the order's rule set allows collection by transfer and the order's
  process can still take the extra leg: the dark store keeps picking the
  units it holds and sends them over, the collection store changes on the
  order, and a ``collect_here`` process becomes ``collect_elsewhere`` in
  the same state. Event ``order.collection_moved`` for each line.
- **Given to a person** otherwise (the rules forbid transfers, no store is
  in reach, or the goods already wait on the dark store's shelf): a
  ``dark_store_collection`` task at the dark store names the lines and the
  suggested store, and ``order.collection_needs_attention`` says why.
  Completing that task records that the customer was dealt with; it does
  not move the order's process.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from pydantic import TypeAdapter
from sqlalchemy import Connection, func, select, update

from oms_core import allocations, candidates, geo, network, reads, rule_sets
from oms_core.api_models import (
    Capability,
    CollectFulfilment,
    Fulfilment,
    LocationState,
    SourcingMethod,
    SourcingRules,
)
from oms_core.db.inventory_schema import order_allocations
from oms_core.db.process_schema import order_processes
from oms_core.db.schema import locations, order_lines, orders
from oms_core.events import record_event
from oms_core.process import engine as process
from oms_core.process.registry import default_registry

logger = logging.getLogger(__name__)

KIND = "dark_store_collection"
# The task's own state name: no process state has it, so the process's
# state changes never close it and its completion moves nothing.
TASK_STATE = "store_went_dark"
# TODO: an order past packing (its goods on the dark store's shelf) goes to a
# person; moving it by itself needs a process step back to dispatching.
# States of each process from which the collection can still move, and
# what the moved process is.
MOVABLE = {
    "collect_here": (
        "collect_elsewhere",
        {"placed", "awaiting_payment", "released", "picking", "packing"},
    ),
    "collect_elsewhere": (
        "collect_elsewhere",
        {"placed", "awaiting_payment", "released", "picking", "packing", "dispatching"},
    ),
}
_FULFILMENT = TypeAdapter(Fulfilment)


@dataclass(frozen=True, slots=True)
class Collection:
    """One order line to be collected at the store, with its open units."""

    order_id: uuid.UUID
    line_no: int
    sku: str
    open: int
    selling_location_id: str


def move_collections(
    connection: Connection, store_id: str, now: datetime
) -> tuple[int, int]:
    """Deal with the collections at a store that went dark.

    Returns (lines moved, lines given to a person).
    """
    place = reads.get_location(connection, store_id)
    origin = geo.Point(place.lat, place.lon)
    by_order: dict[uuid.UUID, list[Collection]] = {}
    for line in _collections_at(connection, store_id):
        by_order.setdefault(line.order_id, []).append(line)

    moved = needing = 0
    for order_id, lines in sorted(by_order.items()):
        rules = rule_sets.resolve(connection, lines[0].selling_location_id, None).rules
        target = _nearest_collection_store(connection, store_id, origin, rules)
        why = _why_not(connection, order_id, store_id, rules, target)
        if why is None:
            _move(connection, order_id, lines, store_id, target, rules, now)
            moved += len(lines)
        else:
            _to_a_person(connection, order_id, lines, store_id, target, why, now)
            needing += len(lines)
    if moved or needing:
        logger.info(
            "dark store collections: %d lines moved, %d for a person", moved, needing
        )
    return moved, needing


def _collections_at(connection: Connection, store_id: str) -> list[Collection]:
    """Lines to be collected at the store with units not handed over yet."""
    open_units = (
        order_allocations.c.quantity
        - order_allocations.c.shipped
        - order_allocations.c.released
    )
    rows = connection.execute(
        select(
            order_lines.c.order_id,
            order_lines.c.line_no,
            order_lines.c.sku,
            order_lines.c.fulfilment,
            orders.c.selling_location_id,
        )
        .join(orders, orders.c.id == order_lines.c.order_id)
        .where(order_lines.c.fulfilment.contains(store_id))
        .order_by(order_lines.c.order_id, order_lines.c.line_no)
    ).all()
    found = []
    for row in rows:
        fulfilment = _FULFILMENT.validate_json(row.fulfilment)
        if not isinstance(fulfilment, CollectFulfilment):
            continue
        if fulfilment.location_id != store_id:
            continue
        units = connection.scalar(
            select(func.sum(open_units)).where(
                order_allocations.c.order_id == row.order_id,
                order_allocations.c.line_no == row.line_no,
            )
        )
        if units:
            found.append(
                Collection(
                    row.order_id,
                    row.line_no,
                    row.sku,
                    units,
                    row.selling_location_id,
                )
            )
    return found


def _nearest_collection_store(
    connection: Connection, store_id: str, origin: geo.Point, rules: SourcingRules
) -> str | None:
    """The nearest other open location that hands over and receives transfers."""
    excluded = set(rules.excluded_locations) | {store_id}
    for radius in candidates.RADII_KM:
        if rules.max_distance_km is not None and radius > 2 * rules.max_distance_km:
            break
        rows = connection.execute(
            select(
                locations.c.id,
                locations.c.lat,
                locations.c.lon,
                locations.c.capabilities,
            ).where(
                locations.c.state == LocationState.OPEN.value,
                candidates.box_filter(geo.box_around(origin, radius)),
            )
        ).all()
        able = sorted(
            (geo.haversine_km(origin, geo.Point(row.lat, row.lon)), row.id)
            for row in rows
            if row.id not in excluded
            and {Capability.CLICK_COLLECT, Capability.RECEIVE_FOR_COLLECTION}
            <= network.decode_capabilities(row.capabilities)
        )
        limit = rules.max_distance_km
        able = [(d, i) for d, i in able if limit is None or d <= limit]
        if able and able[0][0] <= radius:
            return able[0][1]
    return None


def _why_not(
    connection: Connection,
    order_id: uuid.UUID,
    store_id: str,
    rules: SourcingRules,
    target: str | None,
) -> str | None:
    """Why the order's collection cannot move by itself (None: it can)."""
    if not rules.collect_by_transfer:
        return "the rule set does not allow collection by transfer"
    if target is None:
        return "no open collection store within the rule set's reach"
    for group in _groups_at(connection, order_id, store_id):
        running = process.load_running(connection, order_id, group_no=group, lock=True)
        movable = MOVABLE.get(running.definition.name)
        if movable is None or running.state not in movable[1]:
            return f"the order is already {running.state!r} at the store"
    return None


def _groups_at(connection: Connection, order_id: uuid.UUID, store_id: str) -> list[int]:
    return list(
        connection.scalars(
            select(order_processes.c.group_no).where(
                order_processes.c.order_id == order_id,
                order_processes.c.collection_location_id == store_id,
            )
        )
    )


def _move(
    connection: Connection,
    order_id: uuid.UUID,
    lines: list[Collection],
    store_id: str,
    target: str,
    rules: SourcingRules,
    now: datetime,
) -> None:
    registry = default_registry()
    for group in _groups_at(connection, order_id, store_id):
        running = process.load_running(connection, order_id, group_no=group)
        definition = registry.latest(MOVABLE[running.definition.name][0])
        registry.ensure_stored(connection, definition)
        connection.execute(
            update(order_processes)
            .where(
                order_processes.c.order_id == order_id,
                order_processes.c.group_no == group,
            )
            .values(
                process_name=definition.name,
                process_version=definition.version,
                collection_location_id=target,
                updated_at=now,
            )
        )
        if definition.name != running.definition.name:
            record_event(
                connection,
                "order.process_changed",
                {
                    "from": running.definition.name,
                    "to": definition.name,
                    "group": group,
                },
                order_id,
                now=now,
            )

    zone = reads.get_location(connection, target).timezone
    arrives = network.local_day(now, zone) + timedelta(days=rules.transfer_days)
    for line in lines:
        connection.execute(
            update(order_lines)
            .where(
                order_lines.c.order_id == order_id,
                order_lines.c.line_no == line.line_no,
            )
            .values(fulfilment=CollectFulfilment(location_id=target).model_dump_json())
        )
        # The units the dark store holds now travel to the new store.
        connection.execute(
            update(order_allocations)
            .where(
                order_allocations.c.order_id == order_id,
                order_allocations.c.line_no == line.line_no,
                order_allocations.c.location_id == store_id,
                order_allocations.c.method == SourcingMethod.COLLECT.value,
            )
            .values(method=SourcingMethod.TRANSFER.value, promised_date=arrives)
        )
        record_event(
            connection,
            "order.collection_moved",
            {
                "line": line.line_no,
                "from": store_id,
                "to": target,
                "reason": "the collection store went dark",
                "ready_by": arrives.isoformat(),
            },
            order_id,
            now=now,
        )


def _to_a_person(
    connection: Connection,
    order_id: uuid.UUID,
    lines: list[Collection],
    store_id: str,
    target: str | None,
    why: str,
    now: datetime,
) -> None:
    shares = allocations.open_allocations(connection, order_id=order_id)
    task_lines = [
        {"seq": line.line_no, "sku": line.sku, "quantity": line.open} for line in lines
    ]
    group = next(iter(_groups_at(connection, order_id, store_id)), 0)
    process.add_task(
        connection,
        order_id,
        TASK_STATE,
        KIND,
        store_id,
        task_lines,
        now,
        group_no=group,
    )
    record_event(
        connection,
        "order.collection_needs_attention",
        {
            "lines": [line.line_no for line in lines],
            "location_id": store_id,
            "suggested": target,
            "reason": why,
            "held_at": sorted({s.location_id for s in shares}),
        },
        order_id,
        now=now,
    )
