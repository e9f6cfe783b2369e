"""What a kiosk tells a customer about a product, in their words.

Staff read figures ("ATP 3", "2.4 km"); a customer wants to know whether
they can take it home, where and when they could collect it, and when it
would arrive. :func:`kiosk_promise` asks the engine for the two promises a
customer weighs (collect at the nearest store that has it, delivery to the
store's own area) without reserving anything; the ``*_words`` functions
turn figures and dates into short sentences.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from pydantic import ValidationError

from oms_client import OmsClient, OmsError
from oms_client.models import (
    Address,
    CollectFulfilment,
    DeliverFulfilment,
    Location,
    OrderLineRequest,
    QuoteRequest,
)
from pos_app.stock_lookup import StockSnapshot

logger = logging.getLogger(__name__)

# TODO: take the carrier's transit time from the engine once it quotes one;
# its promise for a delivered line is the day the source sends it, so the
# kiosk adds a standard two days to say when it arrives.
DELIVERY_TRANSIT_DAYS = 2


@dataclass(frozen=True, slots=True)
class KioskPromise:
    """The two sentences under a product: where to collect, when delivered.

    ``collect_at`` is the (location id, name) the collect sentence names.
    """

    sku: str
    collect: str | None
    deliver: str | None
    collect_at: tuple[str, str] | None = None


def store_today(home: Location, now: datetime | None = None) -> date:
    """Today's date where the store is."""
    return (
        (now or datetime.now(ZoneInfo("UTC")))
        .astimezone(ZoneInfo(home.timezone))
        .date()
    )


def day_words(day: date, today: date) -> str:
    """``today``, ``tomorrow`` or ``on Tue 8 Dec``."""
    if day <= today:
        return "today"
    if (day - today).days == 1:
        return "tomorrow"
    return f"on {day:%a} {day.day} {day:%b}"


def here_words(snapshot: StockSnapshot) -> str:
    """Whether the customer can take one from this store's shelf."""
    if snapshot.here_atp > 0:
        return "In stock here: take one home today"
    return "Not on the shelf here"


def collect_words(place: str, day: date | None, today: date) -> str:
    """``Collect from Leith tomorrow`` (or without a day when unknown)."""
    if day is None:
        return f"Collect from {place}"
    return f"Collect from {place} {day_words(day, today)}"


def deliver_words(day: date | None, today: date) -> str:
    """``Delivered by Tue 8 Dec`` for a parcel the source sends on ``day``."""
    if day is None:
        return "Delivery available"
    words = day_words(day + timedelta(days=DELIVERY_TRANSIT_DAYS), today)
    return (
        f"Delivered {words}"
        if words in ("today", "tomorrow")
        else (f"Delivered by {words.removeprefix('on ')}")
    )


async def kiosk_promise(
    client: OmsClient, home: Location, snapshot: StockSnapshot
) -> KioskPromise:
    """Ask the engine when one could be collected and when delivered.

    Collection is offered at this store when it has one, else at the
    nearest store that has; delivery is quoted to the store's own postcode
    (a customer's own address comes at checkout). Nothing is reserved; an
    engine that cannot answer leaves the sentence out.
    """
    today = store_today(home)
    collect = collect_at = None
    if snapshot.here_atp <= 0:
        stocked = [level for level in snapshot.nearby if level.atp > 0]
        if stocked:
            place = stocked[0]
            day = await _earliest(
                client,
                home,
                snapshot.sku,
                CollectFulfilment(location_id=place.location_id),
            )
            collect = collect_words(place.name, day, today)
            collect_at = (place.location_id, place.name)

    deliver = None
    try:
        address = Address(
            name="Kiosk customer", line1="-", city=home.name, postcode=home.postcode
        )
    except ValidationError:
        address = None
    if address is not None:
        day = await _earliest(
            client, home, snapshot.sku, DeliverFulfilment(address=address)
        )
        deliver = deliver_words(day, today) if day is not None else None
    return KioskPromise(snapshot.sku, collect, deliver, collect_at)


async def _earliest(
    client: OmsClient, home: Location, sku: str, fulfilment
) -> date | None:
    """The engine's earliest date for one unit, or None when it has none."""
    try:
        quote = await client.quote(
            QuoteRequest(
                selling_location_id=home.id,
                lines=[OrderLineRequest(sku=sku, quantity=1, fulfilment=fulfilment)],
                channel="kiosk",
            )
        )
    except (OmsError, ValueError):
        logger.info("No kiosk promise from the engine for a product")
        return None
    line = quote.lines[0] if quote.lines else None
    if line is None or not line.fulfillable:
        return None
    dates = [a.earliest_date for a in line.allocations if a.earliest_date]
    return max(dates) if dates else None
