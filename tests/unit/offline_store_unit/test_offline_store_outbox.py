"""Submitting a basket into the outbox, and the outbox's life cycle."""

from __future__ import annotations

import threading
import uuid
from datetime import timedelta
from pathlib import Path

import pytest

from offline_store import (
    BasketState,
    DeviceStore,
    DuplicateOrderError,
    EmptyBasketError,
    InvalidInputError,
    InvalidTransitionError,
    OutboxState,
    UnknownOrderError,
    basket_ops,
    outbox_ops,
)
from tests.unit.offline_store_unit.fakes import FakeClock
from tests.unit.offline_store_unit.real_data import (
    fill_basket,
    order_payload,
    queue_orders,
)

# -- submit -----------------------------------------------------------------


def test_submit_queues_the_order_and_closes_the_basket(
    store: DeviceStore, shared_data: Path
) -> None:
    fill_basket(store, shared_data, "536365")
    open_basket = store.current_basket()
    order_id = uuid.uuid4()
    payload = order_payload(store)

    entry = store.submit_basket(order_id, payload)

    assert entry.order_id == order_id
    assert entry.state is OutboxState.PENDING
    assert entry.payload == payload
    closed = store.basket_for_order(order_id)
    assert closed.id == open_basket.id
    assert closed.state is BasketState.SUBMITTED
    assert closed.lines == open_basket.lines
    assert store.current_basket().id != open_basket.id
    assert store.current_basket().lines == ()


def test_an_empty_basket_is_not_submitted(store: DeviceStore) -> None:
    with pytest.raises(EmptyBasketError):
        store.submit_basket(uuid.uuid4(), {"lines": []})

    assert store.entries() == []


def test_a_reused_order_id_leaves_the_basket_open(
    store: DeviceStore, shared_data: Path
) -> None:
    order_id = uuid.uuid4()
    fill_basket(store, shared_data, "536365")
    store.submit_basket(order_id, order_payload(store))
    fill_basket(store, shared_data, "536366")
    second = store.current_basket()

    with pytest.raises(DuplicateOrderError):
        store.submit_basket(order_id, order_payload(store))

    assert store.current_basket() == second
    assert len(store.entries()) == 1


@pytest.mark.parametrize(
    ("module", "step"),
    [(outbox_ops, "insert_entry"), (basket_ops, "close_for_order")],
)
def test_a_failure_after_either_step_undoes_both(
    store: DeviceStore,
    shared_data: Path,
    monkeypatch: pytest.MonkeyPatch,
    module: object,
    step: str,
) -> None:
    fill_basket(store, shared_data, "536365")
    before = store.current_basket()
    real_step = getattr(module, step)

    def step_then_disk_error(*args: object) -> None:
        real_step(*args)
        raise OSError("disk I/O error")

    monkeypatch.setattr(module, step, step_then_disk_error)
    with pytest.raises(OSError, match="disk"):
        store.submit_basket(uuid.uuid4(), order_payload(store))

    assert store.current_basket() == before
    assert store.entries() == []


def test_a_payload_that_is_not_json_is_refused(
    store: DeviceStore, shared_data: Path
) -> None:
    fill_basket(store, shared_data, "536365")

    with pytest.raises(InvalidInputError, match="JSON"):
        store.submit_basket(uuid.uuid4(), {"placed_at": object()})

    assert store.current_basket().lines != ()


# -- claims and leases ------------------------------------------------------


def test_claims_take_the_oldest_due_row_and_count_the_attempt(
    store: DeviceStore, clock: FakeClock, shared_data: Path
) -> None:
    first, second = queue_orders(store, clock, shared_data, 2)

    a = store.claim_due(clock(), worker_id="till-1", lease_seconds=60)
    b = store.claim_due(clock(), worker_id="till-1", lease_seconds=60)
    none_left = store.claim_due(clock(), worker_id="till-1", lease_seconds=60)

    assert (a.order_id, b.order_id) == (first, second)
    assert a.attempts == 1
    assert a.claimed_by == "till-1"
    assert a.lease_until == clock() + timedelta(seconds=60)
    assert none_left is None


def test_a_batch_claim_leases_due_rows_in_sending_order_in_one_go(
    store: DeviceStore, clock: FakeClock, shared_data: Path
) -> None:
    first, second, third = queue_orders(store, clock, shared_data, 3)

    batch = store.claim_due_batch(
        clock(), worker_id="till-1", lease_seconds=60, limit=2
    )
    rest = store.claim_due_batch(clock(), worker_id="till-2", lease_seconds=60, limit=5)
    none_left = store.claim_due_batch(
        clock(), worker_id="till-3", lease_seconds=60, limit=5
    )

    assert [entry.order_id for entry in batch] == [first, second]
    assert {entry.claimed_by for entry in batch} == {"till-1"}
    assert {entry.attempts for entry in batch} == {1}
    assert {entry.lease_until for entry in batch} == {clock() + timedelta(seconds=60)}
    assert [entry.order_id for entry in rest] == [third]
    assert none_left == []


def test_released_rows_are_due_again_with_their_attempt_not_counted(
    store: DeviceStore, clock: FakeClock, shared_data: Path
) -> None:
    first, second = queue_orders(store, clock, shared_data, 2)
    store.claim_due_batch(clock(), worker_id="till-1", lease_seconds=60, limit=2)

    foreign = store.release_claims([first, second], worker_id="till-2")
    released = store.release_claims([second], worker_id="till-1")
    again = store.claim_due(clock(), worker_id="till-2", lease_seconds=60)

    assert foreign == 0
    assert released == 1
    assert store.get_entry(first).claimed_by == "till-1"
    assert again.order_id == second
    assert again.attempts == 1


def test_a_batch_claim_refuses_a_size_out_of_range(
    store: DeviceStore, clock: FakeClock
) -> None:
    for limit in (0, 10_000):
        with pytest.raises(InvalidInputError, match="batch"):
            store.claim_due_batch(
                clock(), worker_id="till-1", lease_seconds=60, limit=limit
            )


def test_a_leased_row_is_claimable_again_only_when_the_lease_ends(
    store: DeviceStore, clock: FakeClock, shared_data: Path
) -> None:
    (order_id,) = queue_orders(store, clock, shared_data, 1)
    store.claim_due(clock(), worker_id="till-1", lease_seconds=30)

    during = store.claim_due(clock.advance(29), worker_id="till-2", lease_seconds=30)
    after = store.claim_due(clock.advance(1), worker_id="till-2", lease_seconds=30)

    assert during is None
    assert after.order_id == order_id
    assert after.claimed_by == "till-2"
    assert after.attempts == 2


def test_a_retry_waits_until_it_is_due(
    store: DeviceStore, clock: FakeClock, shared_data: Path
) -> None:
    (order_id,) = queue_orders(store, clock, shared_data, 1)
    store.claim_due(clock(), worker_id="till-1", lease_seconds=30)

    entry = store.record_retry(order_id, "engine down", clock() + timedelta(seconds=8))

    assert entry.lease_until is None
    assert entry.last_error == "engine down"
    assert store.next_due_at() == clock() + timedelta(seconds=8)
    assert store.claim_due(clock.advance(7), worker_id="t", lease_seconds=30) is None
    assert store.claim_due(clock.advance(1), worker_id="t", lease_seconds=30)


def test_parked_rows_wait_for_a_person_then_requeue(
    store: DeviceStore, clock: FakeClock, shared_data: Path, allow_log: object
) -> None:
    allow_log("parked")
    (order_id,) = queue_orders(store, clock, shared_data, 1)
    store.claim_due(clock(), worker_id="till-1", lease_seconds=30)

    parked = store.record_parked(order_id, "insufficient stock")
    unclaimable = store.claim_due(clock.advance(3600), worker_id="t", lease_seconds=9)
    with pytest.raises(InvalidTransitionError):
        store.record_retry(order_id, "late", clock())
    requeued = store.requeue(order_id)
    claimed = store.claim_due(clock(), worker_id="t", lease_seconds=9)

    assert parked.state is OutboxState.PARKED
    assert parked.last_error == "insufficient stock"
    assert unclaimable is None
    assert requeued.state is OutboxState.PENDING
    assert requeued.attempts == 0
    assert claimed.order_id == order_id
    assert claimed.attempts == 1


def test_only_parked_rows_are_requeued(
    store: DeviceStore, clock: FakeClock, shared_data: Path
) -> None:
    (order_id,) = queue_orders(store, clock, shared_data, 1)

    with pytest.raises(InvalidTransitionError, match="pending"):
        store.requeue(order_id)
    with pytest.raises(UnknownOrderError):
        store.requeue(uuid.uuid4())


def test_accepted_keeps_the_answer_and_counts(
    store: DeviceStore, clock: FakeClock, shared_data: Path
) -> None:
    first, second = queue_orders(store, clock, shared_data, 2)
    store.claim_due(clock(), worker_id="till-1", lease_seconds=30)
    answer = {"id": str(first), "status": "created"}

    accepted = store.record_accepted(first, answer)
    repeated = store.record_accepted(first, {"id": "ignored"})

    assert accepted.state is OutboxState.ACCEPTED
    assert accepted.answer == answer
    assert accepted.accepted_at == clock()
    assert repeated.answer == answer
    assert store.outbox_summary() == {
        OutboxState.PENDING: 1,
        OutboxState.ACCEPTED: 1,
        OutboxState.PARKED: 0,
    }
    assert store.outbox_summary()["pending"] == 1
    assert [e.order_id for e in store.entries()] == [first, second]
    assert [e.order_id for e in store.entries(OutboxState.PENDING)] == [second]


def test_outbox_inputs_are_checked(store: DeviceStore, clock: FakeClock) -> None:
    with pytest.raises(InvalidInputError, match="aware"):
        store.claim_due(clock().replace(tzinfo=None), worker_id="w", lease_seconds=5)
    with pytest.raises(InvalidInputError, match="lease"):
        store.claim_due(clock(), worker_id="w", lease_seconds=0)
    with pytest.raises(InvalidInputError, match="UUID"):
        store.record_accepted("not-a-uuid", {})  # type: ignore[arg-type]
    with pytest.raises(InvalidInputError, match="dict"):
        store.record_accepted(uuid.uuid4(), ["not", "a", "dict"])  # type: ignore[arg-type]


def test_two_stores_on_one_file_never_claim_a_row_twice(
    db_path: Path, clock: FakeClock, shared_data: Path
) -> None:
    writer = DeviceStore(db_path, clock=clock)
    order_ids = queue_orders(writer, clock, shared_data, 30)
    writer.close()
    stores = [DeviceStore(db_path, clock=clock) for _ in range(2)]
    start = threading.Barrier(2)
    claims: dict[str, list[uuid.UUID]] = {"till-1": [], "till-2": []}

    def drain(store: DeviceStore, worker_id: str) -> None:
        start.wait()
        while entry := store.claim_due(clock(), worker_id=worker_id, lease_seconds=600):
            claims[worker_id].append(entry.order_id)

    threads = [
        threading.Thread(target=drain, args=(store, worker_id))
        for store, worker_id in zip(stores, claims, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    for store in stores:
        store.close()

    everything = claims["till-1"] + claims["till-2"]
    assert sorted(everything) == sorted(order_ids)
    assert len(set(everything)) == len(everything)
