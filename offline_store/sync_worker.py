"""The sync worker: sends queued orders, oldest first, through a sender.

The app hands the worker a ``send(order_id, payload)`` coroutine that
returns one of :class:`Accepted`, :class:`RetryLater` or :class:`Rejected`.
The worker records each outcome before it reports it:

* Accepted: the answer is stored and the row marked accepted in one
  transaction; only then does the worker move on or tell the observer.
* RetryLater: the engine is out of reach for every order, so the row is
  rescheduled (exponential back-off with full jitter, never sooner than the
  engine's ``retry_after``) and the pass stops. After ``max_attempts`` the
  row is parked instead.
* Rejected: the row is parked for a person and the pass goes on, so one bad
  order never holds up the others.

A pass leases the due rows a batch at a time (one device commit for the
batch) and sends them one by one, in order. While one row's outcome is
being written, the next row is already on its way: the sends keep their
order and each decision (go on or stop) is made on the answer before the
next send, only the durable write of the last answer overlaps the next
send. A crash in between is the case of any crash after a send and before
its record: the row is sent again when its lease ends, and the engine,
keyed by the order id, answers it as the same order. Rows of a batch not
sent (the pass stopped, or a lease would end before an answer could come)
are handed back at once, their attempt not counted.
"""

from __future__ import annotations

import asyncio
import logging
import random
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from offline_store.async_store import AsyncDeviceStore
from offline_store.errors import LeaseLostError
from offline_store.models import OutboxEntry, OutboxState
from offline_store.store import utc_now

logger = logging.getLogger(__name__)

MAX_RETRY_AFTER = 24 * 3600.0
MIN_WAIT = 0.05
CLAIM_BATCH = 32


@dataclass(frozen=True)
class Accepted:
    """The engine holds the order; ``answer`` is what it said (JSON data)."""

    answer: dict[str, Any]

    def __post_init__(self) -> None:
        if not isinstance(self.answer, dict):
            raise TypeError("Accepted.answer must be a dict")


@dataclass(frozen=True)
class RetryLater:
    """The engine could not be reached or asked us to wait."""

    reason: str
    retry_after: float | None = None


@dataclass(frozen=True)
class Rejected:
    """The engine refused the order; a person must look at it."""

    reason: str


SendResult = Accepted | RetryLater | Rejected
Sender = Callable[[uuid.UUID, dict[str, Any]], Awaitable[SendResult]]


@dataclass(frozen=True)
class WorkerStatus:
    """What the UI shows: reachability and the outbox counts.

    ``online`` is ``None`` until the worker has sent something.
    """

    online: bool | None
    summary: dict[OutboxState, int] = field(default_factory=dict)
    last_error: str | None = None

    @property
    def waiting(self) -> int:
        """Orders not yet accepted (pending and parked)."""
        return self.summary.get(OutboxState.PENDING, 0) + self.summary.get(
            OutboxState.PARKED, 0
        )


class SyncWorker:
    """Sends the outbox through ``send`` until stopped.

    Listeners (``observer`` and any added with :meth:`add_listener`) are
    called with a :class:`WorkerStatus` when the worker starts and after
    every recorded outcome. ``clock`` and ``rng`` are injectable for tests.
    """

    def __init__(
        self,
        store: AsyncDeviceStore,
        send: Sender,
        *,
        clock: Callable[[], datetime] = utc_now,
        rng: random.Random | None = None,
        base_delay: float = 1.0,
        max_delay: float = 300.0,
        max_attempts: int = 100,
        lease_seconds: float = 60.0,
        idle_poll: float = 30.0,
        worker_id: str | None = None,
        observer: Callable[[WorkerStatus], None] | None = None,
        batch_size: int = CLAIM_BATCH,
    ) -> None:
        if not 0 < base_delay <= max_delay:
            raise ValueError("need 0 < base_delay <= max_delay")
        if max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        self._batch_size = batch_size
        self._store = store
        self._send = send
        self._clock = clock
        self._rng = rng or random.Random()
        self._base_delay = base_delay
        self._max_delay = max_delay
        self._max_attempts = max_attempts
        self._lease_seconds = lease_seconds
        self._send_timeout = lease_seconds / 2
        self._idle_poll = idle_poll
        self._worker_id = worker_id or f"worker-{uuid.uuid4()}"
        self._listeners: list[Callable[[WorkerStatus], None]] = []
        if observer is not None:
            self._listeners.append(observer)
        self._wake = asyncio.Event()
        self._stopped = False
        self._paused_until: datetime | None = None
        self.status = WorkerStatus(online=None)

    @property
    def online(self) -> bool | None:
        """Whether the engine answered the last send (``None``: not yet)."""
        return self.status.online

    def add_listener(self, listener: Callable[[WorkerStatus], None]) -> None:
        """Call ``listener`` with the new status after each change."""
        self._listeners.append(listener)

    def wake(self) -> None:
        """Start a pass now (call it after a submit)."""
        self._wake.set()

    def stop(self) -> None:
        """Ask :meth:`run` to return after the current step."""
        self._stopped = True
        self._wake.set()

    async def run(self) -> None:
        """Send due rows until :meth:`stop`, sleeping until the next is due."""
        logger.info("sync worker started")
        await self._report()

        while not self._stopped:
            self._wake.clear()
            try:
                await self.run_pass()
                delay = await self._time_to_next_due()
            except Exception:
                logger.exception("sync pass failed; trying again later")
                delay = self._base_delay
            if self._stopped:
                break
            try:
                await asyncio.wait_for(self._wake.wait(), timeout=delay)
            except TimeoutError:
                pass

        logger.info("sync worker stopped")

    async def run_pass(self) -> int:
        """Send due rows oldest first; return how many outcomes were recorded.

        The pass ends when nothing is due, the engine is out of reach, or
        the worker is stopped. After the engine was out of reach, no pass
        sends anything until that row's back-off has passed: the engine is
        down for every order, not just for one.
        """
        handled = 0
        if self._paused_until is not None and self._clock() < self._paused_until:
            return handled

        while not self._stopped:
            batch = await self._store.claim_due_batch(
                self._clock(),
                worker_id=self._worker_id,
                lease_seconds=self._lease_seconds,
                limit=self._batch_size,
            )
            if not batch:
                break

            sent, keep_going = await self._send_batch(batch)
            handled += sent
            if not keep_going:
                break

        return handled

    async def _send_batch(self, batch: list[OutboxEntry]) -> tuple[int, bool]:
        """Send leased rows in order, each outcome written while the next goes.

        Returns how many outcomes were recorded and whether the pass should
        go on. The rows not sent are released before this returns.
        """
        sent = 0
        keep_going = True
        recording: asyncio.Task[None] | None = None
        try:
            for index, entry in enumerate(batch):
                if self._stopped or not self._time_left(entry):
                    # A fresh lease too short for one send: stop, not spin.
                    keep_going = index > 0
                    await self._release(batch[index:])
                    break

                result = await self._send_one(entry)
                if recording is not None:
                    await recording
                recording = asyncio.create_task(self._settle(entry, result))
                sent += 1
                if isinstance(result, RetryLater):
                    keep_going = False
                    await self._release(batch[index + 1 :])
                    break
        finally:
            if recording is not None:
                await recording
        return sent, keep_going

    def _time_left(self, entry: OutboxEntry) -> bool:
        """Whether the row's lease outlasts the longest a send may take."""
        if entry.lease_until is None:
            return False
        left = (entry.lease_until - self._clock()).total_seconds()
        return left >= self._send_timeout

    async def _release(self, entries: list[OutboxEntry]) -> None:
        if entries:
            await self._store.release_claims(
                [entry.order_id for entry in entries], worker_id=self._worker_id
            )

    async def _settle(self, entry: OutboxEntry, result: SendResult) -> None:
        """Record the outcome of one send, then tell the listeners."""
        try:
            await self._record(entry, result)
        except LeaseLostError:
            # Our lease ran out while we sent and another worker took
            # the row: its outcome wins, ours is stale.
            logger.warning("outbox row was taken over; outcome dropped")
        await self._report()

    async def _send_one(self, entry: OutboxEntry) -> SendResult:
        try:
            async with asyncio.timeout(self._send_timeout):
                return await self._send(entry.order_id, entry.payload)
        except TimeoutError:
            return RetryLater(f"no answer within {self._send_timeout:g} s")
        except Exception as exc:
            # The sender is the app's code: a bug there must not lose the
            # row, so it is treated as a failed attempt.
            logger.exception("the order sender raised")
            return RetryLater(f"sender failed: {type(exc).__name__}")

    async def _record(self, entry: OutboxEntry, result: SendResult) -> None:
        """Store the outcome (and, for a retry, when to try again)."""
        if not isinstance(result, RetryLater):
            self._paused_until = None

        if isinstance(result, Accepted):
            await self._store.record_accepted(entry.order_id, result.answer)
            self.status = WorkerStatus(online=True)
            return

        if isinstance(result, Rejected):
            await self._store.record_parked(
                entry.order_id,
                f"rejected: {result.reason}",
                worker_id=self._worker_id,
            )
            self.status = WorkerStatus(online=True, last_error=result.reason)
            return

        self.status = WorkerStatus(online=False, last_error=result.reason)
        delay = self.backoff(entry.attempts, result.retry_after)
        self._paused_until = self._clock() + timedelta(seconds=delay)
        if entry.attempts >= self._max_attempts:
            await self._store.record_parked(
                entry.order_id,
                f"gave up after {entry.attempts} attempts: {result.reason}",
                worker_id=self._worker_id,
            )
            return

        await self._store.record_retry(
            entry.order_id,
            result.reason,
            self._paused_until,
            worker_id=self._worker_id,
        )
        logger.info("engine out of reach; next attempt in %.1f s", delay)

    def backoff(self, attempts: int, retry_after: float | None) -> float:
        """Seconds to wait after ``attempts`` failed tries (full jitter).

        A ``retry_after`` from the engine is a floor, capped at one day.
        """
        ceiling = min(self._max_delay, self._base_delay * 2 ** max(attempts - 1, 0))
        delay = self._rng.uniform(0, ceiling)
        if retry_after is not None and retry_after > 0:
            delay = max(delay, min(retry_after, MAX_RETRY_AFTER))
        return delay

    async def _time_to_next_due(self) -> float:
        next_due = await self._store.next_due_at()
        if next_due is None:
            return self._idle_poll
        if self._paused_until is not None:
            next_due = max(next_due, self._paused_until)
        seconds = (next_due - self._clock()).total_seconds()
        return min(max(seconds, MIN_WAIT), self._idle_poll)

    async def _report(self) -> None:
        summary = await self._store.outbox_summary()
        self.status = WorkerStatus(
            online=self.status.online,
            summary=summary,
            last_error=self.status.last_error,
        )
        for listener in self._listeners:
            listener(self.status)
