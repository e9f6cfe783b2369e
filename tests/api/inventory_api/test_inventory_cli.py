"""``openaisle-oms location state`` and ``holds expire`` from the command line."""

from __future__ import annotations

from sqlalchemy import select

from oms_core.cli import main
from oms_core.db.engine import make_engine
from oms_core.db.schema import locations


def _state(database_url: str, location_id: str) -> str:
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            return connection.scalar(
                select(locations.c.state).where(locations.c.id == location_id)
            )
    finally:
        engine.dispose()


def test_a_store_goes_dark_and_opens_again_with_the_url_either_side(
    engine_database_url: str,
) -> None:
    db = ["--database-url", engine_database_url]

    assert main(["location", *db, "state", "store-0001", "dark"]) == 0
    assert _state(engine_database_url, "store-0001") == "dark"
    assert main(["location", "state", "store-0001", "open", *db]) == 0
    assert _state(engine_database_url, "store-0001") == "open"


def test_holds_expire_runs_on_the_named_database(engine_database_url: str) -> None:
    assert main(["holds", "--database-url", engine_database_url, "expire"]) == 0
    assert main(["holds", "expire", "--database-url", engine_database_url]) == 0
