"""A fault-injecting HTTP proxy on loopback, between a client and the engine.

It understands just enough HTTP/1.1 for our client: one request per
connection towards the engine, a ``Content-Length`` body, the answer read
to the end. For each request a *plan* picks a :class:`Fault`:

* ``PASS``: forward and answer.
* ``DROP_REQUEST``: close the connection; the engine never sees it.
* ``DROP_ANSWER``: forward, let the engine commit, read its answer, then
  close without answering: the worst case for exactly-once.
* ``DELAY``: wait ``delay`` seconds, then forward (past the client's
  time-out the engine still commits after the client gave up).
* ``RESET``: answer the request with a TCP reset.
* ``STATUS_502``/``STATUS_503``/``STATUS_429``: answer that status with a
  ``Retry-After`` header, without forwarding.

The proxy runs its own asyncio loop on a thread, so sync tests, async tests
and child processes can all use it. It counts what it did, per fault and
per ``Idempotency-Key``.
"""

from __future__ import annotations

import asyncio
import enum
import logging
import random
import socket
import struct
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import formatdate

logger = logging.getLogger(__name__)

MAX_HEAD = 64 * 1024
IO_TIMEOUT = 30.0


class Fault(enum.StrEnum):
    """What the proxy does to one request."""

    PASS = "pass"
    DROP_REQUEST = "drop_request"
    DROP_ANSWER = "drop_answer"
    DELAY = "delay"
    RESET = "reset"
    STATUS_502 = "status_502"
    STATUS_503 = "status_503"
    STATUS_429 = "status_429"


FAULTS = tuple(fault for fault in Fault if fault is not Fault.PASS)

_STATUS_OF = {Fault.STATUS_502: 502, Fault.STATUS_503: 503, Fault.STATUS_429: 429}
_REASON = {502: "Bad Gateway", 503: "Service Unavailable", 429: "Too Many Requests"}


@dataclass(frozen=True)
class Request:
    """What the plan sees of a request."""

    method: str
    path: str
    idempotency_key: str | None
    number: int


Plan = Callable[[Request], Fault]


def always_pass(_request: Request) -> Fault:
    """The plan that injects nothing."""
    return Fault.PASS


@dataclass
class RandomFaults:
    """Inject one of ``kinds`` into a share ``rate`` of order POSTs."""

    rng: random.Random
    rate: float = 0.5
    kinds: tuple[Fault, ...] = FAULTS
    all_requests: bool = False

    def __call__(self, request: Request) -> Fault:
        """Pick the fault of one request."""
        if not self.all_requests and request.method != "POST":
            return Fault.PASS
        if self.rng.random() >= self.rate:
            return Fault.PASS
        return self.rng.choice(self.kinds)


@dataclass
class ProxyStats:
    """What the proxy did; read it after the run."""

    requests: int = 0
    faults: Counter[Fault] = field(default_factory=Counter)
    posts_by_key: Counter[str] = field(default_factory=Counter)
    created_by_key: Counter[str] = field(default_factory=Counter)
    in_flight: Counter[str] = field(default_factory=Counter)
    max_in_flight: int = 0

    @property
    def injected(self) -> int:
        """Requests that met a fault."""
        return sum(n for fault, n in self.faults.items() if fault is not Fault.PASS)


class FaultProxy:
    """Listen on a loopback port and forward to ``upstream`` under a plan.

    ``retry_after`` is the header value of the status faults (or a function
    that makes it, for an HTTP date); status answers carry a ``Date`` of the
    real time. ``delay`` is the wait of ``DELAY``. Use as a context manager;
    ``url`` is the base URL clients point at.
    """

    def __init__(
        self,
        upstream_port: int,
        *,
        plan: Plan = always_pass,
        retry_after: str | Callable[[], str] = "0",
        delay: float = 0.3,
    ) -> None:
        self.upstream_port = upstream_port
        self.plan = plan
        self.retry_after = retry_after
        self.delay = delay
        self.stats = ProxyStats()
        self.port = 0
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stopping: asyncio.Event | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()

    @property
    def url(self) -> str:
        """Base URL of the proxy."""
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        """Start listening on a thread of its own."""
        self._thread = threading.Thread(
            target=self._run, name="fault-proxy", daemon=True
        )
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("the fault proxy did not start")

    def stop(self) -> None:
        """Stop listening and end the thread."""
        if self._loop is None or self._thread is None:
            return
        self._loop.call_soon_threadsafe(self._stopping.set)
        self._thread.join(10)
        self._thread = None

    def __enter__(self) -> FaultProxy:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # -- the loop thread ---------------------------------------------------

    def _run(self) -> None:
        # asyncio.run cancels what is still delayed or in flight at the end
        # and closes the loop.
        asyncio.run(self._main())

    async def _main(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._stopping = asyncio.Event()
        server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = server.sockets[0].getsockname()[1]
        self._ready.set()
        async with server:
            await self._stopping.wait()

    async def _serve(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        try:
            while True:
                raw = await _read_request(reader)
                if raw is None:
                    break
                keep_open = await self._handle(raw, writer)
                if not keep_open:
                    break
        except (ConnectionError, TimeoutError, asyncio.IncompleteReadError):
            pass
        except asyncio.CancelledError:
            # The proxy is stopping with this request still delayed or in
            # flight: end quietly, the test is over.
            pass
        finally:
            if not writer.is_closing():
                writer.close()

    async def _handle(self, raw: _RawRequest, writer: asyncio.StreamWriter) -> bool:
        with self._lock:
            self.stats.requests += 1
            request = Request(raw.method, raw.path, raw.key, self.stats.requests)
            fault = self.plan(request)
            self.stats.faults[fault] += 1

        if fault is Fault.DROP_REQUEST:
            return False
        if fault is Fault.RESET:
            _reset(writer)
            return False
        if fault in _STATUS_OF:
            writer.write(self._status_answer(_STATUS_OF[fault]))
            await writer.drain()
            return True
        if fault is Fault.DELAY:
            await asyncio.sleep(self.delay)

        answer = await self._forward(raw)
        if fault is Fault.DROP_ANSWER:
            return False
        writer.write(answer)
        await writer.drain()
        return False

    async def _forward(self, raw: _RawRequest) -> bytes:
        key = raw.key
        if raw.method == "POST" and key is not None:
            with self._lock:
                self.stats.posts_by_key[key] += 1
                self.stats.in_flight[key] += 1
                self.stats.max_in_flight = max(
                    self.stats.max_in_flight, self.stats.in_flight[key]
                )
        try:
            reader, writer = await asyncio.wait_for(
                asyncio.open_connection("127.0.0.1", self.upstream_port), IO_TIMEOUT
            )
            try:
                writer.write(raw.upstream_bytes())
                await writer.drain()
                answer = await asyncio.wait_for(reader.read(), IO_TIMEOUT)
            finally:
                writer.close()
        finally:
            if raw.method == "POST" and key is not None:
                with self._lock:
                    self.stats.in_flight[key] -= 1

        if key is not None and answer.startswith(b"HTTP/1.1 201"):
            with self._lock:
                self.stats.created_by_key[key] += 1
        return answer

    def _status_answer(self, status: int) -> bytes:
        body = b'{"detail": "injected by the fault proxy"}'
        retry_after = self.retry_after
        if callable(retry_after):
            retry_after = retry_after()
        head = (
            f"HTTP/1.1 {status} {_REASON[status]}\r\n"
            f"date: {formatdate(usegmt=True)}\r\n"
            f"content-type: application/json\r\n"
            f"retry-after: {retry_after}\r\n"
            f"content-length: {len(body)}\r\n\r\n"
        )
        return head.encode("latin-1") + body


@dataclass(frozen=True)
class _RawRequest:
    method: str
    path: str
    head_lines: list[bytes]
    body: bytes

    @property
    def key(self) -> str | None:
        for line in self.head_lines[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"idempotency-key":
                return value.strip().decode("latin-1")
        return None

    def upstream_bytes(self) -> bytes:
        """The request with ``Connection: close``, for a one-shot upstream."""
        kept = [
            line
            for line in self.head_lines[1:]
            if line.partition(b":")[0].strip().lower() != b"connection"
        ]
        head = b"\r\n".join([self.head_lines[0], *kept, b"Connection: close"])
        return head + b"\r\n\r\n" + self.body


async def _read_request(reader: asyncio.StreamReader) -> _RawRequest | None:
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError:
        return None
    except asyncio.LimitOverrunError as exc:
        raise ConnectionError("request head too long") from exc
    if len(head) > MAX_HEAD:
        raise ConnectionError("request head too long")

    lines = head[:-4].split(b"\r\n")
    method, path, _version = lines[0].decode("latin-1").split(" ", 2)
    length = 0
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    body = await reader.readexactly(length) if length else b""
    return _RawRequest(method, path, lines, body)


def _reset(writer: asyncio.StreamWriter) -> None:
    sock = writer.get_extra_info("socket")
    if sock is not None:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()
