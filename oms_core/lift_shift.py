"""Lift and shift: switch a location to dark or take it offline.

A dark store keeps shipping but no longer sells to walk-in customers or
hands over collections; a closed location does neither. When a store goes
dark, the collections waiting there move to the nearest open collection
store by transfer, or go to a person (see :mod:`oms_core.dark_collections`).
When a location goes offline, every allocation there that has not been
handed to the location for picking is sourced again under the order's
rules: its units are released where they were (the old allocation is
closed) and reserved where the rules now choose, and the order's process
follows them (see :mod:`oms_core.process.source_moves`): the release job
and any pick still waiting go to the new source. An allocation is handed
to its location when an associate claims its pick; from then on it stays.
Each change is an event in the same transaction.
"""

from __future__ import annotations

import logging
from datetime import datetime

from pydantic import TypeAdapter
from sqlalchemy import Connection, select, update

from oms_core import (
    allocations,
    dark_collections,
    network,
    opening_hours,
    promising,
    reads,
)
from oms_core.api_models import (
    CollectFulfilment,
    ErrorCode,
    Fulfilment,
    Location,
    LocationStateChange,
    LocationStateResult,
)
from oms_core.db.schema import locations, order_lines, orders
from oms_core.errors import EngineError, invalid
from oms_core.events import record_event
from oms_core.process import source_moves
from oms_core.sourcing import LineNeed

logger = logging.getLogger(__name__)

_FULFILMENT = TypeAdapter(Fulfilment)


def set_state(
    connection: Connection,
    location_id: str,
    change: LocationStateChange,
    now: datetime,
) -> LocationStateResult:
    """Change a location's state; re-source its open orders if it went offline."""
    place = reads.get_location(connection, location_id)
    previous = place.state
    connection.execute(
        update(locations)
        .where(locations.c.id == location_id)
        .values(state=change.state.value)
    )
    record_event(
        connection,
        "location.state_changed",
        {
            "location_id": location_id,
            "from": previous.value,
            "to": change.state.value,
            "reason": change.reason,
        },
        now=now,
    )
    logger.info("location state changed from %s to %s", previous, change.state)

    resourced = unsourced = 0
    if network.can_hand_over(previous) and not network.can_hand_over(change.state):
        # Customers can no longer collect there: move or hand to a person.
        resourced, unsourced = dark_collections.move_collections(
            connection, location_id, now
        )
    if not network.can_fulfil(change.state):
        for share in allocations.open_allocations(
            connection, location_id=location_id, not_handed=True
        ):
            if _resource(connection, share, now):
                resourced += 1
            else:
                unsourced += 1
    return LocationStateResult(
        location=reads.get_location(connection, location_id),
        previous_state=previous,
        resourced_lines=resourced,
        unsourced_lines=unsourced,
    )


def set_opening_hours(
    connection: Connection, location_id: str, text: str, now: datetime
) -> Location:
    """Store new opening hours after checking that they parse."""
    reads.get_location(connection, location_id)
    try:
        opening_hours.parse(text)
    except opening_hours.OpeningHoursError as exc:
        raise invalid(
            ErrorCode.INVALID_OPENING_HOURS,
            f"opening hours not understood: {exc.reason} at position {exc.position}",
            position=exc.position,
        ) from exc
    connection.execute(
        update(locations)
        .where(locations.c.id == location_id)
        .values(opening_hours=text)
    )
    record_event(
        connection,
        "location.hours_changed",
        {"location_id": location_id, "opening_hours": text},
        now=now,
    )
    return reads.get_location(connection, location_id)


def _resource(
    connection: Connection, share: allocations.OpenAllocation, now: datetime
) -> bool:
    line = connection.execute(
        select(order_lines.c.fulfilment, orders.c.selling_location_id)
        .join(orders, orders.c.id == order_lines.c.order_id)
        .where(
            order_lines.c.order_id == share.order_id,
            order_lines.c.line_no == share.line_no,
        )
    ).first()
    if line is None:
        return False

    fulfilment = _FULFILMENT.validate_json(line.fulfilment)
    if isinstance(fulfilment, CollectFulfilment):
        need = LineNeed(
            share.line_no, share.sku, share.open, collect_at=fulfilment.location_id
        )
    else:
        point = reads.district_point(connection, fulfilment.address.postcode)
        need = LineNeed(share.line_no, share.sku, share.open, destination=point)

    # Release and new reservation share one savepoint: if no location can
    # take the units, the release is undone and the order stays as it was.
    savepoint = connection.begin_nested()
    try:
        allocations.release_share(connection, share)
        sourced = promising.source_and_reserve(
            connection, line.selling_location_id, None, [need], now
        )
    except EngineError:
        savepoint.rollback()
        record_event(
            connection,
            "order.line_unsourced",
            {"line": share.line_no, "location_id": share.location_id},
            share.order_id,
            now=now,
        )
        return False
    savepoint.commit()

    picks = sourced.plan.picks[need.index]
    for pick in picks:
        allocations.add(connection, share.order_id, share.line_no, share.sku, pick)
    main = max(picks, key=lambda p: (p.quantity, p.location_id)).location_id
    connection.execute(
        update(order_lines)
        .where(
            order_lines.c.order_id == share.order_id,
            order_lines.c.line_no == share.line_no,
            order_lines.c.source_location_id == share.location_id,
        )
        .values(source_location_id=main)
    )
    # The process's rows and waiting tasks follow the units.
    source_moves.follow_source(
        connection,
        share.order_id,
        share.line_no,
        share.location_id,
        [(pick.location_id, pick.quantity) for pick in picks],
        now,
    )
    record_event(
        connection,
        "order.line_resourced",
        {
            "line": share.line_no,
            "sku": share.sku,
            "quantity": share.open,
            "from": share.location_id,
            "to": [p.location_id for p in picks],
        },
        share.order_id,
        now=now,
    )
    return True
