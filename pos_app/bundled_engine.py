"""The order engine bundled with the app, run in-process on SQLite."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fastapi import FastAPI

logger = logging.getLogger(__name__)


async def start_bundled_engine(database_url: str | None) -> FastAPI:
    """Build the engine (seeding it on first run) without blocking the loop."""
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(None, _build, database_url)


def _build(database_url: str | None) -> FastAPI:
    # Imported here, on the worker thread: the engine's imports (FastAPI,
    # SQLAlchemy's ORM side, Alembic) are a third of the start-up profile and
    # must not hold the Qt thread.
    from oms_core.app import build_engine

    return build_engine(database_url)
