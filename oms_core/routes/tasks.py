"""Store tasks: ``/v1/locations/{id}/tasks`` and ``/v1/tasks/{id}/...``."""

from __future__ import annotations

import logging
import uuid
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request

from oms_core import sale_details
from oms_core.api_models import (
    LOCATION_ID_PATTERN,
    ApiError,
    ClaimTaskRequest,
    CompleteTaskRequest,
    Page,
    StoreTask,
)
from oms_core.deps import DbEngine, ReadConnection
from oms_core.device_access import require_task_operator, require_task_reader
from oms_core.payments import intents
from oms_core.process import service, tasks
from oms_core.routes.order_process import providers

logger = logging.getLogger(__name__)

router = APIRouter(tags=["tasks"])
ERRORS = {
    403: {"model": ApiError},
    404: {"model": ApiError},
    409: {"model": ApiError},
    422: {"model": ApiError},
}


@router.get("/v1/locations/{location_id}/tasks", response_model=Page[StoreTask])
def list_tasks(
    connection: ReadConnection,
    request: Request,
    location_id: Annotated[str, Path(pattern=LOCATION_ID_PATTERN)],
    include_done: bool = False,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> Page[StoreTask]:
    """The location's open and claimed tasks, oldest first (its own tills)."""
    require_task_reader(request, location_id)
    found = tasks.list_tasks(
        connection, location_id, include_done=include_done, limit=limit
    )
    return Page[StoreTask](items=sale_details.with_notes(connection, found))


@router.post("/v1/tasks/{task_id}/claim", response_model=StoreTask, responses=ERRORS)
def claim_task(
    engine: DbEngine,
    request: Request,
    task_id: Annotated[uuid.UUID, Path()],
    body: ClaimTaskRequest,
) -> StoreTask:
    """Take an open task (a till of the task's store, or an admin)."""
    require_task_operator(request, engine, task_id)
    return service.in_write(
        engine, lambda conn, now: tasks.claim_task(conn, task_id, body.staff, now)
    )


@router.post("/v1/tasks/{task_id}/complete", response_model=StoreTask, responses=ERRORS)
def complete_task(
    engine: DbEngine,
    request: Request,
    task_id: Annotated[uuid.UUID, Path()],
    body: CompleteTaskRequest,
) -> StoreTask:
    """Finish a task; a pick may report fewer found (the rest is re-sourced).

    A ``line_exception`` task (a promise shown offline that broke) needs a
    ``resolution``: one of the options on its ``exception``. Only a till
    of the task's store (or an admin) may complete it.
    """
    require_task_operator(request, engine, task_id)

    chosen = providers(request)
    task = service.in_write(
        engine,
        lambda conn, now: tasks.complete_task(
            conn, task_id, body.staff, body.found, now, chosen, body.resolution
        ),
    )
    intents.dispatch(engine, chosen, order_id=task.order_id)
    return task
