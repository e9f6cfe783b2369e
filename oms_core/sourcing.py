"""Choosing where an order line is fulfilled from.

Pure functions over candidate locations, so the rule can be tested without a
database: a delivered line goes to the nearest location that holds enough
ATP (distribution centres included), ties broken by location id.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass

from oms_core import geo

logger = logging.getLogger(__name__)


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
