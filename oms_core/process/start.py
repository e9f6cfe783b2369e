"""Starting an order's processes: one per shipment group, at placement.

Runs in the order's own transaction: the lines to fulfil, the customer to
find the order by, one process row per group (see
:mod:`oms_core.process.groups`), the ``order.created`` event naming them,
and each group's first state entered.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, select

from oms_core.api_models import CustomerDetails
from oms_core.db.inventory_schema import order_allocations
from oms_core.db.process_schema import (
    fulfilment_lines,
    order_customers,
    order_processes,
)
from oms_core.db.schema import locations, order_lines
from oms_core.events import record_events
from oms_core.process.engine import Running, enter_state, phone_digits
from oms_core.process.groups import ShipmentGroup, group_lines, planned
from oms_core.process.registry import Registry, default_registry

logger = logging.getLogger(__name__)


def start_process(
    conn: Connection,
    order_id: uuid.UUID,
    *,
    now: datetime,
    customer: CustomerDetails | None = None,
    name: str | None = None,
    registry: Registry | None = None,
    lines: Sequence[Any] | None = None,
    reserved: Mapping[int, int] | None = None,
) -> str:
    """Start the order's processes, one per shipment group, in its transaction.

    The groups and their processes are chosen from the order's lines; a
    ``name`` runs every line on that one process instead. The newest version
    of each is stored, and each group runs on its version from now on.
    Returns the process name of group 0. ``lines``: the order's
    ``order_lines`` rows by line number, when the caller has just written
    them (saves reading them back); ``reserved``: the units each line
    number has just been allocated, likewise.
    """
    registry = registry or default_registry()
    if lines is None:
        lines = conn.execute(
            select(order_lines)
            .where(order_lines.c.order_id == order_id)
            .order_by(order_lines.c.line_no)
        ).all()
    groups = plan_groups(conn, lines)
    if name is not None:
        every = tuple(line.line_no for line in lines)
        groups = [ShipmentGroup(0, name, every, groups[0].collection_location_id)]
    group_of = {number: group.group_no for group in groups for number in group.line_nos}
    definitions = {group.group_no: registry.latest(group.process) for group in groups}
    for definition in definitions.values():
        registry.ensure_stored(conn, definition)

    conn.execute(
        fulfilment_lines.insert(),
        [
            {
                "order_id": order_id,
                "seq": line.line_no,
                "line_no": line.line_no,
                "group_no": group_of[line.line_no],
                "sku": line.sku,
                "quantity": line.quantity,
                "unit_price_minor": line.unit_price_minor,
                "currency": line.currency,
                "source_location_id": line.source_location_id,
                "picked": 0,
                "short": 0,
                "cancelled": 0,
                "fulfilled": 0,
                "returned": 0,
            }
            for line in lines
        ],
    )
    if customer is not None:
        conn.execute(
            order_customers.insert().values(
                order_id=order_id,
                name=customer.name,
                email=customer.email.strip().lower() if customer.email else None,
                phone_digits=phone_digits(customer.phone) if customer.phone else None,
            )
        )
    conn.execute(
        order_processes.insert(),
        [
            {
                "order_id": order_id,
                "group_no": group.group_no,
                "process_name": definitions[group.group_no].name,
                "process_version": definitions[group.group_no].version,
                "state": definitions[group.group_no].start,
                "collection_location_id": group.collection_location_id,
                "updated_at": now,
            }
            for group in groups
        ],
    )
    first = definitions[0]
    created = {
        "process": first.name,
        "version": first.version,
        "groups": [
            {
                "group": group.group_no,
                "process": definitions[group.group_no].name,
                "version": definitions[group.group_no].version,
                "lines": list(group.line_nos),
            }
            for group in groups
        ],
    }
    # What each line really reserved: a line of an offline order whose
    # promise broke may hold fewer units than it asks for, or none.
    if reserved is None:
        reserved = dict(
            conn.execute(
                select(
                    order_allocations.c.line_no, func.sum(order_allocations.c.quantity)
                )
                .where(order_allocations.c.order_id == order_id)
                .group_by(order_allocations.c.line_no)
            ).all()
        )
    # The order's first events, written together.
    record_events(
        conn,
        [("order.created", created)]
        + [
            (
                "stock.reserved",
                {
                    "sku": line.sku,
                    "location_id": line.source_location_id,
                    "quantity": int(reserved[line.line_no]),
                },
            )
            for line in lines
            if reserved.get(line.line_no)
        ],
        order_id,
        now=now,
    )

    for group in groups:
        definition = definitions[group.group_no]
        running = Running(
            order_id,
            definition,
            definition.start,
            group.collection_location_id,
            group.group_no,
        )
        enter_state(conn, running, definition.start, now, depth=0)
    logger.info("order process started with %d group(s)", len(groups))
    return first.name


def plan_groups(conn: Connection, lines: list) -> list[ShipmentGroup]:
    """The shipment groups of an order's ``order_lines`` rows.

    Curbside is chosen by :func:`switch_process` after placement, as the
    order request has no field for it.
    """
    plans = [planned(line) for line in lines]
    places = {plan.source_location_id for plan in plans} | {
        plan.collection_location_id
        for plan in plans
        if plan.collection_location_id is not None
    }
    kinds = dict(
        conn.execute(
            select(locations.c.id, locations.c.kind).where(locations.c.id.in_(places))
        ).all()
    )
    return group_lines(plans, kinds)
