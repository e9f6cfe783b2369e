"""Sourcing an order taken offline: keep what the device promised, or say why not.

A device that sold while the engine was out of reach sends each line with
the promise it showed (:class:`~oms_core.api_models.ShownPromise`). Such an
order is not refused when the network can no longer keep a promise: every
line is sourced as far as the pool allows (a line the rules refuse is tried
again for fewer units), what was found is reserved, and each line whose
promise is broken comes back as a :class:`Broken` line: none found, only
some, only later than the date shown, or (for a collection) no longer on
the collection store's own shelf. The order process turns those into
line exceptions with a store task (:mod:`oms_core.process.line_exceptions`).
"""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Connection

from oms_core import promising, rule_sets
from oms_core.api_models import (
    ErrorCode,
    LineExceptionReason,
    OrderRequest,
    ShownPromise,
)
from oms_core.errors import EngineError
from oms_core.sourcing import LineNeed, Node, Pick, plan

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Broken:
    """A line whose shown promise cannot be kept, and what can be done now."""

    index: int
    reason: LineExceptionReason
    promise: ShownPromise
    reserved: int
    missing: int
    earliest_date: date | None
    location_id: str | None
    message: str


def carries_promises(request: OrderRequest) -> bool:
    """Whether the order was taken offline (a line carries a shown promise)."""
    return any(line.promise is not None for line in request.lines)


def source_and_reserve(
    connection: Connection,
    request: OrderRequest,
    needs: list[LineNeed],
    now: datetime,
) -> tuple[promising.Sourced, list[Broken]]:
    """Reserve what the pool can give; lines with a promise are never refused.

    A line without a promise that cannot be sourced is refused as usual.
    Nothing is reserved for the units a broken line is missing.
    """
    promised = {
        index: line.promise
        for index, line in enumerate(request.lines)
        if line.promise is not None
    }
    resolved = rule_sets.resolve(
        connection, request.selling_location_id, request.channel
    )
    for attempt in range(promising.MAX_ATTEMPTS):
        sourced = promising.source(
            connection,
            request.selling_location_id,
            request.channel,
            needs,
            now,
            resolved=resolved,
        )
        _refuse_unpromised(sourced, promised)
        _fill_what_is_there(sourced, now)
        if promising.reserve_plan(connection, sourced, now, count_load=True):
            broken = [
                found
                for index, promise in sorted(promised.items())
                if (found := judge(sourced.need(index), promise, sourced)) is not None
            ]
            if broken:
                logger.info("offline order accepted with %d broken lines", len(broken))
            return sourced, broken
        logger.info("stock moved while sourcing offline order (attempt %d)", attempt)
    raise EngineError(
        409,
        ErrorCode.INSUFFICIENT_STOCK,
        "the stock kept changing while the order was sourced; try again",
    )


def judge(
    need: LineNeed, promise: ShownPromise, sourced: promising.Sourced
) -> Broken | None:
    """Compare what was shown with what was reserved; None when it holds."""
    picks = sourced.plan.picks.get(need.index, [])
    reserved = sum(pick.quantity for pick in picks)
    missing = need.quantity - reserved
    dates = [pick.earliest_date for pick in picks if pick.earliest_date is not None]
    earliest = max(dates) if dates else None
    place = _main(picks)
    shown = f"promised {need.quantity} from {promise.location_id}" + (
        f" by {promise.earliest_date.isoformat()}" if promise.earliest_date else ""
    )
    now_from = f"from {place}" + (f" by {earliest.isoformat()}" if earliest else "")

    if reserved == 0:
        refusal = sourced.plan.refused.get(need.index)
        why = refusal.reason if refusal is not None else "nothing left"
        reason, message = (
            LineExceptionReason.UNAVAILABLE,
            f"{shown}; none can be sourced now ({why})",
        )
    elif missing > 0:
        reason, message = (
            LineExceptionReason.PARTIAL,
            f"{shown}; only {reserved} can be sourced now, {now_from}; "
            f"{missing} cannot",
        )
    elif (
        promise.earliest_date is not None
        and earliest is not None
        and earliest > promise.earliest_date
    ):
        reason, message = (
            LineExceptionReason.LATER,
            f"{shown}; the earliest now is {earliest.isoformat()} {now_from}",
        )
    elif (
        need.collect_at is not None
        and promise.location_id == need.collect_at
        and any(pick.location_id != need.collect_at for pick in picks)
    ):
        reason, message = (
            LineExceptionReason.OTHER_PLACE,
            f"{shown} (on the shelf there); it now comes by transfer {now_from}",
        )
    else:
        return None
    return Broken(
        need.index, reason, promise, reserved, missing, earliest, place, message
    )


def _refuse_unpromised(
    sourced: promising.Sourced, promised: dict[int, ShownPromise]
) -> None:
    """A line sent without a promise is refused as for any other order."""
    for index in sorted(sourced.plan.refused):
        if index not in promised:
            error = promising.refusal_error(sourced)
            assert error is not None
            raise error


def _fill_what_is_there(sourced: promising.Sourced, now: datetime) -> None:
    """Give each refused line the most units the pool can still give it.

    The planner refuses a line it cannot fill whole; here the line is
    planned again, alone, for fewer units (a binary search on the
    quantity), against what the other lines left.
    """
    for index in sorted(sourced.plan.refused):
        need = sourced.need(index)
        left = _nodes_left(sourced, need.sku)
        upper = min(
            need.quantity - 1, sum(n.atp.get(need.sku, 0) for n in left.values())
        )
        best: list[Pick] = []
        low, high = 1, upper
        while low <= high:
            middle = (low + high) // 2
            trial = plan(
                sourced.resolved.rules,
                [dataclasses.replace(need, quantity=middle)],
                left,
                now,
            )
            if index in trial.picks and index not in trial.refused:
                best = trial.picks[index]
                low = middle + 1
            else:
                high = middle - 1
        sourced.plan.picks[index] = best


def _nodes_left(sourced: promising.Sourced, sku: str) -> dict[str, Node]:
    """The nodes with the units of ``sku`` the other lines took removed."""
    used: dict[str, int] = {}
    for index, picks in sourced.plan.picks.items():
        if sourced.need(index).sku != sku:
            continue
        for pick in picks:
            used[pick.location_id] = used.get(pick.location_id, 0) + pick.quantity
    return {
        node_id: dataclasses.replace(
            node,
            atp={**node.atp, sku: max(0, node.atp.get(sku, 0) - used.get(node_id, 0))},
        )
        for node_id, node in sourced.nodes.items()
    }


def _main(picks: list[Pick]) -> str | None:
    if not picks:
        return None
    return max(picks, key=lambda p: (p.quantity, p.location_id)).location_id
