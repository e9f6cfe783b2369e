"""Parked baskets and kiosk hand-overs: park, list, recall exactly once."""

from __future__ import annotations

from oms_core.parked_baskets import CODE_ALPHABET, CODE_LENGTH

STORE = "store-0001"


def _park(**changes) -> dict:
    body = {
        "location_id": STORE,
        "lines": [{"sku": "85123A", "quantity": 2}, {"sku": "22423", "quantity": 1}],
        "parked_by": "9001",
        "label": "kiosk hand-over",
    }
    return body | changes


async def test_a_parked_basket_gets_a_readable_code_and_is_listed(client):
    parked = (await client.post("/v1/parked-baskets", json=_park())).json()

    listed = await client.get("/v1/parked-baskets", params={"location": STORE})

    assert len(parked["code"]) == CODE_LENGTH
    assert set(parked["code"]) <= set(CODE_ALPHABET)
    assert [b["id"] for b in listed.json()["items"]] == [parked["id"]]


async def test_a_basket_is_recalled_once_and_then_leaves_the_list(client):
    parked = (await client.post("/v1/parked-baskets", json=_park())).json()
    recall = {
        "location_id": STORE,
        "code": parked["code"].lower(),
        "recalled_by": "1001",
    }

    first = await client.post("/v1/parked-baskets/recall", json=recall)
    second = await client.post("/v1/parked-baskets/recall", json=recall)
    listed = await client.get("/v1/parked-baskets", params={"location": STORE})

    assert first.status_code == 200
    assert first.json()["lines"] == parked["lines"]
    assert first.json()["recalled_by"] == "1001"
    assert second.status_code == 409
    assert second.json()["code"] == "already_recalled"
    assert listed.json()["items"] == []


async def test_a_code_of_another_store_is_not_found(client):
    parked = (await client.post("/v1/parked-baskets", json=_park())).json()

    answer = await client.post(
        "/v1/parked-baskets/recall",
        json={
            "location_id": "store-0002",
            "code": parked["code"],
            "recalled_by": "1001",
        },
    )

    assert answer.status_code == 404


async def test_bad_parks_and_codes_are_refused_at_the_border(client):
    unknown_store = await client.post(
        "/v1/parked-baskets", json=_park(location_id="store-9999")
    )
    empty = await client.post("/v1/parked-baskets", json=_park(lines=[]))
    ambiguous = await client.post(
        "/v1/parked-baskets/recall",
        json={"location_id": STORE, "code": "ABC10O", "recalled_by": "1001"},
    )

    assert unknown_store.status_code == 404
    assert empty.status_code == 422
    assert ambiguous.status_code == 422
