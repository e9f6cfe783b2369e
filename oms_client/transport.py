"""Turning HTTP answers into models or into the client's exceptions."""

from __future__ import annotations

import logging
from typing import Any, TypeVar

import httpx
from pydantic import BaseModel, TypeAdapter, ValidationError

from oms_client.clock_skew import server_date
from oms_client.errors import (
    OmsConflict,
    OmsError,
    OmsNotFound,
    OmsProtocolError,
    OmsRejected,
    OmsServerError,
    OmsUnreachable,
    parse_retry_after,
)
from oms_core.api_models import ApiError

logger = logging.getLogger(__name__)

M = TypeVar("M", bound=BaseModel)

UNREACHABLE_STATUSES = frozenset({429, 502, 503, 504})


def raise_for_answer(response: httpx.Response, what: str) -> None:
    """Raise the client's exception for a non-2xx answer; pass a 2xx."""
    try:
        response.raise_for_status()
    except httpx.HTTPStatusError as exc:
        raise error_for(response, what) from exc


def error_for(response: httpx.Response, what: str) -> OmsError:
    """The exception that matches the status of a failed answer."""
    status = response.status_code
    error = _api_error(response)
    if error is not None:
        message = f"{what} answered {status}: {error.code}: {error.message}"
    else:
        message = (
            f"{what} answered {status} with a body that is not an API error "
            f"({response.headers.get('content-type', 'no content type')}, "
            f"{len(response.content)} bytes)"
        )

    if status in UNREACHABLE_STATUSES:
        # A Retry-After date is read against the engine's own Date, so a
        # device clock that is off neither spins nor stalls the retries.
        retry_after = parse_retry_after(
            response.headers.get("retry-after"), server_date(response)
        )
        return OmsUnreachable(
            message, status=status, error=error, retry_after=retry_after
        )
    if status == 409:
        return OmsConflict(message, status=status, error=error)
    if status == 404:
        return OmsNotFound(message, status=status, error=error)
    if 400 <= status < 500:
        return OmsRejected(message, status=status, error=error)
    if 500 <= status < 600:
        return OmsServerError(message, status=status, error=error)
    return OmsProtocolError(message, status=status, error=error)


def parse_model(response: httpx.Response, model: type[M], what: str) -> M:
    """The answer body as ``model``, or :class:`OmsProtocolError`."""
    try:
        return model.model_validate_json(response.content)
    except ValidationError as exc:
        raise OmsProtocolError(
            f"{what} answered a body that is not a valid {model.__name__}",
            status=response.status_code,
        ) from exc


def parse_list(response: httpx.Response, model: type[M], what: str) -> list[M]:
    """A list answer, either a JSON array or ``{"items": [...]}``."""
    try:
        data: Any = response.json()
    except ValueError as exc:
        raise OmsProtocolError(
            f"{what} answered a body that is not JSON", status=response.status_code
        ) from exc

    if isinstance(data, dict) and "items" in data:
        data = data["items"]
    if not isinstance(data, list):
        raise OmsProtocolError(
            f"{what} answered {type(data).__name__}, not a list",
            status=response.status_code,
        )

    try:
        return TypeAdapter(list[model]).validate_python(data)  # type: ignore[valid-type]
    except ValidationError as exc:
        raise OmsProtocolError(
            f"{what} answered a list with an item that is not a valid {model.__name__}",
            status=response.status_code,
        ) from exc


def _api_error(response: httpx.Response) -> ApiError | None:
    try:
        return ApiError.model_validate_json(response.content)
    except ValidationError:
        return None
