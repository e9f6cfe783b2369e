"""The seeded stock: a deterministic on-hand per SKU per location.

The rule, from the real sales of the year (units sold per SKU):

- A SKU's *weekly demand* is its units sold over the year divided by 53
  weeks; its *sales rank* is its place among all SKUs by units sold, as a
  fraction from 0 (the best seller) to 1 (the slowest).
- Every (SKU, location) pair draws two numbers ``u_range`` and ``u_qty``,
  uniform in [0, 1), from a BLAKE2b hash of ``"<sku>|<location id>"``. They
  are the same on every run and every machine.
- A store carries a SKU when its rank is below the store's range share times
  ``0.5 + u_range``. The range share is 3 % of the catalogue for a small store
  (size class 1), 12 % for a superstore (2) and 35 % for a very large store
  (3): small stores carry only fast sellers, and most stores hold none of a
  slow seller.
- A store that carries a SKU holds 3 weeks of its own demand, where a store
  sees 1 % (small), 4 % (superstore) or 8 % (very large) of the weekly demand,
  scaled by ``0.5 + u_qty``; never fewer than 2 units (a shelf facing), never
  more than 500.
- Every distribution centre holds 2 weeks of the whole weekly demand, scaled
  by ``0.75 + 0.5 * u_qty``, at least 1 unit.
- Stores keep a safety buffer of 1 unit per SKU that is never promised;
  distribution centres keep none.

Only rows with on-hand above zero are stored.
"""

from __future__ import annotations

import hashlib
import logging
import math
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from oms_core.api_models import LocationKind
from oms_core.locations import LocationRecord

logger = logging.getLogger(__name__)

SALES_WEEKS = 53
RANGE_SHARE = {1: 0.03, 2: 0.12, 3: 0.35}
DEMAND_SHARE = {1: 0.01, 2: 0.04, 3: 0.08}
STORE_COVER_WEEKS = 3
STORE_MIN_UNITS = 2
STORE_MAX_UNITS = 500
DC_COVER_WEEKS = 2
STORE_BUFFER = 1
DC_BUFFER = 0

_SCALE = float(2**64)
_LOW = 2**64 - 1


@dataclass(frozen=True, slots=True)
class StockRow:
    """Seeded stock of one SKU at one location."""

    sku: str
    location_id: str
    on_hand: int
    buffer: int


def jitter(sku: str, location_id: str) -> tuple[float, float]:
    """The pair's two stable uniform numbers ``(u_range, u_qty)``."""
    value = pair_hash(sku, location_id)
    return (value >> 64) / _SCALE, (value & _LOW) / _SCALE


def pair_hash(sku: str, location_id: str) -> int:
    """The pair's BLAKE2b hash as one 128-bit number."""
    digest = hashlib.blake2b(f"{sku}|{location_id}".encode(), digest_size=16)
    return int.from_bytes(digest.digest(), "big")


def sales_ranks(units_sold: Mapping[str, int]) -> dict[str, float]:
    """Each SKU's sales rank: 0 for the best seller, towards 1 for the slowest."""
    order = sorted(units_sold, key=lambda sku: (-units_sold[sku], sku))
    count = len(order)
    return {sku: position / count for position, sku in enumerate(order)}


def store_on_hand(
    units_sold: int, rank: float, size_class: int, u_range: float, u_qty: float
) -> int:
    """Units a store of ``size_class`` holds of a SKU (0 if it does not carry it)."""
    if units_sold <= 0 or rank >= RANGE_SHARE[size_class] * (0.5 + u_range):
        return 0

    weekly = units_sold / SALES_WEEKS
    wanted = weekly * DEMAND_SHARE[size_class] * STORE_COVER_WEEKS * (0.5 + u_qty)
    return min(STORE_MAX_UNITS, max(STORE_MIN_UNITS, math.ceil(wanted)))


def dc_on_hand(units_sold: int, u_qty: float) -> int:
    """Units a distribution centre holds of a SKU."""
    if units_sold <= 0:
        return 0
    weekly = units_sold / SALES_WEEKS
    return max(1, math.ceil(weekly * DC_COVER_WEEKS * (0.75 + 0.5 * u_qty)))


def seeded_stock(
    units_sold: Mapping[str, int], locations: Iterable[LocationRecord]
) -> Iterator[StockRow]:
    """Every stock row with on-hand above zero, in (SKU, location id) order."""
    for sku, location_id, on_hand, buffer, _ in seeded_rows(units_sold, locations):
        yield StockRow(sku, location_id, on_hand, buffer)


def seeded_rows(
    units_sold: Mapping[str, int], locations: Iterable[LocationRecord]
) -> Iterator[tuple[str, str, int, int, int]]:
    """:func:`seeded_stock` as ``(sku, location_id, on_hand, buffer, draw)``.

    ``draw`` is the pair's whole 128-bit hash, whose leading bits of each
    half are ``u_range`` and ``u_qty``: its last bits are free for another
    stable draw of the pair (the seed's count time).

    The rows come in (SKU, location id) order, the order of the stock
    table's key, so a bulk insert appends. A store is only looked at for
    the SKUs it could carry: none ranked past 1.5 times its range share.
    """
    ranks = sales_ranks(units_sold)
    places = sorted(locations, key=lambda place: place.id)
    by_reach = _places_by_reach(places)
    blake2b = hashlib.blake2b

    for sku in sorted(units_sold):
        sold = units_sold[sku]
        rank = ranks[sku]
        prefix = f"{sku}|".encode()
        for location_id, encoded, size in _within_reach(by_reach, rank):
            # jitter(sku, location_id), without its calls: this runs a
            # million times a seed.
            digest = blake2b(prefix + encoded, digest_size=16).digest()
            value = int.from_bytes(digest, "big")
            u_qty = (value & _LOW) / _SCALE
            if size is None:
                on_hand = dc_on_hand(sold, u_qty)
                buffer = DC_BUFFER
            else:
                u_range = (value >> 64) / _SCALE
                on_hand = store_on_hand(sold, rank, size, u_range, u_qty)
                buffer = STORE_BUFFER
            if on_hand > 0:
                yield sku, location_id, on_hand, buffer, value


_Place = tuple[str, bytes, int | None]


def _places_by_reach(places: list[LocationRecord]) -> list[tuple[float, list]]:
    """Places in id order for each reach: stores carry nothing ranked past it.

    Each entry is ``(reach, places)`` where ``places`` holds every
    distribution centre and every store whose reach is above ``reach``; the
    entries go from the widest list (reach 0) to the narrowest.
    """
    reach = {size: share * 1.5 for size, share in RANGE_SHARE.items()}
    limits = [0.0, *sorted(set(reach.values()))]
    table = []
    for limit in limits:
        chosen: list[_Place] = []
        for place in places:
            if place.kind is LocationKind.DISTRIBUTION_CENTRE:
                chosen.append((place.id, place.id.encode(), None))
                continue
            size = place.size_class or 1
            if reach[size] > limit:
                chosen.append((place.id, place.id.encode(), size))
        table.append((limit, chosen))
    return table


def _within_reach(table: list[tuple[float, list]], rank: float) -> list[_Place]:
    """The places that could hold a SKU of ``rank``."""
    chosen = table[0][1]
    for limit, places in table[1:]:
        if rank < limit:
            break
        chosen = places
    return chosen
