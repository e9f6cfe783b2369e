"""Collection slots in the store's zone: clock changes and overnight hours."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from oms_core.process.slots import SlotError, check_slot, is_open, slot_instant

LONDON = "Europe/London"
DAY = {d: [(time(9), time(17))] for d in range(7)}
NIGHT = {d: [(time(18), time(2))] for d in range(7)}


def test_a_collection_slot_on_a_daylight_saving_change_day_is_right_in_the_store_zone():
    # 29 March 2026: London moves from GMT to BST at 01:00 UTC.
    before = check_slot(DAY, date(2026, 3, 28), time(10), LONDON)
    on_the_day = check_slot(DAY, date(2026, 3, 29), time(10), LONDON)
    autumn = check_slot(DAY, date(2026, 10, 25), time(10), LONDON)

    assert before == datetime(2026, 3, 28, 10, tzinfo=UTC)
    assert on_the_day == datetime(2026, 3, 29, 9, tzinfo=UTC)
    assert autumn == datetime(2026, 10, 25, 10, tzinfo=UTC)
    assert (on_the_day - before).total_seconds() == 23 * 3600


def test_a_local_time_the_clocks_skip_is_refused():
    with pytest.raises(SlotError, match="does not exist"):
        slot_instant(date(2026, 3, 29), time(1, 30), LONDON)


def test_an_overnight_opening_accepts_a_00_30_collection():
    # Open Friday 18:00 to Saturday 02:00; 00:30 on Saturday is inside it.
    instant = check_slot(NIGHT, date(2026, 12, 5), time(0, 30), LONDON)

    assert instant == datetime(2026, 12, 5, 0, 30, tzinfo=UTC)
    assert is_open(NIGHT, datetime(2026, 12, 4, 23, 0, tzinfo=UTC), LONDON)


def test_an_overnight_opening_refuses_the_afternoon_and_after_closing():
    with pytest.raises(SlotError, match="closed"):
        check_slot(NIGHT, date(2026, 12, 5), time(15), LONDON)
    with pytest.raises(SlotError, match="closed"):
        check_slot(NIGHT, date(2026, 12, 5), time(2), LONDON)


def test_an_overnight_opening_only_counts_when_the_evening_before_was_open():
    friday_only = {4: [(time(18), time(2))]}

    assert is_open(friday_only, datetime(2026, 12, 5, 1, tzinfo=UTC), LONDON)
    assert not is_open(friday_only, datetime(2026, 12, 6, 1, tzinfo=UTC), LONDON)


def test_a_slot_in_another_zone_uses_that_zone():
    instant = check_slot(DAY, date(2026, 7, 1), time(10), "Asia/Tokyo")

    assert instant == datetime(2026, 7, 1, 1, tzinfo=UTC)
