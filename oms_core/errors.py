"""The engine's refusals: an HTTP status, an API error code and a message."""

from __future__ import annotations

import logging

from oms_core.api_models import ErrorCode

logger = logging.getLogger(__name__)


class EngineError(Exception):
    """A request the engine refuses, with the code a client can switch on."""

    def __init__(
        self,
        status: int,
        code: ErrorCode,
        message: str,
        detail: dict[str, object] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.detail = detail


def not_found(code: ErrorCode, message: str, **detail: object) -> EngineError:
    """A 404 refusal."""
    return EngineError(404, code, message, detail or None)


def invalid(code: ErrorCode, message: str, **detail: object) -> EngineError:
    """A 422 refusal: the request is well formed but names something wrong."""
    return EngineError(422, code, message, detail or None)


def conflict(code: ErrorCode, message: str, **detail: object) -> EngineError:
    """A 409 refusal: the request clashes with the current state."""
    return EngineError(409, code, message, detail or None)
