"""Building SQLAlchemy engines for SQLite and PostgreSQL.

SQLite gets WAL, foreign keys and a busy timeout on every connection, and
its transactions are opened by us: ``BEGIN IMMEDIATE`` when a connection
asks for it with the ``write`` execution option, so a write transaction
takes the lock before it reads and never fails half-way on an upgrade.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url

logger = logging.getLogger(__name__)

SQLITE_BUSY_TIMEOUT_MS = 10_000
WRITE = {"write": True}


def make_engine(database_url: str) -> Engine:
    """An engine for ``database_url`` with the engine's connection settings."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        if url.database not in (None, "", ":memory:"):
            # A first run on a new machine: the user data folder may not exist.
            Path(url.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url)
        _configure_sqlite(engine)
        return engine
    if url.get_backend_name() == "postgresql":
        # No ping on every checkout (a round trip per order): a connection
        # the server dropped fails on its first use, the pool then drops
        # every connection as old as it, and placing an order tries again.
        # TODO: a read on such a connection still fails once (500) after a
        # server restart; its caller's retry covers it, the engine does not.
        return create_engine(url, pool_size=10, max_overflow=20)
    raise ValueError(f"unsupported database: {url.get_backend_name()}")


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event below open every transaction.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        if connection.get_execution_options().get("write"):
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            connection.exec_driver_sql("BEGIN")
