"""Opening-hours strings: the real ones from OpenStreetMap, and generated ones.

Any text parses or is refused with :class:`OpeningHoursError` and a
position inside the text; what parses answers ``is_open`` and
``next_open`` consistently: the next opening is at or after the moment
asked, and the shop is open then.
"""

from __future__ import annotations

import csv
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.proofs_fuzz.counting import report, tick
from tests.support_faults.figures import record

opening_hours = pytest.importorskip("oms_core.opening_hours")

ZONES = st.sampled_from(["Europe/London", "America/New_York", "Asia/Kolkata"])
MOMENTS = st.datetimes(
    min_value=datetime(2024, 1, 1),
    max_value=datetime(2027, 12, 31),
    timezones=st.just(UTC),
)
DAYS = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")


def real_strings(shared_data: Path) -> list[str]:
    path = shared_data / "stores" / "osm_edinburgh_shops.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        return sorted(
            {
                row["opening_hours"]
                for row in csv.DictReader(handle)
                if row.get("opening_hours")
            }
        )


@st.composite
def weekly_rules(draw: st.DrawFn) -> str:
    rules = []
    for _ in range(draw(st.integers(1, 4))):
        first = draw(st.integers(0, 6))
        last = draw(st.integers(first, 6))
        days = DAYS[first] if first == last else f"{DAYS[first]}-{DAYS[last]}"
        if draw(st.booleans()) and rules:
            rules.append(f"{days} off")
            continue
        start = draw(st.integers(0, 23 * 60))
        end = draw(st.integers(start + 1, start + 18 * 60))
        rules.append(f"{days} {_clock(start)}-{_clock(end % (24 * 60) or 24 * 60)}")
    return "; ".join(rules)


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def consistent(hours: object, at: datetime, zone: str) -> None:
    following = hours.next_open(at, zone)
    if following is None:
        assert not any(hours.spans(day) for day in range(7))
        return
    assert following >= at
    assert following - at <= timedelta(days=8)
    assert hours.is_open(following, zone)


def test_every_real_edinburgh_string_parses_or_is_refused_clearly(
    shared_data: Path,
) -> None:
    parsed = refused = 0
    for text in real_strings(shared_data):
        tick("opening hours")
        try:
            hours = opening_hours.parse(text)
        except opening_hours.OpeningHoursError as error:
            refused += 1
            assert 0 <= error.position <= len(text)
            continue
        parsed += 1
        consistent(hours, datetime(2026, 12, 4, 16, 0, tzinfo=UTC), "Europe/London")
    record(
        "fuzz: opening hours (real OSM strings)",
        strings=parsed + refused,
        parsed=parsed,
        refused=refused,
    )
    assert parsed > refused


@settings(settings.get_profile("proofs"))
@given(text=st.text(max_size=80))
def test_any_text_parses_or_is_refused_with_a_position(text: str) -> None:
    tick("opening hours")
    try:
        opening_hours.parse(text)
    except opening_hours.OpeningHoursError as error:
        assert 0 <= error.position <= max(len(text), opening_hours.MAX_LENGTH)


@settings(settings.get_profile("proofs"))
@given(text=weekly_rules(), at=MOMENTS, zone=ZONES)
def test_the_next_opening_is_open_and_not_in_the_past(
    text: str, at: datetime, zone: str
) -> None:
    tick("opening hours")
    consistent(opening_hours.parse(text), at, zone)


def test_zzz_report_opening_hours() -> None:
    report("opening hours")
