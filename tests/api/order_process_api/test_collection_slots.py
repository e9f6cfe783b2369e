"""Collection slots on the API: opening hours, clock changes, overnight, places."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from oms_core.process import slot_bookings
from tests.api.order_process_api.helpers import (
    HEART,
    STORE,
    collect,
    deliver,
    place,
)

LONDON = ZoneInfo("Europe/London")


def _next_clock_change(forward: bool) -> date:
    """The next day London's clocks go forward (or back), from today."""
    day = datetime.now(UTC).date() + timedelta(days=1)
    for _ in range(400):
        before = datetime.combine(day, time(0), tzinfo=LONDON).utcoffset()
        after = datetime.combine(day, time(12), tzinfo=LONDON).utcoffset()
        if before != after and (after > before) == forward:
            return day
        day += timedelta(days=1)
    raise AssertionError("no clock change within a year")


def _next_weekday(weekday: int) -> date:
    day = datetime.now(UTC).date() + timedelta(days=2)
    while day.weekday() != weekday:
        day += timedelta(days=1)
    return day


async def _hours(client, text: str) -> None:
    answer = await client.put(
        f"/v1/locations/{STORE}/opening-hours", json={"opening_hours": text}
    )
    assert answer.status_code == 200, answer.text


async def _slots(client, day: date, **extra) -> list[dict]:
    answer = await client.get(
        f"/v1/locations/{STORE}/collection-slots",
        params={"date": day.isoformat(), **extra},
    )
    assert answer.status_code == 200, answer.text
    return answer.json()["items"]


async def _book(client, order: dict, starts_at: str):
    return await client.put(
        f"/v1/orders/{order['id']}/collection-slot", json={"starts_at": starts_at}
    )


@pytest.mark.parametrize("forward", [True, False], ids=["spring", "autumn"])
async def test_slots_on_a_clock_change_day_are_right_in_the_store_zone(client, forward):
    await _hours(client, "Mo-Su 00:00-24:00")
    day = _next_clock_change(forward)

    slots = await _slots(client, day)

    # Half-hour slots of real time: 23 hours that day, or 25.
    assert len(slots) == (46 if forward else 50)
    local = [datetime.fromisoformat(s["local_start"]) for s in slots]
    assert all(moment.date() == day for moment in local)
    hours_shown = [moment.strftime("%H:%M") for moment in local]
    if forward:
        assert "01:00" not in hours_shown and "01:30" not in hours_shown
    else:
        # The repeated hour is offered twice, once in each offset.
        assert hours_shown.count("01:00") == 2
        offsets = {m.utcoffset() for m in local if m.strftime("%H:%M") == "01:00"}
        assert offsets == {timedelta(hours=1), timedelta(0)}
    ten = next(s for s in slots if s["local_start"][11:16] == "10:00")
    expected = datetime.combine(day, time(10), tzinfo=LONDON).astimezone(UTC)
    assert datetime.fromisoformat(ten["starts_at"]) == expected
    assert ten["timezone"] == "Europe/London"

    # And a collect order books the 10:00 of that day by its UTC start.
    order = await place(client, collect(HEART, STORE, 1))
    answer = await _book(client, order, ten["starts_at"])
    assert answer.status_code == 200, answer.text
    assert answer.json()["slot"]["local_start"] == ten["local_start"]


async def test_an_overnight_opening_offers_and_books_half_past_midnight(client):
    await _hours(client, "Mo-Su 18:00-02:00")
    day = _next_weekday(5)  # a Saturday: its small hours are Friday's opening

    slots = await _slots(client, day)

    shown = [s["local_start"][11:16] for s in slots]
    assert shown[:4] == ["00:00", "00:30", "01:00", "01:30"]
    assert shown[4] == "18:00" and shown[-1] == "23:30"
    assert "02:00" not in shown and "15:00" not in shown
    order = await place(client, collect(HEART, STORE, 1))
    half_past = datetime.combine(day, time(0, 30), tzinfo=LONDON)
    booked = await _book(client, order, half_past.isoformat())
    assert booked.status_code == 200, booked.text
    assert booked.json()["slot"]["local_start"][11:16] == "00:30"

    closed = await _book(
        client, order, datetime.combine(day, time(15), tzinfo=LONDON).isoformat()
    )
    assert closed.status_code == 422
    assert closed.json()["code"] == "slot_unavailable"


async def test_a_full_slot_is_refused_and_a_cancelled_order_frees_its_place(
    client, monkeypatch
):
    monkeypatch.setattr(slot_bookings, "SLOT_CAPACITY", 2)
    await _hours(client, "Mo-Su 09:00-17:00")
    day = _next_weekday(2)
    starts = datetime.combine(day, time(11), tzinfo=LONDON).isoformat()
    first, second, third = [
        await place(client, collect(HEART, STORE, 1)) for _ in range(3)
    ]

    assert (await _book(client, first, starts)).status_code == 200
    assert (await _book(client, second, starts)).status_code == 200
    full = await _book(client, third, starts)

    assert full.status_code == 409
    assert full.json()["code"] == "slot_unavailable"
    [eleven] = [
        s
        for s in await _slots(client, day)
        if s["starts_at"][11:16]
        in (datetime.fromisoformat(starts).astimezone(UTC).strftime("%H:%M"),)
    ]
    assert eleven["booked"] == 2 and eleven["available"] is False
    # Booking again the slot one already holds is no refusal.
    assert (await _book(client, second, starts)).status_code == 200

    cancelled = await client.post(f"/v1/orders/{first['id']}/cancel", json={})
    assert cancelled.status_code == 200, cancelled.text
    assert (await _book(client, third, starts)).status_code == 200


async def test_slots_within_the_lead_time_are_not_available(client):
    await _hours(client, "24/7")
    now = datetime.now(UTC)
    today = now.astimezone(LONDON).date()

    slots = await _slots(client, today)

    for slot in slots:
        starts = datetime.fromisoformat(slot["starts_at"])
        assert slot["available"] is (starts >= now + slot_bookings.LEAD_TIME)
    order = await place(client, collect(HEART, STORE, 1))
    soon = [s for s in slots if not s["available"]]
    # Today's 00:00 slot is always within the lead time of now.
    assert soon
    refused = await _book(client, order, soon[-1]["starts_at"])
    assert refused.status_code == 409


async def test_the_booking_shows_on_the_order_and_off_grid_times_are_refused(client):
    await _hours(client, "Mo-Su 09:00-17:00")
    day = _next_weekday(3)
    order = await place(client, collect(HEART, STORE, 1))
    starts = datetime.combine(day, time(14, 30), tzinfo=LONDON)

    off_grid = await _book(client, order, (starts + timedelta(minutes=10)).isoformat())
    naive = await client.put(
        f"/v1/orders/{order['id']}/collection-slot",
        json={"starts_at": "2030-01-01T10:00:00"},
    )
    booked = await _book(client, order, starts.isoformat())
    tracking = (await client.get(f"/v1/orders/{order['id']}/tracking")).json()
    fetched = await client.get(f"/v1/orders/{order['id']}/collection-slot")

    assert off_grid.status_code == 422
    assert naive.status_code == 422
    assert booked.status_code == 200
    assert tracking["collection"]["slot"]["local_start"][11:16] == "14:30"
    assert tracking["collection"]["location_id"] == STORE
    assert fetched.json() == booked.json()
    kinds = [e["kind"] for e in tracking["timeline"]]
    assert "order.collection_slot_booked" in kinds


async def test_a_delivery_order_or_an_unknown_store_has_no_slots(client):
    order = await place(client, deliver(HEART, "NN11 4AA", 1))
    day = _next_weekday(1)

    booked = await _book(client, order, f"{day.isoformat()}T10:00:00+00:00")
    unknown = await client.get(
        "/v1/locations/store-9999/collection-slots", params={"date": day.isoformat()}
    )
    none = await client.get(f"/v1/orders/{order['id']}/collection-slot")
    bad_date = await client.get(
        f"/v1/locations/{STORE}/collection-slots", params={"date": "tomorrow"}
    )

    assert booked.status_code == 409 and booked.json()["code"] == "slot_unavailable"
    assert unknown.status_code == 404
    assert none.status_code == 404
    assert bad_date.status_code == 422


async def test_the_slot_endpoints_are_in_the_openapi_document(client):
    paths = (await client.get("/openapi.json")).json()["paths"]

    listed = paths["/v1/locations/{location_id}/collection-slots"]["get"]
    assert "date" in [p["name"] for p in listed["parameters"]]
    assert "put" in paths["/v1/orders/{order_id}/collection-slot"]
