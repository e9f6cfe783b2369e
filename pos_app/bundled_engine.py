"""The order engine bundled with the app, run in-process on SQLite.

Building it (importing FastAPI, SQLAlchemy's ORM side, Alembic and the
routes, opening the database) is the longest step of a start, and it needs
nothing of Qt. :func:`begin_bundled_engine` starts it on a thread of its own
as soon as the settings are read, before the QApplication exists; the
start-up later awaits the same build through :func:`start_bundled_engine`.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from concurrent.futures import Future
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fastapi import FastAPI

logger = logging.getLogger(__name__)

# Builds begun ahead, by database URL (None: the default database).
_begun: dict[str | None, Future[FastAPI]] = {}
_lock = threading.Lock()


def begin_bundled_engine(database_url: str | None) -> None:
    """Start building the engine on a thread now; a second call does nothing."""
    with _lock:
        if database_url in _begun:
            return
        future: Future[FastAPI] = Future()
        _begun[database_url] = future
    thread = threading.Thread(
        target=_build_into,
        args=(database_url, future),
        name="bundled-engine-build",
        daemon=True,
    )
    thread.start()
    logger.debug("Building the bundled engine ahead of the window")


async def start_bundled_engine(database_url: str | None) -> FastAPI:
    """The engine (seeded on first run), built without blocking the loop.

    A build begun ahead for the same database is taken over (once).
    """
    with _lock:
        future = _begun.pop(database_url, None)
    if future is not None:
        return await asyncio.wrap_future(future)
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(None, _build, database_url)


def _build_into(database_url: str | None, future: Future[FastAPI]) -> None:
    if not future.set_running_or_notify_cancel():
        return
    try:
        future.set_result(_build(database_url))
    except BaseException as exc:  # handed to whoever awaits the build
        future.set_exception(exc)


def _build(database_url: str | None) -> FastAPI:
    # Imported here, off the Qt thread: the engine's imports are a third of
    # the start-up profile and must not hold it.
    from oms_core.app import build_engine

    return build_engine(database_url)
