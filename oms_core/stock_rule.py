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


@dataclass(frozen=True, slots=True)
class StockRow:
    """Seeded stock of one SKU at one location."""

    sku: str
    location_id: str
    on_hand: int
    buffer: int


def jitter(sku: str, location_id: str) -> tuple[float, float]:
    """The pair's two stable uniform numbers ``(u_range, u_qty)``."""
    digest = hashlib.blake2b(f"{sku}|{location_id}".encode(), digest_size=16).digest()
    scale = float(2**64)
    return (
        int.from_bytes(digest[:8], "big") / scale,
        int.from_bytes(digest[8:], "big") / scale,
    )


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
    """Every stock row with on-hand above zero, location by location."""
    ranks = sales_ranks(units_sold)
    by_rank = sorted(ranks, key=ranks.__getitem__)

    for location in locations:
        if location.kind is LocationKind.DISTRIBUTION_CENTRE:
            for sku in by_rank:
                on_hand = dc_on_hand(units_sold[sku], jitter(sku, location.id)[1])
                if on_hand > 0:
                    yield StockRow(sku, location.id, on_hand, DC_BUFFER)
            continue

        size = location.size_class or 1
        # No SKU ranked past 1.5 times the share can be carried: stop there.
        reach = RANGE_SHARE[size] * 1.5
        for sku in by_rank:
            rank = ranks[sku]
            if rank >= reach:
                break
            u_range, u_qty = jitter(sku, location.id)
            on_hand = store_on_hand(units_sold[sku], rank, size, u_range, u_qty)
            if on_hand > 0:
                yield StockRow(sku, location.id, on_hand, STORE_BUFFER)
