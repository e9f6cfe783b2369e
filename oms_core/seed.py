"""Seeding the engine's database from the real data set.

One transaction writes the catalogue, the locations, the postcode districts
and the stock pool (see :mod:`oms_core.stock_rule`) with bulk inserts, so a
seed either happens completely or not at all.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import Connection, Engine, MetaData, func, inspect, select, text

from oms_core import (
    datasets,
    locations,
    migrations,
    network_data,
    seed_stock,
    stock_rule,
)
from oms_core.api_models import LocationKind, LocationState
from oms_core.catalogue import CatalogueBuilder, CatalogueImport, SkipReason
from oms_core.db import schema
from oms_core.db.engine import WRITE, make_engine
from oms_core.db.inventory_schema import ANY, buffer_rules
from oms_core.network import (
    DEFAULT_CAPABILITIES,
    default_capacity,
    encode_capabilities,
)
from oms_core.staff import seed_demo_staff

logger = logging.getLogger(__name__)

NETWORK_UK = "uk"
NETWORK_WORLD = "world"
NETWORKS = (NETWORK_UK, NETWORK_WORLD)


class AlreadySeededError(RuntimeError):
    """The database holds a seed and overwriting it was not asked for."""


@dataclass
class SeedReport:
    """What a seed wrote and how long it took."""

    products: int
    locations: int
    stock_rows: int
    skipped: dict[SkipReason, int] = field(default_factory=dict)
    seconds: float = 0.0


def import_catalogue(data_dir: os.PathLike[str]) -> CatalogueImport:
    """Read the week file and the full-year file into one catalogue."""
    root = datasets.data_dir(data_dir)
    builder = CatalogueBuilder()
    week = datasets.read_sales_lines(root / datasets.WEEK_FILE)
    builder.add(week, rank=0, counts_sales=False)
    year = datasets.read_sales_lines(root / datasets.YEAR_FILE)
    builder.add(year, rank=1, counts_sales=True)
    return builder.build()


def load_locations(
    data_dir: os.PathLike[str],
    outcodes: dict[str, tuple[float, float]],
    *,
    store_ids: Collection[str] | None = None,
    store_limit: int | None = None,
) -> list[locations.LocationRecord]:
    """The stores (all, the named ones or the first ``store_limit``) and the DCs."""
    root = datasets.data_dir(data_dir)
    stores = [
        locations.store_location(row)
        for row in datasets.read_stores(root / datasets.STORES_FILE)
    ]
    if store_ids is not None:
        wanted = set(store_ids)
        stores = [store for store in stores if store.id in wanted]
        missing = wanted - {store.id for store in stores}
        if missing:
            raise ValueError(f"unknown store ids: {sorted(missing)[:5]}")
    if store_limit is not None:
        stores = stores[:store_limit]
    return stores + locations.distribution_centres(outcodes)


def is_seeded(engine: Engine) -> bool:
    """Whether the database behind ``engine`` holds a finished seed."""
    if not inspect(engine).has_table(schema.seed_runs.name):
        return False
    with engine.connect() as connection:
        count = connection.scalar(select(func.count()).select_from(schema.seed_runs))
    return bool(count)


def seed_database(
    database_url: str,
    data_dir: os.PathLike[str] | None = None,
    *,
    store_ids: Collection[str] | None = None,
    store_limit: int | None = None,
    force: bool = False,
    network: str = NETWORK_UK,
) -> SeedReport:
    """Create the tables and fill them from the real data set.

    ``store_ids`` or ``store_limit`` seed only some stores (for tests); the
    distribution centres are always seeded. ``network="world"`` seeds the
    25,597 locations of the world-wide chain instead of the UK stores (for
    the scale benchmarks). A seeded database is refused with
    :class:`AlreadySeededError` unless ``force`` is set, which replaces it.
    """
    if network not in NETWORKS:
        raise ValueError(f"unknown network {network!r}; one of {NETWORKS}")
    started = time.perf_counter()
    root = datasets.data_dir(data_dir)
    engine = make_engine(database_url)
    try:
        seeded = is_seeded(engine)
        if seeded and not force:
            raise AlreadySeededError("the database is already seeded")

        catalogue = import_catalogue(root)
        for reason, count in sorted(catalogue.skipped.items()):
            logger.info("skipped %d sales lines: %s", count, reason.value)
        outcodes = datasets.read_outcodes(root / datasets.OUTCODES_FILE)
        if network == NETWORK_WORLD:
            world = network_data.read_world_network(root)
            places = world.locations + locations.distribution_centres(outcodes)
        else:
            places = load_locations(
                root, outcodes, store_ids=store_ids, store_limit=store_limit
            )
        places = locations.assign_opening_hours(
            places, network_data.grocery_opening_hours(root)
        )

        if seeded:
            _drop_everything(engine)
        migrations.upgrade(engine)
        with engine.connect().execution_options(**WRITE) as connection:
            with connection.begin():
                stock_rows = _write(connection, catalogue, places, outcodes)
                seed_demo_staff(connection)
        if engine.dialect.name == "sqlite":
            with engine.connect() as connection:
                connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        else:
            # Fresh statistics, so the planner reads the location boxes by
            # their index from the first query on.
            with engine.connect() as connection:
                connection.exec_driver_sql("ANALYZE")
                connection.commit()
    finally:
        engine.dispose()

    report = SeedReport(
        products=len(catalogue.products),
        locations=len(places),
        stock_rows=stock_rows,
        skipped=dict(catalogue.skipped),
        seconds=time.perf_counter() - started,
    )
    logger.info(
        "seeded %d products, %d locations, %d stock rows in %.1f s",
        report.products,
        report.locations,
        report.stock_rows,
        report.seconds,
    )
    return report


def _drop_everything(engine: Engine) -> None:
    """Drop every table in the database (Alembic's included), for a re-seed.

    The tables are read from the database itself, so tables of modules not
    imported here go too.
    """
    present = MetaData()
    present.reflect(engine)
    present.drop_all(engine)


def _write(
    connection: Connection,
    catalogue: CatalogueImport,
    places: list[locations.LocationRecord],
    outcodes: dict[str, tuple[float, float]],
) -> int:
    now = datetime.now(UTC)
    connection.execute(
        schema.products.insert(),
        [
            {
                "sku": p.sku,
                "name": p.name,
                "price_minor": p.price_minor,
                "currency": p.currency,
                "gtin": p.gtin,
            }
            for p in catalogue.products
        ],
    )

    connection.execute(
        schema.locations.insert(),
        [
            {
                "id": place.id,
                "name": place.name,
                "kind": place.kind.value,
                "lat": place.lat,
                "lon": place.lon,
                "postcode": place.postcode,
                "size_class": place.size_class,
                "timezone": place.timezone,
                "state": LocationState.OPEN.value,
                "capabilities": encode_capabilities(DEFAULT_CAPABILITIES[place.kind]),
                "opening_hours": place.opening_hours,
                "daily_capacity": default_capacity(place.kind, place.size_class),
                "country": place.country,
            }
            for place in places
        ],
    )

    # The seeded buffers are location rules: one per store, none at DCs.
    connection.execute(
        buffer_rules.insert(),
        [
            {
                "location_id": place.id,
                "sku": ANY,
                "units": stock_rule.DC_BUFFER
                if place.kind is LocationKind.DISTRIBUTION_CENTRE
                else stock_rule.STORE_BUFFER,
                "updated_at": now,
            }
            for place in places
        ],
    )

    connection.execute(
        schema.postcode_districts.insert(),
        [
            {"outcode": code, "lat": lat, "lon": lon}
            for code, (lat, lon) in sorted(outcodes.items())
        ],
    )

    written = seed_stock.write_seeded_stock(
        connection, catalogue.units_sold, places, now
    )

    connection.execute(
        schema.seed_runs.insert(),
        {
            "seeded_at": now,
            "products": len(catalogue.products),
            "locations": len(places),
            "stock_rows": written,
        },
    )
    return written


def sqlite_file_size(connection: Connection) -> int:
    """Bytes used by an SQLite database (pages times page size)."""
    pages = connection.execute(text("PRAGMA page_count")).scalar_one()
    size = connection.execute(text("PRAGMA page_size")).scalar_one()
    return int(pages) * int(size)
