"""Choosing where each line of an order comes from, and saying why.

Pure functions over candidate locations, so the rules can be tested without
a database. :func:`plan` takes a rule set (:class:`~oms_core.api_models.
SourcingRules`), the lines and the candidates with their ATP, and answers
per line with allocations (location, units, method, earliest date) and a
trace: every candidate with the reason it was taken, passed over or
refused.

The order of decisions:

1. A candidate is refused for the whole order when its kind is not allowed,
   the rule set excludes it, it is closed, it cannot ship, it is at its
   daily capacity, or it is farther than the rule set's limit.
2. A collected line comes from the collection store, which must be open for
   collection; if it lacks the units and the rule set allows a transfer,
   other locations send them there; otherwise the line is refused, never
   silently sourced elsewhere.
3. Delivered lines: with "prefer fewest shipments", one location for all of
   them first, then the fewest locations (each covering whole lines), and
   only then a line split across locations when the rule set allows it.
   Among equals the ranking keys decide (distance, cost, priority, stock),
   then the location id.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from oms_core import geo, network
from oms_core.api_models import (
    Capability,
    ErrorCode,
    LocationKind,
    RankingKey,
    SourcingMethod,
    SourcingRules,
    TraceDecision,
)
from oms_core.sourcing_model import LineNeed, Node, Note, Pick, Plan, Refusal

logger = logging.getLogger(__name__)

DEFAULT_LEAD_DAYS = {LocationKind.SUPPLIER: 3}
DEFAULT_COST = {
    LocationKind.DISTRIBUTION_CENTRE: 350,
    LocationKind.WAREHOUSE: 400,
    LocationKind.DARK_STORE: 450,
    LocationKind.STORE: 600,
    LocationKind.SUPPLIER: 800,
}


# -- the first cut's rule, kept for its callers -----------------------------


@dataclass(frozen=True, slots=True)
class Candidate:
    """A location that holds some ATP of the line's SKU."""

    location_id: str
    point: geo.Point
    atp: int


def rank_for_delivery(
    candidates: Iterable[Candidate], destination: geo.Point, quantity: int
) -> list[str]:
    """Ids of the locations that can ship ``quantity``, nearest first."""
    able = [c for c in candidates if c.atp >= quantity]
    able.sort(key=lambda c: (geo.haversine_km(destination, c.point), c.location_id))
    return [c.location_id for c in able]


# -- the rule-driven planner ------------------------------------------------


__all__ = [
    "Candidate",
    "LineNeed",
    "Node",
    "Note",
    "Pick",
    "Plan",
    "Refusal",
    "plan",
    "rank_for_delivery",
]


def plan(
    rules: SourcingRules,
    lines: Sequence[LineNeed],
    nodes: dict[str, Node],
    now: datetime,
) -> Plan:
    """Source ``lines`` from ``nodes`` under ``rules`` at instant ``now``."""
    result = Plan()
    left = {node_id: dict(node.atp) for node_id, node in nodes.items()}
    shippers = _eligible_shippers(rules, nodes, lines, result)

    for line in lines:
        if line.collect_at is not None:
            _collect(rules, line, nodes, shippers, left, now, result)

    deliveries = [line for line in lines if line.collect_at is None]
    if deliveries:
        _deliver(rules, deliveries, nodes, shippers, left, now, result)

    if rules.max_shipments is not None and result.shipments > rules.max_shipments:
        for index in list(result.picks):
            result.refused[index] = Refusal(
                ErrorCode.INSUFFICIENT_STOCK,
                f"needs {result.shipments} shipments; the rule set allows "
                f"{rules.max_shipments}",
            )
        result.picks.clear()
    return result


def _eligible_shippers(
    rules: SourcingRules,
    nodes: dict[str, Node],
    lines: Sequence[LineNeed],
    result: Plan,
) -> set[str]:
    excluded = set(rules.excluded_locations)
    allowed = set(rules.allowed_kinds)
    destinations = [line.destination for line in lines if line.destination]
    eligible = set()
    for node in sorted(nodes.values(), key=lambda n: n.id):
        distance = _distance(node, destinations[0]) if destinations else None
        reason = None
        if node.kind not in allowed:
            reason = f"{node.kind.value} locations are not allowed by the rule set"
        elif node.id in excluded:
            reason = "excluded by the rule set"
        elif not network.can_fulfil(node.state):
            reason = "offline (closed)"
        elif Capability.SHIP_FROM not in node.capabilities:
            reason = "cannot ship orders"
        elif (
            rules.respect_capacity
            and node.capacity_left is not None
            and node.capacity_left <= 0
        ):
            reason = "daily order capacity reached"
        elif (
            rules.max_distance_km is not None
            and distance is not None
            and distance > rules.max_distance_km
        ):
            reason = (
                f"{distance:.0f} km away, beyond the rule set's "
                f"{rules.max_distance_km:.0f} km"
            )
        if reason is None:
            eligible.add(node.id)
        else:
            result.trace.append(
                Note(None, node.id, TraceDecision.REFUSED, reason, _round(distance))
            )
    return eligible


def _collect(
    rules: SourcingRules,
    line: LineNeed,
    nodes: dict[str, Node],
    shippers: set[str],
    left: dict[str, dict[str, int]],
    now: datetime,
    result: Plan,
) -> None:
    store = nodes.get(line.collect_at or "")
    if store is None:
        result.refused[line.index] = Refusal(
            ErrorCode.UNKNOWN_LOCATION, "the collection location is not known"
        )
        return
    if not network.can_hand_over(store.state):
        result.refused[line.index] = Refusal(
            ErrorCode.LOCATION_CANNOT_FULFIL,
            f"{store.name} is {store.state.value} and hands over no collections",
            store.id,
        )
        return
    if Capability.CLICK_COLLECT not in store.capabilities:
        result.refused[line.index] = Refusal(
            ErrorCode.LOCATION_CANNOT_FULFIL,
            f"{store.name} does not offer click & collect",
            store.id,
        )
        return

    if (
        rules.respect_capacity
        and store.capacity_left is not None
        and store.capacity_left <= 0
    ):
        result.refused[line.index] = Refusal(
            ErrorCode.LOCATION_CANNOT_FULFIL,
            f"{store.name} has reached its daily order capacity",
            store.id,
        )
        return

    here = left[store.id].get(line.sku, 0)
    if store.kind not in network.STOCKLESS_KINDS and here >= line.quantity:
        left[store.id][line.sku] = here - line.quantity
        day = _ready_date(rules, store, now, transfer=False)
        result.picks[line.index] = [
            Pick(store.id, line.quantity, SourcingMethod.COLLECT, day, 0.0)
        ]
        result.trace.append(
            Note(
                line.index,
                store.id,
                TraceDecision.TAKEN,
                "collection store holds the units",
                0.0,
                here,
            )
        )
        return

    shortfall = f"the collection store has {here} of {line.quantity}"
    if not rules.collect_by_transfer:
        result.refused[line.index] = Refusal(
            ErrorCode.INSUFFICIENT_STOCK,
            f"{shortfall} and the rule set does not allow a transfer",
            store.id,
        )
        result.trace.append(
            Note(line.index, store.id, TraceDecision.REFUSED, shortfall, 0.0, here)
        )
        return
    if Capability.RECEIVE_FOR_COLLECTION not in store.capabilities:
        result.refused[line.index] = Refusal(
            ErrorCode.INSUFFICIENT_STOCK,
            f"{shortfall} and it cannot receive transfers for collection",
            store.id,
        )
        return

    result.trace.append(
        Note(line.index, store.id, TraceDecision.PASSED_OVER, shortfall, 0.0, here)
    )
    senders = shippers - {store.id}
    transfer = LineNeed(line.index, line.sku, line.quantity, store.point)
    picks = _fill_line(
        rules, transfer, nodes, senders, left, now, result, transfer=True
    )
    if picks:
        result.picks[line.index] = picks


def _deliver(
    rules: SourcingRules,
    lines: list[LineNeed],
    nodes: dict[str, Node],
    shippers: set[str],
    left: dict[str, dict[str, int]],
    now: datetime,
    result: Plan,
) -> None:
    destination = lines[0].destination
    assert destination is not None
    ranked = _ranked(rules, [nodes[i] for i in shippers], destination)

    if rules.prefer_fewest_shipments:
        remaining = list(lines)
        while remaining:
            best = _best_cover(ranked, remaining, left)
            if best is None:
                break
            node, covered = best
            for line in covered:
                _take(rules, line, node, line.quantity, destination, left, now, result)
                remaining.remove(line)
            reason = _cover_reason(len(covered), len(remaining) + len(covered))
            _note_passed(ranked, covered, node, left, destination, result, reason)
        lines = remaining

    for line in lines:
        picks = _fill_line(rules, line, nodes, shippers, left, now, result)
        if picks:
            result.picks[line.index] = picks


def _cover_reason(covered: int, open_lines: int) -> str:
    """Why a location was taken for some of an order's delivered lines."""
    if open_lines == 1:
        return "it holds the whole line"
    if covered == open_lines:
        return f"it holds all {open_lines} delivered lines"
    return f"it holds {covered} of the {open_lines} delivered lines still open"


def _best_cover(
    ranked: list[Node], lines: list[LineNeed], left: dict[str, dict[str, int]]
) -> tuple[Node, list[LineNeed]] | None:
    best: tuple[Node, list[LineNeed]] | None = None
    for node in ranked:
        stock = dict(left[node.id])
        covered = []
        for line in lines:
            if stock.get(line.sku, 0) >= line.quantity:
                stock[line.sku] -= line.quantity
                covered.append(line)
        if covered and (best is None or len(covered) > len(best[1])):
            best = (node, covered)
            if len(covered) == len(lines):
                break
    return best


def _fill_line(
    rules: SourcingRules,
    line: LineNeed,
    nodes: dict[str, Node],
    allowed: set[str],
    left: dict[str, dict[str, int]],
    now: datetime,
    result: Plan,
    *,
    transfer: bool = False,
) -> list[Pick]:
    assert line.destination is not None
    ranked = _ranked(rules, [nodes[i] for i in allowed], line.destination)
    whole = [n for n in ranked if left[n.id].get(line.sku, 0) >= line.quantity]
    if whole:
        node = whole[0]
        pick = _take(
            rules,
            line,
            node,
            line.quantity,
            line.destination,
            left,
            now,
            result,
            transfer=transfer,
            record=False,
        )
        _note_passed(
            ranked,
            [line],
            node,
            left,
            line.destination,
            result,
            "best ranked location holding the whole line",
        )
        return [pick]

    holding = sum(left[n.id].get(line.sku, 0) for n in ranked)
    if not rules.allow_split_lines:
        result.refused[line.index] = Refusal(
            ErrorCode.INSUFFICIENT_STOCK,
            "no single location holds the whole line and the rule set does "
            "not allow splitting it",
        )
        _note_short(ranked, line, left, line.destination, result)
        return []
    if holding < line.quantity:
        result.refused[line.index] = Refusal(
            ErrorCode.INSUFFICIENT_STOCK,
            f"only {holding} of {line.quantity} available at allowed locations",
        )
        _note_short(ranked, line, left, line.destination, result)
        return []

    picks = []
    need = line.quantity
    for node in ranked:
        have = left[node.id].get(line.sku, 0)
        if need == 0 or have == 0:
            continue
        units = min(have, need)
        picks.append(
            _take(
                rules,
                line,
                node,
                units,
                line.destination,
                left,
                now,
                result,
                transfer=transfer,
                record=False,
            )
        )
        result.trace.append(
            Note(
                line.index,
                node.id,
                TraceDecision.TAKEN,
                f"split: provides {units} of {line.quantity}",
                _round(_distance(node, line.destination)),
                have,
            )
        )
        need -= units
    return picks


def _take(
    rules: SourcingRules,
    line: LineNeed,
    node: Node,
    units: int,
    destination: geo.Point,
    left: dict[str, dict[str, int]],
    now: datetime,
    result: Plan,
    *,
    transfer: bool = False,
    record: bool = True,
) -> Pick:
    have = left[node.id].get(line.sku, 0)
    left[node.id][line.sku] = have - units
    distance = _round(_distance(node, destination))
    method = SourcingMethod.TRANSFER if transfer else SourcingMethod.SHIP
    pick = Pick(
        node.id, units, method, _ready_date(rules, node, now, transfer), distance
    )
    if record:
        result.picks.setdefault(line.index, []).append(pick)
    result.trace.append(
        Note(
            line.index,
            node.id,
            TraceDecision.TAKEN,
            f"{method.value}s {units}",
            distance,
            have,
        )
    )
    return pick


def _note_passed(
    ranked: list[Node],
    lines: list[LineNeed],
    chosen: Node,
    left: dict[str, dict[str, int]],
    destination: geo.Point,
    result: Plan,
    why: str,
) -> None:
    for line in lines:
        for node in ranked:
            if node.id == chosen.id:
                continue
            have = left[node.id].get(line.sku, 0)
            if have >= line.quantity:
                reason = f"{chosen.name} ranked first ({why})"
            else:
                reason = f"holds {have} of {line.quantity}"
            result.trace.append(
                Note(
                    line.index,
                    node.id,
                    TraceDecision.PASSED_OVER,
                    reason,
                    _round(_distance(node, destination)),
                    have,
                )
            )


def _note_short(
    ranked: list[Node],
    line: LineNeed,
    left: dict[str, dict[str, int]],
    destination: geo.Point,
    result: Plan,
) -> None:
    for node in ranked:
        have = left[node.id].get(line.sku, 0)
        result.trace.append(
            Note(
                line.index,
                node.id,
                TraceDecision.PASSED_OVER,
                f"holds {have} of {line.quantity}",
                _round(_distance(node, destination)),
                have,
            )
        )


def _ranked(
    rules: SourcingRules, candidates: list[Node], destination: geo.Point
) -> list[Node]:
    def key(node: Node) -> tuple:
        parts: list[float] = []
        for criterion in rules.ranking:
            if criterion is RankingKey.DISTANCE:
                parts.append(_distance(node, destination))
            elif criterion is RankingKey.COST:
                parts.append(_cost(rules, node.kind))
            elif criterion is RankingKey.PRIORITY:
                parts.append(rules.location_priority.get(node.id, 1_000_000))
            else:
                parts.append(-sum(node.atp.values()))
        return (*parts, node.id)

    return sorted(candidates, key=key)


def _cost(rules: SourcingRules, kind: LocationKind) -> int:
    return rules.cost_per_kind.get(kind, DEFAULT_COST.get(kind, 1000))


def _ready_date(
    rules: SourcingRules, node: Node, now: datetime, transfer: bool
) -> date:
    start = now
    if rules.respect_opening_hours and node.hours is not None:
        start = node.hours.next_open(now, node.timezone) or now
    lead = rules.lead_days.get(node.kind, DEFAULT_LEAD_DAYS.get(node.kind, 0))
    if transfer:
        lead += rules.transfer_days
    local = start.astimezone(ZoneInfo(node.timezone)).date()
    return local + timedelta(days=lead)


def _distance(node: Node, destination: geo.Point | None) -> float:
    if destination is None:
        return 0.0
    return geo.haversine_km(node.point, destination)


def _round(distance: float | None) -> float | None:
    return None if distance is None else round(distance, 1)
