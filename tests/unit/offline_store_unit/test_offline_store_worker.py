"""The sync worker against a scripted sender."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.exc import OperationalError

from offline_store import (
    Accepted,
    AsyncDeviceStore,
    DeviceStore,
    OutboxState,
    Rejected,
    RetryLater,
    SendResult,
    SyncWorker,
    WorkerStatus,
)
from tests.unit.offline_store_unit.fakes import FakeClock, TopOfRangeRng
from tests.unit.offline_store_unit.real_data import queue_orders


class ScriptedSender:
    """Answers each send with the next scripted result, noting what it saw."""

    def __init__(self, store: DeviceStore, *results: SendResult) -> None:
        self.store = store
        self.results = list(results)
        self.sent: list[uuid.UUID] = []
        self.state_while_sending: list[OutboxState] = []

    async def __call__(
        self, order_id: uuid.UUID, payload: dict[str, Any]
    ) -> SendResult:
        self.sent.append(order_id)
        self.state_while_sending.append(self.store.get_entry(order_id).state)
        result = self.results.pop(0) if self.results else None
        if result is None:
            return Accepted({"id": str(order_id), "status": "created"})
        return result


@pytest.fixture
async def async_store(store: DeviceStore) -> AsyncIterator[AsyncDeviceStore]:
    wrapped = AsyncDeviceStore(store)
    yield wrapped
    await wrapped.aclose()


def make_worker(
    async_store: AsyncDeviceStore,
    sender: ScriptedSender,
    clock: FakeClock,
    statuses: list[WorkerStatus] | None = None,
    **options: Any,
) -> SyncWorker:
    worker = SyncWorker(
        async_store, sender, clock=clock, rng=TopOfRangeRng(), **options
    )
    if statuses is not None:
        worker.add_listener(statuses.append)
    return worker


async def test_due_rows_are_sent_oldest_first_and_accepted(
    store: DeviceStore,
    async_store: AsyncDeviceStore,
    clock: FakeClock,
    shared_data: Path,
) -> None:
    order_ids = queue_orders(store, clock, shared_data, 3)
    sender = ScriptedSender(store)
    statuses: list[WorkerStatus] = []
    worker = make_worker(async_store, sender, clock, statuses)

    handled = await worker.run_pass()

    assert handled == 3
    assert sender.sent == order_ids
    assert sender.state_while_sending == [OutboxState.PENDING] * 3
    assert [store.get_entry(i).answer["id"] for i in order_ids] == [
        str(i) for i in order_ids
    ]
    assert worker.online is True
    assert [s.summary[OutboxState.ACCEPTED] for s in statuses] == [1, 2, 3]


class CountingStore(AsyncDeviceStore):
    """The real store, counting the claims made through it."""

    claims = 0

    async def claim_due_batch(self, *args: Any, **kwargs: Any) -> Any:
        self.claims += 1
        return await super().claim_due_batch(*args, **kwargs)


async def test_a_pass_leases_rows_a_batch_at_a_time(
    store: DeviceStore, clock: FakeClock, shared_data: Path
) -> None:
    order_ids = queue_orders(store, clock, shared_data, 5)
    counting = CountingStore(store)
    sender = ScriptedSender(store)
    statuses: list[WorkerStatus] = []
    worker = make_worker(counting, sender, clock, statuses, batch_size=2)

    handled = await worker.run_pass()
    await counting.aclose()

    # Three batches (2, 2, 1) and the claim that finds nothing left.
    assert counting.claims == 4
    assert handled == 5
    assert sender.sent == order_ids
    assert [s.summary[OutboxState.ACCEPTED] for s in statuses] == [1, 2, 3, 4, 5]
    assert {store.get_entry(i).attempts for i in order_ids} == {1}


async def test_stopping_mid_batch_hands_the_unsent_rows_back(
    store: DeviceStore,
    async_store: AsyncDeviceStore,
    clock: FakeClock,
    shared_data: Path,
) -> None:
    first, second, third = queue_orders(store, clock, shared_data, 3)
    scripted = ScriptedSender(store)
    workers: list[SyncWorker] = []

    async def send_then_stop(order_id: uuid.UUID, payload: dict[str, Any]) -> Any:
        workers[0].stop()
        return await scripted(order_id, payload)

    workers.append(SyncWorker(async_store, send_then_stop, clock=clock))
    handled = await workers[0].run_pass()

    assert handled == 1
    assert store.get_entry(first).state is OutboxState.ACCEPTED
    for order_id in (second, third):
        entry = store.get_entry(order_id)
        assert entry.state is OutboxState.PENDING
        assert (entry.claimed_by, entry.lease_until, entry.attempts) == (None, None, 0)


async def test_a_row_whose_lease_would_end_mid_send_goes_out_on_a_fresh_lease(
    store: DeviceStore,
    async_store: AsyncDeviceStore,
    clock: FakeClock,
    shared_data: Path,
) -> None:
    order_ids = queue_orders(store, clock, shared_data, 3)
    scripted = ScriptedSender(store)
    leases = []

    async def slow(order_id: uuid.UUID, payload: dict[str, Any]) -> SendResult:
        leases.append(store.get_entry(order_id).lease_until - clock())
        clock.advance(6)
        return await scripted(order_id, payload)

    # A 10 s lease allows 5 s a send: after one 6 s send, the next row of
    # the batch has 4 s left and is claimed again instead of sent.
    worker = SyncWorker(
        async_store, slow, clock=clock, rng=TopOfRangeRng(), lease_seconds=10
    )
    handled = await worker.run_pass()

    assert handled == 3
    assert scripted.sent == order_ids
    assert leases == [timedelta(seconds=10)] * 3
    assert {store.get_entry(i).attempts for i in order_ids} == {1}


async def test_retry_later_backs_off_and_pauses_the_pass(
    store: DeviceStore,
    async_store: AsyncDeviceStore,
    clock: FakeClock,
    shared_data: Path,
) -> None:
    first, second = queue_orders(store, clock, shared_data, 2)
    sender = ScriptedSender(store, *[RetryLater("connect refused")] * 3)
    worker = make_worker(async_store, sender, clock, base_delay=2, max_delay=300)

    await worker.run_pass()
    after_first = store.get_entry(first)
    too_early = await worker.run_pass()
    clock.advance(2)
    await worker.run_pass()
    clock.advance(2)
    await worker.run_pass()
    first_again = store.get_entry(first)

    # The failed row waits behind the row not yet tried, so one bad order
    # never holds the queue; each row backs off on its own attempts.
    assert sender.sent == [first, second, first]
    assert after_first.next_attempt_at == clock() - timedelta(seconds=2)
    assert too_early == 0
    assert store.get_entry(second).attempts == 1
    assert first_again.attempts == 2
    assert first_again.next_attempt_at == clock() + timedelta(seconds=4)
    assert first_again.last_error == "connect refused"
    assert worker.online is False


async def test_back_off_grows_to_its_ceiling_with_full_jitter(
    async_store: AsyncDeviceStore, store: DeviceStore, clock: FakeClock
) -> None:
    worker = make_worker(async_store, ScriptedSender(store), clock, max_delay=60)
    real_jitter = SyncWorker(async_store, ScriptedSender(store), max_delay=60)

    ceilings = [worker.backoff(attempt, None) for attempt in range(1, 10)]
    jittered = [real_jitter.backoff(8, None) for _ in range(200)]

    assert ceilings == [1, 2, 4, 8, 16, 32, 60, 60, 60]
    assert all(0 <= delay <= 60 for delay in jittered)
    assert len(set(jittered)) > 100


async def test_retry_after_is_a_floor(
    store: DeviceStore,
    async_store: AsyncDeviceStore,
    clock: FakeClock,
    shared_data: Path,
) -> None:
    (order_id,) = queue_orders(store, clock, shared_data, 1)
    sender = ScriptedSender(store, RetryLater("503 maintenance", retry_after=120))
    worker = make_worker(async_store, sender, clock)

    await worker.run_pass()

    assert store.get_entry(order_id).next_attempt_at == clock() + timedelta(seconds=120)
    assert store.next_due_at() == clock() + timedelta(seconds=120)


async def test_a_rejected_order_is_parked_and_the_next_is_still_sent(
    store: DeviceStore,
    async_store: AsyncDeviceStore,
    clock: FakeClock,
    shared_data: Path,
    allow_log: Any,
) -> None:
    allow_log("parked")
    bad, good = queue_orders(store, clock, shared_data, 2)
    sender = ScriptedSender(store, Rejected("insufficient stock"))
    worker = make_worker(async_store, sender, clock)

    await worker.run_pass()

    assert sender.sent == [bad, good]
    assert store.get_entry(bad).state is OutboxState.PARKED
    assert store.get_entry(bad).last_error == "rejected: insufficient stock"
    assert store.get_entry(good).state is OutboxState.ACCEPTED
    assert worker.status.waiting == 1


async def test_after_max_attempts_a_row_is_parked(
    store: DeviceStore,
    async_store: AsyncDeviceStore,
    clock: FakeClock,
    shared_data: Path,
    allow_log: Any,
) -> None:
    allow_log("parked")
    (order_id,) = queue_orders(store, clock, shared_data, 1)
    sender = ScriptedSender(store, RetryLater("down"), RetryLater("down"))
    worker = make_worker(async_store, sender, clock, max_attempts=2)

    await worker.run_pass()
    clock.advance(3600)
    await worker.run_pass()

    entry = store.get_entry(order_id)
    assert entry.state is OutboxState.PARKED
    assert entry.last_error == "gave up after 2 attempts: down"


async def test_a_requeued_row_is_sent_again(
    store: DeviceStore,
    async_store: AsyncDeviceStore,
    clock: FakeClock,
    shared_data: Path,
    allow_log: Any,
) -> None:
    allow_log("parked")
    (order_id,) = queue_orders(store, clock, shared_data, 1)
    sender = ScriptedSender(store, Rejected("unknown sku"))
    worker = make_worker(async_store, sender, clock)
    await worker.run_pass()

    await async_store.requeue(order_id)
    await worker.run_pass()

    assert sender.sent == [order_id, order_id]
    assert store.get_entry(order_id).state is OutboxState.ACCEPTED


async def test_nothing_is_accepted_unless_the_answer_was_stored(
    store: DeviceStore,
    async_store: AsyncDeviceStore,
    clock: FakeClock,
    shared_data: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    (order_id,) = queue_orders(store, clock, shared_data, 1)
    sender = ScriptedSender(store)
    statuses: list[WorkerStatus] = []
    worker = make_worker(async_store, sender, clock, statuses, lease_seconds=30)

    async def disk_full(*_args: object) -> None:
        raise OperationalError(
            "UPDATE outbox", {}, Exception("database or disk is full")
        )

    with monkeypatch.context() as patch:
        patch.setattr(async_store, "record_accepted", disk_full)
        with pytest.raises(OperationalError):
            await worker.run_pass()
    unsaved = store.get_entry(order_id)
    clock.advance(30)
    await worker.run_pass()

    assert unsaved.state is OutboxState.PENDING
    assert unsaved.answer is None
    assert statuses[0].summary[OutboxState.ACCEPTED] == 1
    assert len(statuses) == 1
    assert sender.sent == [order_id, order_id]
    assert store.get_entry(order_id).state is OutboxState.ACCEPTED


async def test_a_sender_that_raises_costs_an_attempt_not_the_order(
    store: DeviceStore,
    async_store: AsyncDeviceStore,
    clock: FakeClock,
    shared_data: Path,
    allow_log: Any,
) -> None:
    allow_log("sender raised")
    (order_id,) = queue_orders(store, clock, shared_data, 1)

    async def broken(_order_id: uuid.UUID, _payload: dict[str, Any]) -> SendResult:
        raise KeyError("status")

    worker = SyncWorker(async_store, broken, clock=clock, rng=TopOfRangeRng())

    await worker.run_pass()

    entry = store.get_entry(order_id)
    assert entry.state is OutboxState.PENDING
    assert entry.last_error == "sender failed: KeyError"
    assert entry.next_attempt_at == clock() + timedelta(seconds=1)


async def test_a_sender_that_hangs_is_cut_off_before_the_lease_ends(
    store: DeviceStore,
    async_store: AsyncDeviceStore,
    clock: FakeClock,
    shared_data: Path,
) -> None:
    (order_id,) = queue_orders(store, clock, shared_data, 1)

    async def hangs(_order_id: uuid.UUID, _payload: dict[str, Any]) -> SendResult:
        await asyncio.sleep(3600)
        raise AssertionError("not reached")

    worker = SyncWorker(
        async_store, hangs, clock=clock, rng=TopOfRangeRng(), lease_seconds=0.2
    )

    await worker.run_pass()

    assert store.get_entry(order_id).last_error == "no answer within 0.1 s"


async def test_run_sends_on_wake_and_stops(
    db_path: Path, shared_data: Path, store: DeviceStore
) -> None:
    real_time_store = AsyncDeviceStore(DeviceStore(db_path))
    sender = ScriptedSender(store)
    statuses: list[WorkerStatus] = []
    accepted = asyncio.Event()

    def on_status(status: WorkerStatus) -> None:
        statuses.append(status)
        if status.summary.get(OutboxState.ACCEPTED):
            accepted.set()

    worker = SyncWorker(real_time_store, sender, observer=on_status, idle_poll=30)
    task = asyncio.create_task(worker.run())
    await asyncio.sleep(0.05)
    (order_id,) = queue_orders(store, FakeClock(), shared_data, 1)

    worker.wake()
    await asyncio.wait_for(accepted.wait(), timeout=10)
    worker.stop()
    await asyncio.wait_for(task, timeout=10)
    await real_time_store.aclose()

    assert sender.sent == [order_id]
    assert statuses[0].online is None
    assert statuses[-1].online is True


async def test_cancelling_the_worker_mid_batch_keeps_what_was_answered(
    store: DeviceStore,
    async_store: AsyncDeviceStore,
    clock: FakeClock,
    shared_data: Path,
) -> None:
    first, second, third = queue_orders(store, clock, shared_data, 3)
    scripted = ScriptedSender(store)
    second_sent = asyncio.Event()

    async def hangs_on_the_second(
        order_id: uuid.UUID, payload: dict[str, Any]
    ) -> SendResult:
        if order_id == second:
            second_sent.set()
            await asyncio.sleep(3600)
        return await scripted(order_id, payload)

    worker = SyncWorker(async_store, hangs_on_the_second, clock=clock)
    task = asyncio.create_task(worker.run())
    await asyncio.wait_for(second_sent.wait(), timeout=10)
    task.cancel()
    await asyncio.wait_for(asyncio.gather(task, return_exceptions=True), timeout=10)

    # The first answer, written while the second was sent, is kept; the
    # rows left wait for their lease to end and go out again then.
    assert store.get_entry(first).state is OutboxState.ACCEPTED
    assert store.get_entry(second).state is OutboxState.PENDING
    assert store.get_entry(third).state is OutboxState.PENDING
