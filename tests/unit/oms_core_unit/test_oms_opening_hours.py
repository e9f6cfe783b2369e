"""OSM opening hours: the real Edinburgh strings, refusals with a position."""

from __future__ import annotations

import csv
from datetime import UTC, date, datetime

import pytest

from oms_core import opening_hours
from oms_core.opening_hours import OpeningHoursError, parse
from oms_core.process.slots import slots_on

LONDON = "Europe/London"


@pytest.fixture(scope="module")
def edinburgh_strings(shared_data):
    path = shared_data / "stores" / "osm_edinburgh_shops.csv"
    with path.open(newline="", encoding="utf-8") as handle:
        return sorted({row["opening_hours"] for row in csv.DictReader(handle)} - {""})


def test_nearly_every_real_string_parses_and_the_rest_name_a_position(
    edinburgh_strings,
):
    refused = {}
    for text in edinburgh_strings:
        try:
            parse(text)
        except OpeningHoursError as exc:
            refused[text] = exc.position

    assert len(edinburgh_strings) == 189
    assert len(refused) == 5
    assert refused["10am - 4pm, Monday - Friday."] == 0
    assert refused['Sa 10:00-17:30 || "on appointment"'] == 15


def test_a_later_rule_replaces_the_days_it_names():
    hours = parse("Mo-Sa 07:00-22:00; Th,Fr 07:00-23:00; Su 08:00-22:00")

    assert hours.spans(0) == ((420, 1320),)
    assert hours.spans(3) == ((420, 1380),)
    assert hours.spans(6) == ((480, 1320),)


def test_a_comma_before_a_weekday_starts_a_new_rule():
    hours = parse("Mo-Fr 08:00-17:00, Sa 08:00-15:00")

    assert hours.spans(4) == ((480, 1020),)
    assert hours.spans(5) == ((480, 900),)
    assert hours.spans(6) == ()


def test_split_days_lowercase_names_and_off():
    hours = parse("tu-fr 10:00-13:00,14:00-19:00; Sa 09:00-14:00; Su off")

    assert hours.spans(1) == ((600, 780), (840, 1140))
    assert hours.spans(0) == ()
    assert hours.spans(6) == ()


def test_always_open_and_no_selector_means_every_day():
    assert parse("24/7").always
    assert all(parse("06:30-23:00").spans(day) == ((390, 1380),) for day in range(7))


def test_a_span_past_midnight_is_open_early_next_day():
    hours = parse("Mo-Su 06:00-01:00")
    # Tuesday 00:30 in London (GMT in December) is still Monday's span.
    assert hours.is_open(datetime(2026, 12, 8, 0, 30, tzinfo=UTC), LONDON)
    assert not hours.is_open(datetime(2026, 12, 8, 1, 30, tzinfo=UTC), LONDON)


def test_open_and_next_opening_are_in_the_locations_own_zone():
    hours = parse("Mo-Fr 09:00-17:30")
    # 08:30 UTC on Monday 6 July 2026 is 09:30 in London (BST).
    assert hours.is_open(datetime(2026, 7, 6, 8, 30, tzinfo=UTC), LONDON)
    saturday = datetime(2026, 7, 4, 12, 0, tzinfo=UTC)

    opening = hours.next_open(saturday, LONDON)

    assert opening == datetime(2026, 7, 6, 8, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "position"),
    [
        ("Mo-Fr 09:00-25:00", 6),
        ("Mo-Xx 09:00-17:00", 3),
        ("Mo 09:00", 3),
        ("Mo-Fr", 5),
        ("SH off", 0),
        ("Mo-Fr 09:00-17:00 Sa", 18),
        ("", 0),
    ],
)
def test_broken_strings_are_refused_with_their_position(text, position):
    with pytest.raises(OpeningHoursError) as caught:
        parse(text)

    assert caught.value.position == position


def test_an_overlong_string_is_refused():
    with pytest.raises(OpeningHoursError):
        parse("Mo 09:00-17:00; " * 40)


def test_never_open_has_no_next_opening():
    assert opening_hours.parse("Mo-Su off").next_open(datetime.now(UTC), LONDON) is None


def test_a_fixed_date_replaces_its_weekday_every_year():
    hours = parse("Mo-Su 09:00-17:00; Dec 25-26,Jan 01 off; Dec 24 09:00-14:00")
    christmas = datetime(2026, 12, 25, 12, 0, tzinfo=UTC)
    christmas_eve_late = datetime(2026, 12, 24, 15, 0, tzinfo=UTC)

    assert not hours.is_open(christmas, LONDON)
    assert not hours.is_open(christmas_eve_late, LONDON)
    assert hours.is_open(datetime(2027, 12, 23, 15, 0, tzinfo=UTC), LONDON)
    assert hours.next_open(christmas, LONDON) == datetime(
        2026, 12, 27, 9, 0, tzinfo=UTC
    )


def test_public_holiday_rules_are_kept_apart_from_the_weekdays():
    hours = parse("Mo-Sa 08:00-20:00; Su,PH 10:00-16:00")

    assert hours.spans(6) == ((600, 960),)
    assert hours.spans(0) == ((480, 1200),)
    assert hours.holidays == ((600, 960),)
    assert parse("Mo-Sa 09:00-17:30; PH off").holidays == ()
    assert parse("Mo-Sa 09:00-17:30").holidays is None


@pytest.mark.parametrize(
    ("text", "position"),
    [("Dec 32 off", 4), ("Feb 30 off", 4), ("Dec off", 3), ("Dec 26-24 off", 7)],
)
def test_a_date_that_is_not_one_is_refused_with_its_position(text, position):
    with pytest.raises(OpeningHoursError) as refused:
        parse(text)

    assert refused.value.position == position


def test_no_collection_slots_on_a_date_the_store_is_shut():
    hours = parse("Mo-Su 09:00-17:00; Dec 25 off")

    assert slots_on(hours, date(2026, 12, 25), LONDON) == []
    assert len(slots_on(hours, date(2026, 12, 24), LONDON)) == 16
