"""The nearest holders over the real world network equal a full read, ranked.

The 25,597 locations of the world-wide chain; one SKU held by about one
location in six (chosen by a stable hash of the id), some of them with
every unit reserved. For points across the antimeridian, near both poles,
in dense cities, far from anything, and at co-located stores (ties), the
search returns exactly what ranking every holder by distance returns.
"""

from __future__ import annotations

import hashlib
import os
import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from oms_core import candidates, geo, location_index
from oms_core.api_models import LocationState
from oms_core.db.engine import make_engine
from oms_core.db.schema import locations, products, stock
from oms_core.migrations import upgrade
from oms_core.network_data import read_world_network

PG_URL = os.environ.get("OPENAISLE_TEST_PG_URL")
SKU = "85123A"
POINTS = {
    "Apia, across the antimeridian": geo.Point(-13.83, -171.76),
    "Suva, west of the line": geo.Point(-18.14, 178.44),
    "near the North Pole": geo.Point(89.95, 10.0),
    "near the South Pole": geo.Point(-89.95, -60.0),
    "Manhattan, dense": geo.Point(40.76, -73.98),
    "Auckland, co-located stores": geo.Point(-36.85, 174.77),
    "mid-Atlantic, far from all": geo.Point(-30.0, -20.0),
    "Seoul": geo.Point(37.52, 127.1),
}


def _share(location_id: str) -> int:
    return int(hashlib.sha256(location_id.encode()).hexdigest()[:8], 16) % 12


def _fill(engine, shared_data) -> None:
    network = read_world_network(shared_data)
    now = datetime.now(UTC)
    with engine.begin() as connection:
        connection.execute(
            products.insert(),
            {
                "sku": SKU,
                "name": "WHITE HANGING HEART T-LIGHT HOLDER",
                "price_minor": 295,
                "currency": "GBP",
                "gtin": "5000000000017",
            },
        )
        connection.execute(
            locations.insert(),
            [
                {
                    "id": place.id,
                    "name": place.name,
                    "kind": place.kind.value,
                    "lat": place.lat,
                    "lon": place.lon,
                    "timezone": place.timezone,
                    "state": "dark" if _share(place.id) == 1 else "open",
                }
                for place in network.locations
            ],
        )
        # Share 0 and 1 hold units, share 2 has a row with every unit reserved.
        connection.execute(
            stock.insert(),
            [
                {
                    "sku": SKU,
                    "location_id": place.id,
                    "on_hand": 4,
                    "reserved": 4 if _share(place.id) == 2 else 0,
                    "buffer": 0,
                    "confirmed_at": now,
                }
                for place in network.locations
                if _share(place.id) in (0, 1, 2)
            ],
        )


def _brute_force(engine, point, limit, states):
    with engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT l.id, l.lat, l.lon FROM locations l JOIN stock s "
                "ON s.location_id = l.id WHERE s.sku = :sku "
                "AND s.on_hand - s.reserved - s.buffer > 0"
            ).bindparams(sku=SKU)
        ).all()
        state_of = {
            row.id: row.state
            for row in connection.execute(text("SELECT id, state FROM locations"))
        }
    ranked = sorted(
        (geo.haversine_km(point, geo.Point(r.lat, r.lon)), r.id)
        for r in rows
        if state_of[r.id] in states
    )
    return [location_id for _, location_id in ranked[:limit]]


@pytest.fixture(
    scope="module",
    params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)],
)
def world_engine(request, tmp_path_factory, shared_data):
    """An engine on the world network with one SKU's stock."""
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("world") / "world.sqlite3"
        engine = make_engine(f"sqlite:///{path}")
        upgrade(engine)
        _fill(engine, shared_data)
        yield engine
        engine.dispose()
        return

    if not PG_URL:
        pytest.skip("OPENAISLE_TEST_PG_URL is not set")
    schema = f"near_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(PG_URL).update_query_dict({"options": f"-csearch_path={schema}"})
    engine = make_engine(url.render_as_string(hide_password=False))
    try:
        upgrade(engine)
        _fill(engine, shared_data)
        with engine.begin() as connection:
            connection.execute(text("ANALYZE"))
        yield engine
    finally:
        engine.dispose()
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.mark.parametrize("where", sorted(POINTS))
@pytest.mark.parametrize("limit", [1, 10, 25])
def test_the_nearest_holders_are_exactly_the_nearest(world_engine, where, limit):
    point = POINTS[where]

    with world_engine.connect() as connection:
        found = candidates.nearest_holders(connection, SKU, point, limit)

    assert [h.row.id for h in found] == _brute_force(
        world_engine, point, limit, {"open", "dark"}
    )
    assert [h.distance_km for h in found] == sorted(h.distance_km for h in found)


def test_open_only_leaves_dark_locations_out(world_engine):
    point = POINTS["Manhattan, dense"]

    with world_engine.connect() as connection:
        found = candidates.nearest_holders(
            connection, SKU, point, 10, states=(LocationState.OPEN,)
        )

    assert [h.row.id for h in found] == _brute_force(world_engine, point, 10, {"open"})


def test_a_stale_index_costs_a_wider_query_never_a_wrong_answer(world_engine):
    point = POINTS["Apia, across the antimeridian"]
    with world_engine.connect() as connection:
        index = location_index.index_of(connection)
        # As if every location had moved elsewhere since the index was read.
        index.rows.clear()
        index.stockists[SKU] = 1_000_000
        try:
            found = candidates.nearest_holders(connection, SKU, point, 10)
        finally:
            location_index.forget(world_engine)

    assert [h.row.id for h in found] == _brute_force(
        world_engine, point, 10, {"open", "dark"}
    )


def test_the_answer_crosses_the_antimeridian():
    # Guards the test above: from Apia the nearest holders lie west of the line.
    apia = POINTS["Apia, across the antimeridian"]
    auckland = geo.Point(-36.85, 174.77)
    honolulu = geo.Point(21.31, -157.86)

    assert geo.haversine_km(apia, auckland) < geo.haversine_km(apia, honolulu)
