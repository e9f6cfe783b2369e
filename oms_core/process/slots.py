"""Collection slots in the store's own time zone.

Opening hours are given per weekday (0 = Monday) as local ``(open,
close)`` times; a close at or before the open means the store closes the
next morning (an overnight opening, 18:00-02:00). A slot is a local date
and time turned into a UTC instant through the store's zone, so a slot on
a daylight-saving change day is right: a local time skipped by the clock
change is refused, and a repeated one is taken at its first occurrence.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

logger = logging.getLogger(__name__)

Hours = Mapping[int, Sequence[tuple[time, time]]]


class SlotError(ValueError):
    """A slot that does not exist or falls outside opening hours."""


def slot_instant(day: date, at: time, zone: str) -> datetime:
    """The UTC instant of local ``day`` ``at`` in ``zone``; gaps are refused."""
    tz = ZoneInfo(zone)
    local = datetime.combine(day, at, tzinfo=tz)
    round_trip = local.astimezone(UTC).astimezone(tz)
    if round_trip.replace(tzinfo=None) != local.replace(tzinfo=None):
        raise SlotError(f"{day} {at} does not exist in {zone} (the clocks change)")
    return local.astimezone(UTC)


def is_open(hours: Hours, instant: datetime, zone: str) -> bool:
    """Whether the store is open at ``instant`` (aware), in its own zone."""
    if instant.utcoffset() is None:
        raise SlotError("a slot time must carry a time zone")
    local = instant.astimezone(ZoneInfo(zone))
    today, now = local.date(), local.time().replace(tzinfo=None)

    for opens, closes in hours.get(today.weekday(), ()):
        if closes > opens and opens <= now < closes:
            return True
        if closes <= opens and now >= opens:
            return True  # the evening part of an overnight opening
    yesterday = today - timedelta(days=1)
    for opens, closes in hours.get(yesterday.weekday(), ()):
        if closes <= opens and now < closes:
            return True  # the small hours of yesterday's overnight opening
    return False


def check_slot(hours: Hours, day: date, at: time, zone: str) -> datetime:
    """The UTC instant of a collection slot, refused if the store is shut."""
    instant = slot_instant(day, at, zone)
    if not is_open(hours, instant, zone):
        raise SlotError(f"the store is closed at {at} on {day}")
    return instant
