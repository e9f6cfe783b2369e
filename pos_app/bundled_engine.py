"""The order engine bundled with the app, run in-process on SQLite."""

from __future__ import annotations

import asyncio
import logging

from fastapi import FastAPI

logger = logging.getLogger(__name__)


async def start_bundled_engine(database_url: str | None) -> FastAPI:
    """Build the engine (seeding it on first run) without blocking the loop."""
    from oms_core.app import build_engine

    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(None, build_engine, database_url)
