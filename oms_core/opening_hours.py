"""Opening hours from OpenStreetMap ``opening_hours`` strings.

The supported part of the syntax is what shops really write: rules split by
``;`` (a ``,`` before a weekday also starts a rule, a common slip), each an
optional weekday selector (``Mo-Fr``, ``Tu,Th``, ``Sa-Su``; weekday names in
any case) and either ``off`` or time spans (``09:00-17:30``, several joined
by ``,``, ``24:00`` and spans past midnight allowed), or ``24/7``. A later
rule for a day replaces an earlier one, as OSM reads them. Two more
selectors are read because shops use them all the time: fixed dates
(``Dec 25 off``, ``Dec 24 09:00-14:00``, ``Dec 25-26,Jan 01 off``), which
replace that date's weekday hours every year, and public holidays
(``PH off``, ``Su,PH off``), which are kept but applied only where a
holiday calendar is known. Anything else (week numbers, year ranges,
fallback ``||`` rules, prose) is refused with the position of the first
character not understood; nothing is guessed.

Times are wall-clock times in the location's own zone; :meth:`WeeklyHours.
is_open` and :meth:`WeeklyHours.next_open` take an aware instant and a zone.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

logger = logging.getLogger(__name__)

WEEKDAYS = ("mo", "tu", "we", "th", "fr", "sa", "su")
MONTHS = (
    "jan", "feb", "mar", "apr", "may", "jun",
    "jul", "aug", "sep", "oct", "nov", "dec",
)  # fmt: skip
_DAYS_IN_MONTH = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
MAX_LENGTH = 255
_DAY = 24 * 60

_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
    |(?P<always>24/7)
    |(?P<span>(?P<h1>\d{1,2}):(?P<m1>\d{2})\s*-\s*(?P<h2>\d{1,2}):(?P<m2>\d{2}))
    |(?P<month>jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)(?![A-Za-z])
    |(?P<number>\d{1,2})(?![\d:A-Za-z])
    |(?P<day>[A-Za-z]{2})(?![A-Za-z])
    |(?P<off>off|closed)(?![A-Za-z])
    |(?P<punct>[;,\-])
    """,
    re.VERBOSE | re.IGNORECASE,
)


class OpeningHoursError(ValueError):
    """A string that is not understood; ``position`` is 0-based."""

    def __init__(self, text: str, position: int, reason: str) -> None:
        self.text = text
        self.position = position
        self.reason = reason
        super().__init__(f"{reason} at position {position}: {text[position:][:20]!r}")


@dataclass(frozen=True, slots=True)
class WeeklyHours:
    """Open spans per weekday (0 = Monday), minutes from that day's midnight.

    An end past 1440 runs into the next day (``06:00-01:00`` ends at 1500).
    """

    days: tuple[tuple[tuple[int, int], ...], ...]
    # ((month, day), spans) replacing that date's weekday hours every year.
    dates: tuple[tuple[tuple[int, int], tuple[tuple[int, int], ...]], ...] = ()
    # The public-holiday rule (``PH off``), None when the string has none.
    # TODO: no holiday calendar per region yet, so it is kept, not applied.
    holidays: tuple[tuple[int, int], ...] | None = None

    def spans(self, weekday: int) -> tuple[tuple[int, int], ...]:
        """The open spans of ``weekday``."""
        return self.days[weekday]

    def spans_on(self, day: date) -> tuple[tuple[int, int], ...]:
        """The open spans of a local calendar ``day``: its date rule, if any."""
        for (month, day_of_month), spans in self.dates:
            if (day.month, day.day) == (month, day_of_month):
                return spans
        return self.days[day.weekday()]

    def is_open(self, at: datetime, zone: str) -> bool:
        """Whether the location is open at the aware instant ``at``."""
        local = at.astimezone(ZoneInfo(zone))
        minute = local.hour * 60 + local.minute
        today = local.date()
        if any(start <= minute < end for start, end in self.spans_on(today)):
            return True
        yesterday = today - timedelta(days=1)
        return any(minute + _DAY < end for _, end in self.spans_on(yesterday))

    def next_open(self, at: datetime, zone: str) -> datetime | None:
        """The first instant at or after ``at`` when it is open (None: never)."""
        if self.is_open(at, zone):
            return at
        tz = ZoneInfo(zone)
        local = at.astimezone(tz)
        midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
        # A year and a week: date rules can shut a store past a whole week.
        for offset in range(373):
            day = midnight + timedelta(days=offset)
            for start, _end in sorted(self.spans_on(day.date())):
                # Wall-clock arithmetic in the zone, then back to an instant.
                opening = (day.replace(tzinfo=None) + timedelta(minutes=start)).replace(
                    tzinfo=tz
                )
                if opening >= local:
                    return opening.astimezone(at.tzinfo)
        return None

    @property
    def always(self) -> bool:
        """Open all day every day."""
        return all(spans == ((0, _DAY),) for spans in self.days)


def parse(text: str) -> WeeklyHours:
    """The weekly hours of an OSM ``opening_hours`` string.

    Raises :class:`OpeningHoursError` with the position of the problem.
    """
    if len(text) > MAX_LENGTH:
        raise OpeningHoursError(text, MAX_LENGTH, "longer than allowed")
    tokens = _tokens(text)
    if not tokens:
        raise OpeningHoursError(text, 0, "empty")

    days: list[tuple[tuple[int, int], ...]] = [()] * 7
    dates: dict[tuple[int, int], tuple[tuple[int, int], ...]] = {}
    holidays = None
    for rule in _rules(text, tokens):
        if rule[0][0] == "month":
            selected_dates, index = _dates(text, rule)
            spans = _times(text, rule, index)
            for month_day in selected_dates:
                dates[month_day] = spans
            continue
        selected, public_holiday, spans = _rule(text, rule)
        for weekday in selected:
            days[weekday] = spans
        if public_holiday:
            holidays = spans
    return WeeklyHours(tuple(days), tuple(sorted(dates.items())), holidays)


def _tokens(text: str) -> list[tuple[str, re.Match[str]]]:
    tokens = []
    position = 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None:
            raise OpeningHoursError(text, position, "not understood")
        # The outermost group closes last, so nested time groups name "span".
        kind = match.lastgroup or "span"
        if kind != "space":
            tokens.append((kind, match))
        position = match.end()
    return tokens


def _rules(
    text: str, tokens: list[tuple[str, re.Match[str]]]
) -> list[list[tuple[str, re.Match[str]]]]:
    rules: list[list[tuple[str, re.Match[str]]]] = [[]]
    for index, (kind, match) in enumerate(tokens):
        following = tokens[index + 1][0] if index + 1 < len(tokens) else None
        if match.group(0) == ";" or (match.group(0) == "," and following == "day"):
            if rules[-1] and rules[-1][-1][0] != "day":
                rules.append([])
                continue
        rules[-1].append((kind, match))
    return [rule for rule in rules if rule]


def _rule(
    text: str, rule: list[tuple[str, re.Match[str]]]
) -> tuple[set[int], bool, tuple[tuple[int, int], ...]]:
    index = 0
    selected: set[int] = set()
    public_holiday = False
    while index < len(rule) and rule[index][0] == "day":
        if rule[index][1].group(0).lower() == "ph":
            public_holiday = True
            index += 1
            if index < len(rule) and rule[index][1].group(0) == ",":
                index += 1
            continue
        first = _weekday(text, rule[index][1])
        last = first
        if index + 2 < len(rule) and rule[index + 1][1].group(0) == "-":
            if rule[index + 2][0] != "day":
                raise OpeningHoursError(
                    text, rule[index + 2][1].start(), "a weekday was expected"
                )
            last = _weekday(text, rule[index + 2][1])
            index += 2
        selected.update(_weekday_range(first, last))
        index += 1
        if index < len(rule) and rule[index][1].group(0) == ",":
            index += 1
    if not selected and not public_holiday:
        selected = set(range(7))
    return selected, public_holiday, _times(text, rule, index)


def _times(
    text: str, rule: list[tuple[str, re.Match[str]]], index: int
) -> tuple[tuple[int, int], ...]:
    """The spans (or ``off``, ``24/7``) of a rule from its token ``index``."""
    if index >= len(rule):
        position = rule[-1][1].end()
        raise OpeningHoursError(text, position, "times were expected")
    kind, match = rule[index]
    if kind == "always" and index == len(rule) - 1:
        return ((0, _DAY),)
    if kind == "off" and index == len(rule) - 1:
        return ()

    spans = []
    expect_span = True
    for kind, match in rule[index:]:
        if expect_span and kind == "span":
            spans.append(_span(text, match))
        elif not expect_span and match.group(0) == ",":
            pass
        else:
            raise OpeningHoursError(text, match.start(), "a time span was expected")
        expect_span = not expect_span
    if expect_span:
        raise OpeningHoursError(text, rule[-1][1].end(), "a time span was expected")
    return tuple(spans)


def _dates(
    text: str, rule: list[tuple[str, re.Match[str]]]
) -> tuple[list[tuple[int, int]], int]:
    """``Dec 25``, ``Dec 24-26``, ``Dec 25,Jan 01``: the dates and the next index."""
    found: list[tuple[int, int]] = []
    index = 0
    while index < len(rule) and rule[index][0] == "month":
        month = MONTHS.index(rule[index][1].group(0).lower()) + 1
        if index + 1 >= len(rule) or rule[index + 1][0] != "number":
            position = rule[index][1].end()
            raise OpeningHoursError(text, position, "a day of the month was expected")
        first = _day_of_month(text, month, rule[index + 1][1])
        last = first
        index += 2
        if (
            index + 1 < len(rule)
            and rule[index][1].group(0) == "-"
            and rule[index + 1][0] == "number"
        ):
            last = _day_of_month(text, month, rule[index + 1][1])
            if last < first:
                raise OpeningHoursError(
                    text, rule[index + 1][1].start(), "a range must run forwards"
                )
            index += 2
        found += [(month, day) for day in range(first, last + 1)]
        if index < len(rule) and rule[index][1].group(0) == ",":
            index += 1
    return found, index


def _day_of_month(text: str, month: int, match: re.Match[str]) -> int:
    day = int(match.group(0))
    if not 1 <= day <= _DAYS_IN_MONTH[month - 1]:
        raise OpeningHoursError(text, match.start(), "not a day of that month")
    return day


def _weekday(text: str, match: re.Match[str]) -> int:
    name = match.group(0).lower()
    if name not in WEEKDAYS:
        raise OpeningHoursError(text, match.start(), "not a weekday")
    return WEEKDAYS.index(name)


def _weekday_range(first: int, last: int) -> list[int]:
    if last >= first:
        return list(range(first, last + 1))
    return list(range(first, 7)) + list(range(last + 1))


def _span(text: str, match: re.Match[str]) -> tuple[int, int]:
    h1, m1, h2, m2 = (int(match[name]) for name in ("h1", "m1", "h2", "m2"))
    if (
        h1 > 24
        or h2 > 24
        or m1 > 59
        or m2 > 59
        or (h1 == 24 and m1)
        or (h2 == 24 and m2)
    ):
        raise OpeningHoursError(text, match.start(), "not a time of day")
    start = h1 * 60 + m1
    end = h2 * 60 + m2
    if end <= start:
        end += _DAY
    return start, end
