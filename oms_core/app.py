"""The engine's HTTP application.

:func:`create_app` builds a FastAPI app on a database URL. It needs no
lifespan events (an in-process ASGI transport does not send them): the
engine is created and the schema migrated to the newest revision when the
app is built. Handlers are
plain functions, run in the thread pool, so an in-process caller's event
loop never waits on the database.
"""

from __future__ import annotations

import logging

import platformdirs
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from oms_core.api_models import ApiError, ErrorCode
from oms_core.db.engine import make_engine
from oms_core.errors import EngineError
from oms_core.http_guards import BodySizeLimit, InternalErrorGuard
from oms_core.migrations import upgrade
from oms_core.routes import (
    approvals,
    collection_slots,
    customers,
    events,
    holds,
    locations,
    order_process,
    orders,
    parked_baskets,
    payments,
    processes,
    products,
    sourcing,
    staff,
    stock,
    tasks,
)

logger = logging.getLogger(__name__)

APP_NAME = "openaisle"
DATABASE_FILE = "oms.sqlite3"
_MAX_LISTED_ERRORS = 5


def default_database_url() -> str:
    """SQLite file ``oms.sqlite3`` in the user data folder of "openaisle"."""
    folder = platformdirs.user_data_path(APP_NAME, appauthor=False)
    return f"sqlite:///{folder / DATABASE_FILE}"


def create_app(database_url: str | None = None) -> FastAPI:
    """The API on ``database_url`` (None: :func:`default_database_url`)."""
    url = database_url or default_database_url()
    engine = make_engine(url)
    upgrade(engine)

    app = FastAPI(
        title="OpenAisle order engine",
        version="0.1.0",
        description="Catalogue, locations, stock (ATP) and orders.",
    )
    app.state.engine = engine
    for module in (products, locations, stock, orders):
        app.include_router(module.router)
    for module in (staff, approvals, parked_baskets, customers):
        app.include_router(module.router)
    for module in (order_process, tasks, payments, events, processes):
        app.include_router(module.router)
    for module in (sourcing, holds):
        app.include_router(module.router)
    app.include_router(collection_slots.router)

    app.add_exception_handler(EngineError, _on_engine_error)
    app.add_exception_handler(RequestValidationError, _on_validation_error)
    app.add_exception_handler(StarletteHTTPException, _on_http_error)
    app.add_middleware(BodySizeLimit)
    app.add_middleware(InternalErrorGuard)
    return app


def build_engine(database_url: str | None = None) -> FastAPI:
    """The engine as the app bundles it: seeded from the real data on first run.

    Seeding the full network takes tens of seconds; later starts only open
    the database.
    """
    from oms_core.seed import is_seeded, seed_database

    url = database_url or default_database_url()
    probe = make_engine(url)
    try:
        seeded = is_seeded(probe)
    finally:
        probe.dispose()
    if not seeded:
        logger.info("First run: seeding the bundled engine from the real data")
        seed_database(url)
    return create_app(url)


def _error(status: int, body: ApiError) -> JSONResponse:
    return JSONResponse(status_code=status, content=body.model_dump(mode="json"))


async def _on_engine_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, EngineError)
    return _error(
        exc.status, ApiError(code=exc.code, message=exc.message, detail=exc.detail)
    )


async def _on_validation_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    problems = [
        {
            "location": ".".join(str(part) for part in error.get("loc", ())),
            "message": str(error.get("msg", "")),
            "type": str(error.get("type", "")),
        }
        for error in exc.errors()
    ]
    summary = "; ".join(
        f"{p['location']}: {p['message']}" for p in problems[:_MAX_LISTED_ERRORS]
    )
    return _error(
        422,
        ApiError(
            code=ErrorCode.INVALID_REQUEST,
            message=f"invalid request: {summary}",
            detail={"errors": problems},
        ),
    )


async def _on_http_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    if exc.status_code == 404:
        body = ApiError(code=ErrorCode.NOT_FOUND, message="no such resource")
    else:
        body = ApiError(code=ErrorCode.INVALID_REQUEST, message=str(exc.detail))
    return _error(exc.status_code, body)
