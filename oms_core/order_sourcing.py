"""Sourcing an order as it is placed: its hold, its quote, or afresh.

An order that names an active hold takes the hold's reservation over. One
that names a quote is placed at the quoted locations when they still hold
the units. Otherwise (or when neither can be used) the order is sourced and
reserved afresh under the rules, and the order records why a hold or quote
was not honoured. The rule set's scope and version and the trace are kept
with the order, so "why not Leeds?" can be answered later too.
"""

from __future__ import annotations

import json
import logging
import uuid
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Connection, select

from oms_core import (
    allocations,
    candidates,
    holds,
    inventory,
    offline_sourcing,
    promising,
    quotes,
    rule_sets,
)
from oms_core.api_models import Allocation, OrderRequest, TraceEntry
from oms_core.db.inventory_schema import order_sourcing
from oms_core.db.schema import locations
from oms_core.sourcing import LineNeed, Pick

logger = logging.getLogger(__name__)


@dataclass
class OrderSourcing:
    """Where each line of a new order comes from and how that was decided."""

    needs: list[LineNeed]
    picks: dict[int, list[Pick]]
    scope: str
    version: int
    note: str | None
    trace: str
    quote_id: uuid.UUID | None = None
    hold_id: uuid.UUID | None = None
    # Lines of an offline order whose shown promise cannot be kept.
    broken: list[offline_sourcing.Broken] = field(default_factory=list)
    # Location names known from sourcing (else read when needed).
    names: dict[str, str] | None = None

    def main_source(self, index: int) -> str:
        """The location providing most of line ``index``.

        A broken line with nothing reserved names the location it was
        promised from.
        """
        if not self.picks.get(index):
            return next(b.promise.location_id for b in self.broken if b.index == index)
        return max(
            self.picks[index], key=lambda p: (p.quantity, p.location_id)
        ).location_id


def source_order(
    connection: Connection, order_id: uuid.UUID, request: OrderRequest, now: datetime
) -> OrderSourcing:
    """Reserve the order's lines (hold, quote or afresh); refusals raise."""
    holds.expire_due(connection, now)
    needs = promising.needs_of(connection, request.lines)
    resolved = rule_sets.resolve(
        connection, request.selling_location_id, request.channel
    )
    notes = []

    if request.hold_id is not None:
        picks, why = holds.consume(connection, request.hold_id, order_id, needs, now)
        if picks is not None and _count_load(connection, needs, picks, now, resolved):
            return OrderSourcing(
                needs,
                picks,
                resolved.scope,
                resolved.version,
                None,
                "[]",
                hold_id=request.hold_id,
            )
        if picks is not None:
            # The hold's units are reserved for this order but a location is
            # at capacity: give them back and source afresh.
            _release_picks(connection, needs, picks)
            why = "a held location reached its daily capacity"
        notes.append(f"hold not used: {why}")

    if request.quote_id is not None:
        picks, why = quotes.stored_picks(
            connection,
            request.quote_id,
            request.selling_location_id,
            request.lines,
            needs,
            now,
        )
        if picks is not None:
            if _reserve_picks(connection, needs, picks, now, resolved):
                return OrderSourcing(
                    needs,
                    picks,
                    resolved.scope,
                    resolved.version,
                    "; ".join(notes) or None,
                    quotes.stored_trace(connection, request.quote_id),
                    quote_id=request.quote_id,
                )
            why = "the quoted locations no longer hold the units"
        notes.append(f"quote not honoured: {why}")
        logger.info("an order's quote was not honoured")

    broken: list[offline_sourcing.Broken] = []
    if offline_sourcing.carries_promises(request):
        # Taken offline: accepted with exceptions rather than refused.
        sourced, broken = offline_sourcing.source_and_reserve(
            connection, request, needs, now
        )
    else:
        sourced = promising.source_and_reserve(
            connection,
            request.selling_location_id,
            request.channel,
            needs,
            now,
            resolved=resolved,
        )
    return OrderSourcing(
        needs,
        sourced.plan.picks,
        sourced.resolved.scope,
        sourced.resolved.version,
        "; ".join(notes) or None,
        promising.trace_json(sourced),
        quote_id=request.quote_id,
        hold_id=request.hold_id,
        broken=broken,
        names={node.id: node.name for node in sourced.nodes.values()},
    )


def record(connection: Connection, order_id: uuid.UUID, result: OrderSourcing) -> None:
    """Store the allocations and the sourcing record (the order row exists)."""
    for need in result.needs:
        if not result.picks.get(need.index):
            continue  # a broken line with nothing reserved
        allocations.write(
            connection, order_id, need.index, need.sku, result.picks[need.index]
        )
    connection.execute(
        order_sourcing.insert(),
        {
            "order_id": order_id,
            "rule_scope": result.scope,
            "rule_version": result.version,
            "quote_id": result.quote_id,
            "hold_id": result.hold_id,
            "note": result.note,
            "trace": result.trace,
        },
    )


def reserved_by_line(result: OrderSourcing) -> dict[int, int]:
    """The units :func:`record` allocates to each line number (none: left out)."""
    return {
        need.index: sum(pick.quantity for pick in result.picks[need.index])
        for need in result.needs
        if result.picks.get(need.index)
    }


def notes_of(
    connection: Connection, order_ids: list[uuid.UUID]
) -> dict[uuid.UUID, str | None]:
    """The sourcing note of each order that has a sourcing record."""
    if not order_ids:
        return {}
    rows = connection.execute(
        select(order_sourcing.c.order_id, order_sourcing.c.note).where(
            order_sourcing.c.order_id.in_(order_ids)
        )
    ).all()
    return {row.order_id: row.note for row in rows}


def trace_of(connection: Connection, order_id: uuid.UUID) -> list[TraceEntry] | None:
    """The trace stored with an order (None: the order has no record)."""
    text = connection.scalar(
        select(order_sourcing.c.trace).where(order_sourcing.c.order_id == order_id)
    )
    if text is None:
        return None
    return [TraceEntry.model_validate(entry) for entry in json.loads(text)]


def allocations_for(
    connection: Connection, result: OrderSourcing, index: int
) -> list[Allocation]:
    """The API view of a new order's line ``index``."""
    ids = {pick.location_id for pick in result.picks.get(index, [])}
    names = result.names or {}
    if not ids <= names.keys():
        names = dict(
            connection.execute(
                select(locations.c.id, locations.c.name).where(locations.c.id.in_(ids))
            ).all()
        )
    return [
        Allocation(
            location_id=pick.location_id,
            name=names.get(pick.location_id),
            quantity=pick.quantity,
            method=pick.method,
            earliest_date=pick.earliest_date,
        )
        for pick in sorted(
            result.picks.get(index, []), key=lambda p: (-p.quantity, p.location_id)
        )
    ]


def _reserve_picks(
    connection: Connection,
    needs: list[LineNeed],
    picks: dict[int, list[Pick]],
    now: datetime,
    resolved: rule_sets.Resolved,
) -> bool:
    ordered = sorted(
        (
            (_sku(needs, index), pick)
            for index, shares in picks.items()
            for pick in shares
        ),
        key=lambda item: (item[0], item[1].location_id),
    )
    done = []
    for sku, pick in ordered:
        if not inventory.reserve(connection, sku, pick.location_id, pick.quantity):
            for taken_sku, taken in done:
                inventory.release(
                    connection, taken_sku, taken.location_id, taken.quantity
                )
            return False
        done.append((sku, pick))
    if _count_load(connection, needs, picks, now, resolved):
        return True
    _release_picks(connection, needs, picks)
    return False


def _release_picks(
    connection: Connection, needs: list[LineNeed], picks: dict[int, list[Pick]]
) -> None:
    for index, shares in picks.items():
        for pick in shares:
            inventory.release(
                connection, _sku(needs, index), pick.location_id, pick.quantity
            )


def _count_load(
    connection: Connection,
    needs: list[LineNeed],
    picks: dict[int, list[Pick]],
    now: datetime,
    resolved: rule_sets.Resolved,
) -> bool:
    if not resolved.rules.respect_capacity:
        return True
    ids = {pick.location_id for shares in picks.values() for pick in shares}
    nodes = candidates.load_nodes(connection, (), None, 0, ids, now)
    return promising.bump_loads(connection, [nodes[i] for i in sorted(ids)], now)


def _sku(needs: list[LineNeed], index: int) -> str:
    return next(need.sku for need in needs if need.index == index)
