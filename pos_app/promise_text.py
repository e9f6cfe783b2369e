"""Each line's promise in words, from the quote an order was placed with.

Used by the confirmation screen and the receipt: how the line reaches the
customer (collect here, collect at a store, deliver to a postcode) and what
the engine promised (where from and the earliest date). After the engine
accepted the order, :func:`broken_promises` names the lines it sourced
elsewhere than the quote said, with the engine's reason.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from oms_client.models import Fulfilment, Order, Quote

logger = logging.getLogger(__name__)

HOW = {"ship": "delivered", "collect": "ready", "transfer": "sent, ready"}


def quoted_lines(quote: Quote | None) -> dict[str, str]:
    """Per SKU: ``from Leeds, ready 2026-12-05`` (several places joined)."""
    if quote is None:
        return {}
    words: dict[str, str] = {}
    for line in quote.lines:
        if not line.fulfillable or not line.allocations:
            words[line.sku] = (
                f"cannot be met{': ' + line.reason if line.reason else ''}"
            )
            continue
        parts = []
        for allocation in line.allocations:
            place = allocation.name or allocation.location_id
            when = (
                f", {HOW.get(allocation.method, allocation.method)} "
                f"{allocation.earliest_date.isoformat()}"
                if allocation.earliest_date
                else ""
            )
            parts.append(f"from {place}{when}")
        words[line.sku] = "; ".join(parts)
    return words


def quoted_sources(quote: Quote | None) -> dict[str, set[str]]:
    """Per SKU, the locations the quote took it from."""
    if quote is None:
        return {}
    return {
        line.sku: {allocation.location_id for allocation in line.allocations}
        for line in quote.lines
    }


def describe_method(fulfilment: Fulfilment, places: Mapping[str, str]) -> str:
    """``Collect at Leeds`` or ``Deliver to LS1 5HD``."""
    if fulfilment.method == "collect":
        return (
            f"Collect at {places.get(fulfilment.location_id, fulfilment.location_id)}"
        )
    return f"Deliver to {fulfilment.address.postcode}"


def broken_promises(order: Order, quote: Quote | None) -> dict[str, str]:
    """Per SKU, why the accepted order does not keep the quote's source.

    Empty when the engine honoured the quote (or none was shown).
    """
    if quote is None or not order.sourcing_note:
        return {}
    sources = quoted_sources(quote)
    broken = {}
    for line in order.lines:
        taken = {allocation.location_id for allocation in line.allocations} or {
            line.source_location_id
        }
        if taken != sources.get(line.sku, taken):
            broken[line.sku] = order.sourcing_note
    if not broken:
        # TODO: the engine gives one sourcing note per order, not per line;
        # when no line's source changed, every line carries the order's note.
        broken = {line.sku: order.sourcing_note for line in order.lines}
    return broken
