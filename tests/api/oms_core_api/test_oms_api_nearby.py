"""Stock near a point or a postcode."""

from __future__ import annotations

import pytest

from oms_core import geo


async def test_nearby_by_point_is_sorted_by_distance(client):
    answer = await client.get(
        "/v1/stock/85123A/nearby", params={"lat": 51.7, "lon": -3.4, "limit": 8}
    )

    items = answer.json()["items"]
    assert answer.status_code == 200
    assert 0 < len(items) <= 8
    distances = [item["distance_km"] for item in items]
    assert distances == sorted(distances)
    assert all(item["atp"] > 0 for item in items)
    assert all(round(d, 1) == d for d in distances)


async def test_nearby_distance_is_the_haversine_rounded(client):
    store = (await client.get("/v1/locations/store-0001")).json()
    here = geo.Point(51.7, -3.4)

    items = (
        await client.get(
            "/v1/stock/85123A/nearby", params={"lat": here.lat, "lon": here.lon}
        )
    ).json()["items"]

    first = items[0]
    assert first["location_id"] == "store-0001"
    expected = geo.haversine_km(here, geo.Point(store["lat"], store["lon"]))
    assert first["distance_km"] == round(expected, 1)


@pytest.mark.parametrize("postcode", ["CF44 8DL", "cf44", "CF448DL"])
async def test_nearby_by_postcode_or_outcode(client, postcode):
    answer = await client.get(
        "/v1/stock/85123A/nearby", params={"postcode": postcode, "limit": 3}
    )

    items = answer.json()["items"]
    assert answer.status_code == 200
    assert items[0]["location_id"] == "store-0001"
    assert len(items) == 3


async def test_an_unknown_postcode_district_is_404(client):
    answer = await client.get("/v1/stock/85123A/nearby", params={"postcode": "ZZ99"})

    assert answer.status_code == 404
    assert answer.json()["code"] == "unknown_postcode"


@pytest.mark.parametrize(
    "params",
    [
        {"lat": 91, "lon": 0},
        {"lat": 0, "lon": -181},
        {"lat": 51.5, "lon": 0, "limit": 51},
        {"lat": 51.5, "lon": 0, "limit": 0},
        {"lat": 51.5},
        {},
        {"lat": 51.5, "lon": 0, "postcode": "SW1A"},
    ],
)
async def test_nearby_parameters_are_checked(client, params):
    answer = await client.get("/v1/stock/85123A/nearby", params=params)

    assert answer.status_code == 422
    assert answer.json()["code"] == "invalid_request"


async def test_nearby_of_an_unknown_sku_is_404(client):
    answer = await client.get(
        "/v1/stock/NOSUCH1/nearby", params={"lat": 51.5, "lon": 0}
    )

    assert answer.status_code == 404
    assert answer.json()["code"] == "unknown_sku"
