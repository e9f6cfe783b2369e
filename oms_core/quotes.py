"""Quotes: where each line would come from, how and when, without reserving.

A quote is stored for a short while with its plan, so an order that names
it can be placed from the same locations; if the pool changed meanwhile,
the order is sourced afresh and says why the quote was not honoured.
"""

from __future__ import annotations

import hashlib
import json
import logging
import uuid
from collections.abc import Sequence
from datetime import date, datetime, timedelta

from sqlalchemy import Connection, select

from oms_core import holds, promising, reads
from oms_core.api_models import (
    ErrorCode,
    LocationState,
    Quote,
    QuoteLine,
    QuoteRequest,
    SourcingMethod,
)
from oms_core.db.inventory_schema import quotes
from oms_core.db.schema import locations
from oms_core.errors import EngineError, invalid
from oms_core.sourcing import LineNeed, Pick

logger = logging.getLogger(__name__)

QUOTE_MINUTES = 15


def lines_hash(lines: Sequence) -> str:
    """SHA-256 of the lines' canonical JSON: an order must match its quote.

    A line's shown promise (what the till's snapshot showed) is not part of
    what was quoted: an order carrying one still matches its quote.
    """
    canonical = json.dumps(
        [line.model_dump(mode="json", exclude={"promise"}) for line in lines],
        sort_keys=True,
        separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def create(connection: Connection, request: QuoteRequest, now: datetime) -> Quote:
    """Source the request's lines, store the plan and answer with its trace."""
    holds.expire_due(connection, now)
    try:
        reads.get_location(connection, request.selling_location_id)
    except EngineError as exc:
        raise invalid(
            ErrorCode.UNKNOWN_LOCATION,
            f"no selling location with id {request.selling_location_id!r}",
        ) from exc
    for location_id in request.explain:
        reads.get_location(connection, location_id)
    needs = promising.needs_of(connection, request.lines)
    sourced = promising.source(
        connection,
        request.selling_location_id,
        request.channel,
        needs,
        now,
        explain=request.explain,
    )

    quote = Quote(
        id=uuid.uuid4(),
        created_at=now,
        expires_at=now + timedelta(minutes=QUOTE_MINUTES),
        rule_scope=sourced.resolved.scope,
        rule_version=sourced.resolved.version,
        lines=[_line(sourced, need) for need in needs],
        shipments=sourced.plan.shipments,
        trace=promising.trace_of(sourced),
    )
    connection.execute(
        quotes.insert(),
        {
            "id": quote.id,
            "request_hash": lines_hash(request.lines),
            "plan": json.dumps(
                {
                    "picks": _plan_json(sourced),
                    "trace": [e.model_dump(mode="json") for e in quote.trace],
                    # Sourced under this store's rules: no other store's order.
                    "selling_location_id": request.selling_location_id,
                }
            ),
            "created_at": now,
            "expires_at": quote.expires_at,
        },
    )
    return quote


def _line(sourced: promising.Sourced, need: LineNeed) -> QuoteLine:
    refusal = sourced.plan.refused.get(need.index)
    return QuoteLine(
        line=need.index,
        sku=need.sku,
        quantity=need.quantity,
        allocations=promising.allocations_of(sourced, need.index),
        fulfillable=refusal is None,
        reason=refusal.reason if refusal else None,
    )


def _plan_json(sourced: promising.Sourced) -> dict[str, list[dict]]:
    return {
        str(index): [
            {
                "location_id": pick.location_id,
                "quantity": pick.quantity,
                "method": pick.method.value,
                "earliest_date": pick.earliest_date.isoformat()
                if pick.earliest_date
                else None,
                "distance_km": pick.distance_km,
            }
            for pick in picks
        ]
        for index, picks in sourced.plan.picks.items()
    }


def stored_picks(
    connection: Connection,
    quote_id: uuid.UUID,
    selling_location_id: str,
    lines: Sequence,
    needs: Sequence[LineNeed],
    now: datetime,
) -> tuple[dict[int, list[Pick]] | None, str | None]:
    """The quote's picks for an order, or None and why they cannot be used."""
    row = connection.execute(select(quotes).where(quotes.c.id == quote_id)).first()
    if row is None:
        return None, "the quote is not known"
    if row.expires_at <= now:
        return None, "the quote had expired"
    if row.request_hash != lines_hash(lines):
        return None, "the order's lines differ from the quote's"
    plan = json.loads(row.plan)
    quoted_for = plan.get("selling_location_id", selling_location_id)
    if quoted_for != selling_location_id:
        return None, f"the quote was made for {quoted_for}"
    stored = plan["picks"]
    picks: dict[int, list[Pick]] = {}
    for need in needs:
        shares = stored.get(str(need.index))
        if not shares:
            return None, f"the quote could not source line {need.index}"
        picks[need.index] = [
            Pick(
                share["location_id"],
                int(share["quantity"]),
                SourcingMethod(share["method"]),
                date.fromisoformat(share["earliest_date"])
                if share["earliest_date"]
                else None,
                share["distance_km"],
            )
            for share in shares
        ]
    changed = _location_changed(connection, needs, picks)
    if changed is not None:
        return None, changed
    return picks, None


def _location_changed(
    connection: Connection, needs: Sequence[LineNeed], picks: dict[int, list[Pick]]
) -> str | None:
    """Why a quoted location can no longer do its part (lift and shift), if so."""
    handing_over = {need.collect_at for need in needs if need.collect_at}
    handing_over |= {
        pick.location_id
        for shares in picks.values()
        for pick in shares
        if pick.method == SourcingMethod.COLLECT
    }
    shipping = {pick.location_id for shares in picks.values() for pick in shares}
    states = dict(
        connection.execute(
            select(locations.c.id, locations.c.state).where(
                locations.c.id.in_(handing_over | shipping)
            )
        ).all()
    )
    for location_id in sorted(handing_over):
        if states.get(location_id) != LocationState.OPEN:
            return f"{location_id} no longer hands over collections"
    for location_id in sorted(shipping - handing_over):
        if states.get(location_id) == LocationState.CLOSED:
            return f"{location_id} is closed"
    return None


def stored_trace(connection: Connection, quote_id: uuid.UUID) -> str:
    """The trace of a stored quote, as JSON text ("[]" if unknown)."""
    text = connection.scalar(select(quotes.c.plan).where(quotes.c.id == quote_id))
    if text is None:
        return "[]"
    return json.dumps(json.loads(text)["trace"])
