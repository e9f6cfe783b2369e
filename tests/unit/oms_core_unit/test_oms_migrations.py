"""The Alembic history has one head and builds exactly the declared schema."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from oms_core import migrations
from oms_core.db.engine import make_engine
from oms_core.db.schema import metadata


def test_the_history_has_a_single_head():
    assert len(migrations.heads()) == 1


def test_upgrading_an_empty_database_builds_the_declared_schema(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'fresh.sqlite3'}")
    try:
        migrations.upgrade(engine)

        with engine.connect() as connection:
            context = MigrationContext.configure(connection)
            differences = compare_metadata(context, metadata)
        assert differences == []
        assert migrations.current(engine) == migrations.heads()[0]
    finally:
        engine.dispose()


def test_upgrading_twice_changes_nothing(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'twice.sqlite3'}")
    try:
        migrations.upgrade(engine)
        migrations.upgrade(engine)

        assert migrations.current(engine) == migrations.heads()[0]
    finally:
        engine.dispose()


def test_a_database_made_before_migrations_is_refused_with_a_way_out(tmp_path):
    # Given a database with the engine's tables but no migration history.
    from sqlalchemy import text

    from oms_core.db.engine import make_engine
    from oms_core.migrations import UnversionedDatabaseError, upgrade

    engine = make_engine(f"sqlite:///{tmp_path / 'old.sqlite3'}")
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE products (sku TEXT PRIMARY KEY)"))

    # When it is brought to the newest schema, then it is refused clearly.
    with pytest.raises(UnversionedDatabaseError, match="seed --force"):
        upgrade(engine)
    engine.dispose()
