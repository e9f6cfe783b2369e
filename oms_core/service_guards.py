"""ASGI guards of the served engine: device tokens, store scope, rate limit.

Only :func:`oms_core.service_app.create_service_app` installs them; the
engine bundled in the app runs in-process without any of them.

- :class:`DeviceAuth` asks every ``/v1`` call for ``Authorization: Bearer
  <device token>`` (401 ``device_unauthorized`` otherwise) and holds the
  device to its store and role (403 ``not_permitted``): orders are placed
  and listed for its own store only, and a kiosk cannot record approvals,
  which is how prices are overridden or discounted. The routes hold the
  other writes to the device's role and store
  (:mod:`oms_core.device_access`). A body it must read and cannot (not
  JSON it can parse, or nested too deeply) is refused 400
  ``invalid_request``, as the API itself refuses it.
- :class:`RateLimit` gives every client address and every presented token
  a token bucket; an empty bucket answers 429 ``rate_limited`` with
  ``Retry-After``.
- :class:`AccessLog` writes one structured line per request.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import re
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qs

from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool

from oms_core.api_models import ErrorCode
from oms_core.device_tokens import (
    ConfiguredToken,
    DeviceIdentity,
    DeviceRole,
    authenticate,
)
from oms_core.http_guards import send_error

logger = logging.getLogger(__name__)
access_logger = logging.getLogger("oms_core.access")

Scope = dict[str, Any]
Message = dict[str, Any]

OPEN_PATHS = frozenset({"/healthz", "/readyz"})
_APPROVALS = re.compile(r"^/v1/orders/[^/]+/approvals/?$")
_ORDERS = re.compile(r"^/v1/orders/?$")
MAX_BUCKETS = 100_000


def bearer_token(scope: Scope) -> str | None:
    """The bearer token of a request, if it carries one."""
    for name, value in scope.get("headers") or ():
        if name == b"authorization":
            scheme, _, token = value.decode("latin-1").partition(" ")
            if scheme.lower() == "bearer" and token.strip():
                return token.strip()
    return None


def device_of(scope: Scope) -> DeviceIdentity | None:
    """The device a request was authenticated as (set by :class:`DeviceAuth`)."""
    return scope.get("state", {}).get("device")


class DeviceAuth:
    """Authenticate devices by token and hold them to their store and role."""

    def __init__(
        self,
        app: Any,
        engine: Engine,
        configured: Iterable[ConfiguredToken] = (),
    ) -> None:
        self.app = app
        self.engine = engine
        self.configured = tuple(configured)

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        """Let open paths through; check the token and scope of the rest."""
        path = scope.get("path", "")
        if scope["type"] != "http" or not path.startswith("/v1/"):
            await self.app(scope, receive, send)
            return

        token = bearer_token(scope)
        device = None
        if token is not None:
            device = await run_in_threadpool(
                authenticate, self.engine, token, self.configured
            )
        if device is None:
            logger.info("refused a request without a valid device token")
            await send_error(
                send,
                401,
                ErrorCode.DEVICE_UNAUTHORIZED,
                "a valid device token is required (Authorization: Bearer …)",
            )
            return
        scope.setdefault("state", {})["device"] = device

        try:
            receive, refusal = await self._check_scope(scope, receive, device)
        except UnreadableBody:
            logger.info("device %s sent a body that cannot be read", device.token_id)
            await send_error(
                send, 400, ErrorCode.INVALID_REQUEST, "the body cannot be parsed"
            )
            return
        if refusal is not None:
            logger.info("device %s refused: %s", device.token_id, refusal)
            await send_error(send, 403, ErrorCode.NOT_PERMITTED, refusal)
            return
        await self.app(scope, receive, send)

    async def _check_scope(
        self, scope: Scope, receive: Any, device: DeviceIdentity
    ) -> tuple[Any, str | None]:
        path, method = scope["path"], scope["method"]
        if method == "POST" and _APPROVALS.match(path):
            if device.role is DeviceRole.KIOSK:
                return receive, "a kiosk cannot override prices or give discounts"
            return receive, None

        if _ORDERS.match(path) and method == "GET":
            query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
            if query.get("location") != [device.store_id]:
                return receive, f"this device may list orders of {device.store_id} only"
            return receive, None

        if _ORDERS.match(path) and method == "POST":
            body, replay = await _read_body(receive)
            seller = _selling_location(body)
            if seller is not None and seller != device.store_id:
                return replay, f"this device sells for {device.store_id} only"
            return replay, None
        # TODO: reads of one order by id (and its approvals) and the writes on
        # one order (process events, cancel, returns, payments, refunds,
        # collection slot) are not yet held to the device's store; that needs
        # the order's selling and collecting stores at lookup time.
        return receive, None


async def _read_body(receive: Any) -> tuple[bytes, Callable[[], Any]]:
    """Read the whole body (already size-limited) and a receive that replays it."""
    chunks = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    body = b"".join(chunks)
    replayed = False

    async def replay() -> Message:
        nonlocal replayed
        if not replayed:
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return body, replay


class UnreadableBody(ValueError):
    """A body the guard must read that is nested too deeply to parse."""


def _selling_location(body: bytes) -> str | None:
    """The order's selling location, if the body is an object that names one.

    A body that is not valid JSON passes: the API refuses it with 422. One
    nested too deeply for the parser raises :class:`UnreadableBody`.
    """
    try:
        data = json.loads(body)
    except RecursionError as exc:
        raise UnreadableBody("the body is nested too deeply") from exc
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    seller = data.get("selling_location_id")
    return seller if isinstance(seller, str) else ""


class TokenBuckets:
    """Token buckets by key: ``rate`` per second, at most ``burst`` saved up.

    Least recently used keys are forgotten past ``MAX_BUCKETS``.
    """

    def __init__(
        self, rate: float, burst: int, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.rate = rate
        self.burst = burst
        self.clock = clock
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()

    def take(self, key: str) -> float:
        """Spend one; 0 if allowed, else the seconds until one is free."""
        now = self.clock()
        level, then = self._buckets.pop(key, (float(self.burst), now))
        level = min(float(self.burst), level + (now - then) * self.rate)
        if level >= 1.0:
            self._buckets[key] = (level - 1.0, now)
            wait = 0.0
        else:
            self._buckets[key] = (level, now)
            wait = (1.0 - level) / self.rate
        if len(self._buckets) > MAX_BUCKETS:
            self._buckets.popitem(last=False)
        return wait


class RateLimit:
    """429 with ``Retry-After`` when a client address or a token goes too fast.

    The buckets live in each worker process.
    """

    # TODO: with N workers a client may get up to N times the rate; a shared
    # limit belongs in the load balancer (or a shared store) in front.

    def __init__(self, app: Any, per_minute: int, burst: int) -> None:
        self.app = app
        self.buckets = TokenBuckets(per_minute / 60.0, burst)

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        """Spend from the address's and the token's bucket, or refuse."""
        if scope["type"] != "http" or scope.get("path") in OPEN_PATHS:
            await self.app(scope, receive, send)
            return

        client = scope.get("client")
        keys = [f"ip:{client[0] if client else '-'}"]
        token = bearer_token(scope)
        if token is not None:
            digest = hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()
            keys.append(f"token:{digest[:32]}")
        wait = max(self.buckets.take(key) for key in keys)
        if wait <= 0:
            await self.app(scope, receive, send)
            return

        logger.info("rate limit reached; asked to retry in %.1f s", wait)
        await _send_rate_limited(send, math.ceil(wait))


async def _send_rate_limited(send: Any, retry_after: int) -> None:
    async def with_retry_after(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = [*message["headers"], (b"retry-after", str(retry_after).encode())]
            message = {**message, "headers": headers}
        await send(message)

    await send_error(
        with_retry_after,
        429,
        ErrorCode.RATE_LIMITED,
        f"too many requests; retry in {retry_after} s",
    )


class AccessLog:
    """One structured log line per request: method, path, status, time, device."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        """Time the request and log it when the answer has started."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        started = time.perf_counter()
        status = 500

        async def watch(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, watch)
        finally:
            device = device_of(scope)
            access_logger.info(
                "request",
                extra={
                    "method": scope.get("method"),
                    "path": scope.get("path"),
                    "status": status,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                    "device": device.token_id if device else None,
                    "store": device.store_id if device else None,
                },
            )
