"""Collection slots in the store's own time zone.

Opening hours are given per weekday (0 = Monday) as local ``(open,
close)`` times; a close at or before the open means the store closes the
next morning (an overnight opening, 18:00-02:00). A slot is a local date
and time turned into a UTC instant through the store's zone, so a slot on
a daylight-saving change day is right: a local time skipped by the clock
change is refused, and a repeated one is taken at its first occurrence.

:func:`slots_on` lists a day's bookable slots from a location's
:class:`~oms_core.opening_hours.WeeklyHours`, stepping real time through
each opening, so clock-change days and overnight openings come out right.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from oms_core.opening_hours import WeeklyHours

logger = logging.getLogger(__name__)

Hours = Mapping[int, Sequence[tuple[time, time]]]
SLOT_MINUTES = 30
_DAY_MINUTES = 24 * 60


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


@dataclass(frozen=True, slots=True)
class SlotTime:
    """One slot: its UTC start and end and the store's zone."""

    starts_at: datetime
    ends_at: datetime
    zone: str

    @property
    def local_start(self) -> datetime:
        """The start in the store's zone, with that moment's offset."""
        return self.starts_at.astimezone(ZoneInfo(self.zone))

    @property
    def local_end(self) -> datetime:
        """The end in the store's zone, with that moment's offset."""
        return self.ends_at.astimezone(ZoneInfo(self.zone))


def slots_on(
    hours: WeeklyHours, day: date, zone: str, minutes: int = SLOT_MINUTES
) -> list[SlotTime]:
    """The slots that start on local ``day``, inside the opening hours.

    Slots are ``minutes`` of real time, stepped from each opening in UTC,
    so a day the clocks go forward has fewer slots and one they go back
    more (the repeated hour is offered twice, with two offsets). The small
    hours of the previous evening's overnight opening belong to ``day``.
    """
    tz = ZoneInfo(zone)
    step = timedelta(minutes=minutes)
    yesterday = day - timedelta(days=1)
    spans = [(day, start, end) for start, end in hours.spans_on(day)]
    spans += [
        (yesterday, start, end)
        for start, end in hours.spans_on(yesterday)
        if end > _DAY_MINUTES
    ]

    found: dict[datetime, SlotTime] = {}
    for base, start, end in spans:
        midnight = datetime.combine(base, time())
        opens = _instant(midnight + timedelta(minutes=start), tz)
        closes = _instant(midnight + timedelta(minutes=end), tz)
        at = opens
        while at + step <= closes:
            if at.astimezone(tz).date() == day:
                found[at] = SlotTime(at, at + step, zone)
            at += step
    return [found[key] for key in sorted(found)]


def _instant(wall: datetime, tz: ZoneInfo) -> datetime:
    """A naive wall-clock time in ``tz`` as a UTC instant (a skipped time
    is read with the offset before the change, a repeated one the first)."""
    return wall.replace(tzinfo=tz).astimezone(UTC)
