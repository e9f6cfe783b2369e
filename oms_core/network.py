"""The location network's rules: states, capabilities, capacity, hours.

A location is *open* (sells to walk-in customers and hands over
collections), *dark* (a fulfilment node only: ships, but no walk-in and no
collection) or *closed* (offline: neither sells nor fulfils). What it can
do besides is a set of capabilities; its kind gives the defaults. Pure
functions, so sourcing and the API agree on one reading of them.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Iterable
from datetime import date, datetime
from zoneinfo import ZoneInfo

from oms_core import opening_hours
from oms_core.api_models import Capability, LocationKind, LocationState

logger = logging.getLogger(__name__)


_ALL = frozenset(Capability)
DEFAULT_CAPABILITIES: dict[LocationKind, frozenset[Capability]] = {
    LocationKind.STORE: _ALL,
    LocationKind.DISTRIBUTION_CENTRE: frozenset({Capability.SHIP_FROM}),
    LocationKind.WAREHOUSE: frozenset({Capability.SHIP_FROM}),
    LocationKind.DARK_STORE: frozenset({Capability.SHIP_FROM, Capability.SAME_DAY}),
    LocationKind.SUPPLIER: frozenset({Capability.SHIP_FROM}),
    LocationKind.COLLECTION_POINT: frozenset(
        {Capability.CLICK_COLLECT, Capability.RECEIVE_FOR_COLLECTION}
    ),
}

# Orders a location can take a day, by kind and (for stores) size class.
STORE_CAPACITY = {1: 40, 2: 150, 3: 300}
KIND_CAPACITY = {
    LocationKind.DISTRIBUTION_CENTRE: 20_000,
    LocationKind.WAREHOUSE: 10_000,
    LocationKind.DARK_STORE: 800,
    LocationKind.SUPPLIER: 2_000,
}

# A collection point holds no stock of its own.
STOCKLESS_KINDS = frozenset({LocationKind.COLLECTION_POINT})


def encode_capabilities(capabilities: Iterable[Capability]) -> str:
    """The stored form: sorted names joined by commas."""
    return ",".join(sorted(Capability(c).value for c in capabilities))


def decode_capabilities(text: str) -> frozenset[Capability]:
    """The capabilities of a stored string (unknown names are dropped)."""
    known = {c.value for c in Capability}
    return frozenset(Capability(name) for name in text.split(",") if name in known)


def default_capacity(kind: LocationKind, size_class: int | None) -> int | None:
    """The seeded daily order capacity of a location (None: unlimited)."""
    if kind is LocationKind.STORE:
        return STORE_CAPACITY.get(size_class or 1, STORE_CAPACITY[1])
    return KIND_CAPACITY.get(kind)


def can_fulfil(state: LocationState) -> bool:
    """Whether a location in ``state`` may ship or pick orders."""
    return state is not LocationState.CLOSED


def can_hand_over(state: LocationState) -> bool:
    """Whether customers may walk in or collect at a location in ``state``."""
    return state is LocationState.OPEN


def local_day(at: datetime, zone: str) -> date:
    """The calendar day of the instant ``at`` in the location's zone."""
    return at.astimezone(ZoneInfo(zone)).date()


@functools.lru_cache(maxsize=1024)
def hours_of(text: str | None) -> opening_hours.WeeklyHours | None:
    """Parsed opening hours, or None when none are recorded or readable.

    Stored strings were validated when they were written; one that no
    longer parses (a parser change) is treated as unknown hours and logged.
    """
    if not text:
        return None
    try:
        return opening_hours.parse(text)
    except opening_hours.OpeningHoursError:
        logger.warning("stored opening hours no longer parse; treated as unknown")
        return None
