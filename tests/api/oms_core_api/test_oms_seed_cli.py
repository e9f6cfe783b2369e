"""The seed, the database settings and the openaisle-oms command line."""

from __future__ import annotations

from datetime import UTC

from sqlalchemy import func, select

from oms_core import cli
from oms_core.app import default_database_url
from oms_core.db.engine import make_engine
from oms_core.db.schema import locations, stock
from oms_core.seed import is_seeded, seed_database


def test_the_template_is_seeded_with_dcs_and_aware_times(engine_app):
    engine = engine_app.state.engine

    with engine.connect() as connection:
        kinds = dict(
            connection.execute(
                select(locations.c.kind, func.count()).group_by(locations.c.kind)
            ).all()
        )
        confirmed = connection.scalar(select(stock.c.confirmed_at).limit(1))
        empty = connection.scalar(select(func.count()).where(stock.c.on_hand <= 0))

    assert is_seeded(engine)
    assert kinds == {"store": 300, "distribution_centre": 4}
    assert confirmed.tzinfo is UTC
    assert empty == 0


def test_sqlite_connections_use_wal_and_foreign_keys(engine_database_url):
    engine = make_engine(engine_database_url)
    with engine.connect() as connection:
        journal = connection.exec_driver_sql("PRAGMA journal_mode").scalar()
        keys = connection.exec_driver_sql("PRAGMA foreign_keys").scalar()
        timeout = connection.exec_driver_sql("PRAGMA busy_timeout").scalar()
    engine.dispose()

    assert (journal, keys) == ("wal", 1)
    assert timeout > 0


def test_seed_if_missing_does_nothing_on_a_seeded_database(engine_database_url):
    assert (
        cli.main(["seed", "--database-url", engine_database_url, "--if-missing"]) == 0
    )


def test_seed_refuses_to_overwrite_without_force(engine_database_url, allow_log):
    allow_log(r"already seeded")

    status = cli.main(["seed", "--database-url", engine_database_url])

    assert status == 1


def test_seed_force_replaces_the_data(engine_database_url, shared_data):
    report = seed_database(
        engine_database_url,
        shared_data,
        store_ids=["store-0001", "store-2831"],
        force=True,
    )

    assert report.locations == 6
    assert report.products > 3000
    assert report.stock_rows > 0


def test_seed_with_a_missing_data_folder_fails_clearly(tmp_path, allow_log):
    allow_log(r"cannot read the data set")
    url = f"sqlite:///{tmp_path / 'new.sqlite3'}"

    status = cli.main(
        ["seed", "--database-url", url, "--data-dir", str(tmp_path / "absent")]
    )

    assert status == 1


def test_the_default_database_lives_in_the_user_data_folder():
    url = default_database_url()

    assert url.startswith("sqlite:///")
    assert url.endswith("oms.sqlite3")
    assert "openaisle" in url
