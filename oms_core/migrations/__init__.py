"""The engine's schema migrations (Alembic), run from code.

There is no ``alembic.ini``: :func:`alembic_config` points Alembic at this
package, and :func:`upgrade` brings a database to the newest revision on a
given SQLAlchemy engine, SQLite or PostgreSQL alike. Each schema change is a
new file in ``versions/``; :func:`heads` lists the newest revisions, and a
healthy history has exactly one.
"""

from __future__ import annotations

import logging

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect

from oms_core.db.engine import WRITE

logger = logging.getLogger(__name__)

SCRIPT_LOCATION = "oms_core:migrations"


def alembic_config() -> Config:
    """An Alembic configuration on this package, without any file."""
    config = Config()
    config.set_main_option("script_location", SCRIPT_LOCATION)
    return config


def heads() -> list[str]:
    """The newest revisions of the history (one when it is healthy)."""
    return list(ScriptDirectory.from_config(alembic_config()).get_heads())


class UnversionedDatabaseError(RuntimeError):
    """A database with the engine's tables but no migration history."""


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the database behind ``engine`` to ``revision`` in one transaction.

    A database made before the schema had migrations is refused with a way
    out instead of failing half-way on a table that already exists.
    """
    if current(engine) is None and inspect(engine).has_table("products"):
        raise UnversionedDatabaseError(
            f"{engine.url.render_as_string(hide_password=True)} was made by an "
            "OpenAisle without schema migrations; seed it again with "
            "`openaisle-oms seed --force --database-url URL` (its orders are lost)"
        )

    config = alembic_config()
    with engine.connect().execution_options(**WRITE) as connection:
        with connection.begin():
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
    logger.debug("database schema at %s", revision)


def current(engine: Engine) -> str | None:
    """The revision the database is at, or None when it has none."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()
