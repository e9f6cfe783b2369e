"""Alembic's environment: runs on the connection the caller hands over."""

from __future__ import annotations

import logging

from alembic import context

from oms_core.db.schema import metadata

logger = logging.getLogger(__name__)


def _run() -> None:
    connection = context.config.attributes.get("connection")
    if connection is None:
        raise RuntimeError("migrations run only through oms_core.migrations")
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        transaction_per_migration=False,
    )
    context.run_migrations()


_run()
