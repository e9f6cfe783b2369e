"""What the sourcing planner works on and answers with.

A :class:`Node` is a candidate location with its ATP per SKU; a
:class:`LineNeed` is a line to source; a :class:`Plan` holds the
:class:`Pick` list of each line, the :class:`Refusal` of each line that
cannot be sourced, and the trace (:class:`Note`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date

from oms_core import geo, network
from oms_core.api_models import (
    Capability,
    ErrorCode,
    LocationKind,
    LocationState,
    SourcingMethod,
    TraceDecision,
)
from oms_core.opening_hours import WeeklyHours

logger = logging.getLogger(__name__)


@dataclass(slots=True)
class Node:
    """A candidate location with its ATP per SKU and what it may do."""

    id: str
    name: str
    kind: LocationKind
    point: geo.Point
    state: LocationState = LocationState.OPEN
    capabilities: frozenset[Capability] = network.DEFAULT_CAPABILITIES[
        LocationKind.STORE
    ]
    timezone: str = "Europe/London"
    hours: WeeklyHours | None = None
    capacity_left: int | None = None
    atp: dict[str, int] = field(default_factory=dict)
    # Orders a day (None: unlimited); capacity_left is what today leaves.
    capacity: int | None = None


@dataclass(frozen=True, slots=True)
class LineNeed:
    """One line to source: deliver to ``destination`` or collect at a store."""

    index: int
    sku: str
    quantity: int
    destination: geo.Point | None = None
    collect_at: str | None = None


@dataclass(frozen=True, slots=True)
class Pick:
    """Units of a line from one location."""

    location_id: str
    quantity: int
    method: SourcingMethod
    earliest_date: date | None
    distance_km: float | None


@dataclass(frozen=True, slots=True)
class Note:
    """One trace entry (see :class:`~oms_core.api_models.TraceEntry`)."""

    line: int | None
    location_id: str
    decision: TraceDecision
    reason: str
    distance_km: float | None = None
    atp: int | None = None


@dataclass(frozen=True, slots=True)
class Refusal:
    """Why a line cannot be sourced, with the API error code it maps to."""

    code: ErrorCode
    reason: str
    location_id: str | None = None


@dataclass
class Plan:
    """The answer: picks per line, refusals per line, the trace."""

    picks: dict[int, list[Pick]] = field(default_factory=dict)
    refused: dict[int, Refusal] = field(default_factory=dict)
    trace: list[Note] = field(default_factory=list)

    @property
    def shipments(self) -> int:
        """Distinct (location, method) pairs: one parcel or transfer each."""
        return len(
            {(p.location_id, p.method) for picks in self.picks.values() for p in picks}
        )

    def locations(self) -> set[str]:
        """Every location the plan takes units from."""
        return {p.location_id for picks in self.picks.values() for p in picks}
