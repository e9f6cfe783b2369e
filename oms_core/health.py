"""``/healthz`` and ``/readyz``: for the load balancer and the orchestrator.

``/healthz`` answers 200 while the process can answer at all. ``/readyz``
answers 200 only when the database is reachable and its schema is at the
newest migration; otherwise 503 with what is wrong, so a load balancer
stops sending requests to this worker until it is ready again.
"""

from __future__ import annotations

import logging

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError
from starlette.concurrency import run_in_threadpool

from oms_core import migrations

logger = logging.getLogger(__name__)

router = APIRouter(tags=["health"])


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    """The process is alive."""
    return {"status": "ok"}


@router.get("/readyz")
async def readyz(request: Request) -> JSONResponse:
    """The database answers and its schema is at the newest revision."""
    checks = await run_in_threadpool(readiness, request.app.state.engine)
    ready = all(check["ok"] for check in checks.values())
    return JSONResponse(
        status_code=200 if ready else 503,
        content={"status": "ready" if ready else "not_ready", "checks": checks},
    )


def readiness(engine: Engine) -> dict[str, dict[str, object]]:
    """Each readiness check with its outcome (blocking: run in a thread)."""
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        logger.warning("readiness: the database cannot be reached")
        reason = type(exc.orig or exc).__name__
        return {
            "database": {"ok": False, "detail": f"unreachable ({reason})"},
            "migrations": {"ok": False, "detail": "not checked"},
        }

    heads = sorted(migrations.heads())
    try:
        current = migrations.current(engine)
    except SQLAlchemyError:
        current = None
    at_head = len(heads) == 1 and current == heads[0]
    return {
        "database": {"ok": True, "detail": "reachable"},
        "migrations": {"ok": at_head, "current": current, "head": heads},
    }
