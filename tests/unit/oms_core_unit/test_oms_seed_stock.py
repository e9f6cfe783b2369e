"""The seeded stock's load: compact count times, the same rows, any order."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from alembic import command
from sqlalchemy import Column, MetaData, String, Table, select, text

from oms_core import migrations, seed_stock, stock_rule
from oms_core.api_models import LocationKind
from oms_core.db.engine import WRITE, make_engine
from oms_core.db.types import UtcSeconds
from oms_core.locations import LocationRecord

NOW = datetime(2026, 12, 4, 18, 30, 12, 987_654, tzinfo=UTC)
UNITS_SOLD = {f"{n:05d}": max(1, 40_000 // (n + 1)) for n in range(400)}


def _places() -> list[LocationRecord]:
    stores = [
        LocationRecord(
            f"store-{i:04d}", f"Store {i}", LocationKind.STORE, 51.5, -0.1, None, size
        )
        for i, size in enumerate((3, 1, 2, 3, 2, 1, 3))
    ]
    centre = LocationRecord(
        "dc-daventry", "DC", LocationKind.DISTRIBUTION_CENTRE, 52.2, -1.2, None, None
    )
    return [*stores, centre]


@pytest.fixture
def sqlite_engine(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'times.sqlite3'}")
    yield engine
    engine.dispose()


def test_count_times_are_whole_unix_seconds_on_sqlite(sqlite_engine):
    table = Table(
        "times",
        MetaData(),
        Column("key", String, primary_key=True),
        Column("at", UtcSeconds, nullable=False),
    )
    table.create(sqlite_engine)
    plus_two = NOW.astimezone(timezone(timedelta(hours=2)))

    with sqlite_engine.begin() as connection:
        connection.execute(table.insert(), [{"key": "a", "at": plus_two}])
        # Text from before the column held integers is still read.
        connection.execute(
            text("INSERT INTO times VALUES ('b', '2026-12-04 18:31:00')")
        )
        stored = connection.execute(text("SELECT typeof(at), at FROM times")).all()
        read = dict(connection.execute(select(table.c.key, table.c.at)).all())
        earlier = connection.scalars(
            select(table.c.key).where(table.c.at < NOW + timedelta(seconds=1))
        ).all()

    assert stored[0] == ("integer", int(NOW.timestamp()))
    assert read["a"] == NOW.replace(microsecond=0)
    assert read["a"].tzinfo is UTC
    assert read["b"] == datetime(2026, 12, 4, 18, 31, tzinfo=UTC)
    assert earlier == ["a"]


def test_a_naive_count_time_is_refused(sqlite_engine):
    processor = UtcSeconds().bind_processor(sqlite_engine.dialect)

    with pytest.raises(ValueError, match="naive"):
        processor(NOW.replace(tzinfo=None))


def test_the_load_writes_the_rule_rows_with_their_count_times(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'pool.sqlite3'}")
    migrations.upgrade(engine)
    places = _places()
    with engine.connect().execution_options(**WRITE) as connection:
        with connection.begin():
            for sku in UNITS_SOLD:
                connection.execute(
                    text(
                        "INSERT INTO products VALUES (:sku, 'Item', 100, 'GBP', :gtin)"
                    ),
                    {"sku": sku, "gtin": f"2{sku}0000000"[:13]},
                )
            for place in places:
                connection.execute(
                    text(
                        "INSERT INTO locations (id, name, kind, lat, lon, timezone) "
                        "VALUES (:id, :id, :kind, 51.5, -0.1, 'Europe/London')"
                    ),
                    {"id": place.id, "kind": place.kind.value},
                )
            written = seed_stock.write_seeded_stock(
                connection, UNITS_SOLD, list(reversed(places)), NOW
            )
        rows = connection.execute(
            text("SELECT sku, location_id, on_hand, buffer, confirmed_at FROM stock")
        ).all()
    engine.dispose()

    expected = sorted(
        (row.sku, row.location_id, row.on_hand, row.buffer)
        for row in stock_rule.seeded_stock(UNITS_SOLD, places)
    )
    assert written == len(expected) == len(rows)
    assert sorted(row[:4] for row in rows) == expected
    for sku, location_id, *_, stamp in rows[:50]:
        counted = seed_stock.counted_at(NOW, sku, location_id)
        assert stamp == int(counted.timestamp())
        assert NOW - timedelta(days=3) < counted <= NOW


def test_the_migration_turns_text_count_times_into_seconds_and_back(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'old.sqlite3'}")
    migrations.upgrade(engine, "0010_line_exceptions")
    with engine.begin() as connection:
        connection.execute(
            text("INSERT INTO products VALUES ('85123A', 'Heart', 255, 'GBP', '1')")
        )
        connection.execute(
            text(
                "INSERT INTO locations (id, name, kind, lat, lon, timezone) "
                "VALUES ('store-0001', 'One', 'store', 51.5, -0.1, 'Europe/London')"
            )
        )
        connection.execute(
            text(
                "INSERT INTO stock (sku, location_id, on_hand, reserved, buffer, "
                "confirmed_at) VALUES ('85123A', 'store-0001', 4, 0, 1, "
                "'2026-12-03 13:02:39.182514')"
            )
        )

    migrations.upgrade(engine)
    with engine.connect() as connection:
        upgraded = connection.execute(
            text("SELECT typeof(confirmed_at), confirmed_at FROM stock")
        ).one()
        indexes = connection.execute(
            text("SELECT name FROM sqlite_master WHERE tbl_name = 'stock'")
        ).scalars()
        index_names = set(indexes)
    config = migrations.alembic_config()
    with engine.connect() as connection, connection.begin():
        config.attributes["connection"] = connection
        command.downgrade(config, "0010_line_exceptions")
    with engine.connect() as connection:
        downgraded = connection.execute(text("SELECT confirmed_at FROM stock")).scalar()
    engine.dispose()

    when = datetime(2026, 12, 3, 13, 2, 39, tzinfo=UTC)
    assert upgraded == ("integer", int(when.timestamp()))
    assert "ix_stock_location_id" not in index_names
    assert downgraded == "2026-12-03 13:02:39.000000"
