"""ASGI guards around the API: a body size limit and a last-resort 500.

Both answer with an :class:`~oms_core.api_models.ApiError` body. The 500
guard logs the exception and never puts a traceback in the answer; it also
keeps an in-process caller (an ASGI transport) from seeing the exception.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from oms_core.api_models import ApiError, ErrorCode

logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 256 * 1024

Scope = dict[str, Any]
Message = dict[str, Any]


async def send_error(send: Any, status: int, code: ErrorCode, message: str) -> None:
    """Send a whole ApiError answer."""
    body = json.dumps(ApiError(code=code, message=message).model_dump(mode="json"))
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body.encode()})


class BodySizeLimit:
    """Refuse request bodies over ``limit`` bytes with 413 ``payload_too_large``.

    The body is read (up to the limit) before the app runs and replayed to
    it, so an oversized body never reaches parsing.
    """

    def __init__(self, app: Any, limit: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        """Check the declared and the actual size, then pass the request on."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and (
            not declared.isdigit() or int(declared) > self.limit
        ):
            await self._refuse(send)
            return

        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.limit:
                await self._refuse(send)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break

        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": b"".join(chunks)}
            return await receive()

        await self.app(scope, replay, send)

    async def _refuse(self, send: Any) -> None:
        logger.info("refused a request body over %d bytes", self.limit)
        await send_error(
            send,
            413,
            ErrorCode.PAYLOAD_TOO_LARGE,
            f"request bodies are limited to {self.limit} bytes",
        )


class InternalErrorGuard:
    """Turn an unhandled exception into 500 ``internal`` and log it."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        """Run the app; answer 500 if it raises before it starts answering."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        started = False

        async def watch(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, watch)
        except Exception:
            logger.exception("unhandled error while answering a request")
            if not started:
                await send_error(
                    send, 500, ErrorCode.INTERNAL, "internal error; it has been logged"
                )
