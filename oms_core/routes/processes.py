"""``/v1/processes``: the definitions, their pictures and a reload."""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Response

from oms_core.api_models import ApiError, ErrorCode, Page
from oms_core.device_access import require_admin
from oms_core.errors import invalid, not_found
from oms_core.process.definition import DefinitionError
from oms_core.process.diagram import render_svg
from oms_core.process.registry import default_registry

logger = logging.getLogger(__name__)

router = APIRouter(prefix="/v1/processes", tags=["order process"])
NAME = r"^[a-z][a-z0-9_]{0,63}$"


@router.get("", response_model=Page[str])
def list_processes() -> Page[str]:
    """Names of the standard and configured processes."""
    return Page[str](items=default_registry().names())


@router.get("/{name}.svg", responses={404: {"model": ApiError}})
def picture(
    name: Annotated[str, Path(pattern=NAME)],
    state: Annotated[str | None, Query(pattern=NAME)] = None,
) -> Response:
    """The newest version of a process as SVG (``state`` outlined if given)."""
    try:
        definition = default_registry().latest(name)
    except KeyError as exc:
        raise not_found(ErrorCode.NOT_FOUND, f"no process {name!r}") from exc
    return Response(render_svg(definition, state), media_type="image/svg+xml")


@router.post(
    "/reload",
    response_model=Page[str],
    responses={403: {"model": ApiError}, 422: {"model": ApiError}},
    dependencies=[Depends(require_admin)],
)
def reload() -> Page[str]:
    """Read the definition files again; a bad file is refused, nothing changes."""
    try:
        return Page[str](items=default_registry().reload())
    except DefinitionError as exc:
        raise invalid(ErrorCode.INVALID_REQUEST, str(exc)) from exc
