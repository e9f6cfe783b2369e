"""The engine's schema migrations (Alembic), run from code.

There is no ``alembic.ini``: :func:`alembic_config` points Alembic at this
package, and :func:`upgrade` brings a database to the newest revision on a
given SQLAlchemy engine, SQLite or PostgreSQL alike. Each schema change is a
new file in ``versions/``; :func:`heads` lists the newest revisions, and a
healthy history has exactly one.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, inspect, text

from oms_core.db.engine import WRITE

if TYPE_CHECKING:
    from alembic.config import Config

logger = logging.getLogger(__name__)

SCRIPT_LOCATION = "oms_core:migrations"
_VERSIONS = Path(__file__).with_name("versions")
_REVISION_LINE = re.compile(
    r"^(down_revision|revision)\s*(?::[^=]*)?=\s*(.+?)\s*$", re.MULTILINE
)


def alembic_config() -> Config:
    """An Alembic configuration on this package, without any file."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", SCRIPT_LOCATION)
    return config


def heads() -> list[str]:
    """The newest revisions of the history (one when it is healthy)."""
    from alembic.script import ScriptDirectory

    return list(ScriptDirectory.from_config(alembic_config()).get_heads())


class UnversionedDatabaseError(RuntimeError):
    """A database with the engine's tables but no migration history."""


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the database behind ``engine`` to ``revision`` in one transaction.

    A database made before the schema had migrations is refused with a way
    out instead of failing half-way on a table that already exists.
    """
    if revision == "head" and _at_plain_head(engine):
        # Most starts: nothing to do, and Alembic (with Mako) is not loaded.
        logger.debug("database schema at head")
        return

    if current(engine) is None and inspect(engine).has_table("products"):
        raise UnversionedDatabaseError(
            f"{engine.url.render_as_string(hide_password=True)} was made by an "
            "OpenAisle without schema migrations; seed it again with "
            "`openaisle-oms seed --force --database-url URL` (its orders are lost)"
        )

    from alembic import command

    config = alembic_config()
    with engine.connect().execution_options(**WRITE) as connection:
        with connection.begin():
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
    logger.debug("database schema at %s", revision)


def _at_plain_head(engine: Engine) -> bool:
    """Whether the database is at the one head of a plain, linear history.

    Read from the version files' ``revision``/``down_revision`` lines without
    Alembic. Anything unusual (a merge, a branch, a line not understood)
    answers False, and Alembic decides.
    """
    files = [f for f in _VERSIONS.glob("*.py") if f.name != "__init__.py"]
    parents: dict[str, str | None] = {}
    for file in files:
        found = dict(_REVISION_LINE.findall(file.read_text(encoding="utf-8")))
        names = {key: _literal(found.get(key)) for key in ("revision", "down_revision")}
        if names["revision"] in (None, False) or names["down_revision"] is False:
            return False
        parents[names["revision"]] = names["down_revision"]
    # In a straight line every revision but the newest is some file's parent.
    with_child = {parent for parent in parents.values() if parent is not None}
    tips = set(parents) - with_child
    linear = len(parents) == len(files) and len(with_child) == len(parents) - 1
    if not linear or len(tips) != 1 or not with_child <= set(parents):
        return False

    try:
        with engine.connect() as connection:
            rows = connection.execute(
                text("SELECT version_num FROM alembic_version")
            ).all()
    except Exception:  # no version table yet: a new database
        return False
    return [row[0] for row in rows] == list(tips)


def _literal(value: str | None) -> str | bool | None:
    """A quoted string or None from a version line; False when it is other."""
    if value is None or value == "None":
        return None
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return False


def current(engine: Engine) -> str | None:
    """The revision the database is at, or None when it has none."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()
