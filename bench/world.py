"""The world network database the near-me and sourcing benchmarks share."""

from __future__ import annotations

import csv
import random

from sqlalchemy.engine import URL

from bench import pgref
from bench.common import data_dir

DATABASE = "openaisle_world"
TOP_SKUS = 200


def ensure_world(server: URL, *, reseed: bool = False) -> str:
    """URL of the world database, seeded (``seed --network world``) if needed."""
    from oms_core import seed
    from oms_core.db.engine import make_engine

    url = pgref.database_url(server, DATABASE)
    if not reseed and pgref.database_exists(server, DATABASE):
        engine = make_engine(url)
        try:
            if seed.is_seeded(engine):
                return url
        finally:
            engine.dispose()
    url = pgref.recreate_database(server, DATABASE)
    print("seeding the world network (25,597 locations); this takes minutes")
    seed.seed_database(url, data_dir(), network=seed.NETWORK_WORLD)
    return url


def top_skus() -> list[str]:
    """The year's best sellers, best first."""
    from oms_core import seed

    catalogue = seed.import_catalogue(data_dir())
    ranked = sorted(catalogue.units_sold, key=lambda s: -catalogue.units_sold[s])
    return ranked[:TOP_SKUS]


def world_points(count: int, seed: int = 7) -> list[tuple[float, float]]:
    """``count`` real store coordinates of the world network, drawn at random."""
    from oms_core.network_data import WORLD_NETWORK_FILE

    path = data_dir() / WORLD_NETWORK_FILE
    with path.open(newline="", encoding="utf-8") as handle:
        points = [
            (float(row["Latitude"]), float(row["Longitude"]))
            for row in csv.DictReader(handle)
            if row["Latitude"] and row["Longitude"]
        ]
    return random.Random(seed).choices(points, k=count)
