"""Provider calls in three steps: intent, ask, outcome; crashes in between.

Each test takes an order with a captured payment, asks for a refund in the
order's transaction (step 1, committed), then drives steps 2 and 3 through
:func:`intents.dispatch`, or by hand to stop between them as a crash would.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, select

from oms_core import orders
from oms_core.api_models import OrderRequest, PaymentOperation, Tender
from oms_core.db.engine import WRITE, make_engine
from oms_core.db.order_flow_schema import payment_intents
from oms_core.events import record_event
from oms_core.payments import intents, ledger
from oms_core.payments.providers import (
    ProviderAnswer,
    ProviderRequest,
    ScriptedProvider,
)

SKU = "85123A"
STORE = "store-0001"
NOW = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)


@pytest.fixture
def engine(engine_database_url) -> Iterator[Engine]:
    engine = make_engine(engine_database_url)
    yield engine
    engine.dispose()


def _captured_order(engine: Engine) -> tuple[uuid.UUID, int]:
    order_id = uuid.uuid4()
    request = OrderRequest.model_validate(
        {
            "selling_location_id": STORE,
            "lines": [
                {
                    "sku": SKU,
                    "quantity": 2,
                    "fulfilment": {"method": "collect", "location_id": STORE},
                }
            ],
        }
    )
    order = orders.place_order(engine, order_id, request).order
    total = order.total.amount
    with engine.connect().execution_options(**WRITE) as conn, conn.begin():
        ledger.record_answer(
            conn,
            order_id,
            provider="scripted",
            reference="cap-1",
            operation=PaymentOperation.CAPTURE,
            tender=Tender.CARD,
            amount=total,
            currency=order.total.currency,
            outcome=ledger.APPROVED,
            now=NOW,
        )
    return order_id, total


def _ask_refund(engine: Engine, order_id: uuid.UUID, amount: int, provider) -> str:
    with engine.connect().execution_options(**WRITE) as conn, conn.begin():
        return ledger.refund(conn, order_id, amount, provider=provider, now=NOW)


def _sums(engine: Engine, order_id: uuid.UUID) -> dict[str, int]:
    with engine.connect() as conn:
        return ledger.totals(conn, order_id)


def _status(engine: Engine, reference: str) -> str:
    with engine.connect() as conn:
        return conn.scalar(
            select(payment_intents.c.status).where(
                payment_intents.c.reference == reference
            )
        )


def _records(engine: Engine, order_id: uuid.UUID, operation: str) -> list:
    with engine.connect() as conn:
        summary = ledger.summary(conn, order_id)
    return [r for r in summary.records if r.operation.value == operation]


def test_the_provider_is_asked_only_after_the_intent_commits(engine):
    order_id, total = _captured_order(engine)
    provider = ScriptedProvider()

    reference = _ask_refund(engine, order_id, total, provider)

    assert provider.requests == []
    assert _status(engine, reference) == intents.OPEN
    assert intents.dispatch(engine, {"scripted": provider}, NOW) == 1
    assert [r.reference for r in provider.requests] == [reference]
    assert _status(engine, reference) == "approved"
    assert _sums(engine, order_id)["refund"] == total


def test_a_slow_provider_holds_no_lock_on_the_order(engine):
    # Given a provider that, while it is being asked, has another writer
    # change the same order (which waits for any lock the ask would hold).
    order_id, total = _captured_order(engine)
    wrote: list[int] = []

    class Slow(ScriptedProvider):
        def request(self, request: ProviderRequest) -> list[ProviderAnswer]:
            def other_writer() -> None:
                with engine.connect().execution_options(**WRITE) as conn:
                    with conn.begin():
                        wrote.append(record_event(conn, "test.meanwhile", {}, order_id))

            thread = threading.Thread(target=other_writer)
            thread.start()
            thread.join(10)
            return super().request(request)

    provider = Slow()
    _ask_refund(engine, order_id, total, provider)

    intents.dispatch(engine, {"scripted": provider}, NOW)

    # Then the other writer finished during the ask, and the refund stands.
    assert len(wrote) == 1
    assert _sums(engine, order_id)["refund"] == total


def test_a_declined_request_is_closed_and_moves_no_money(engine):
    order_id, total = _captured_order(engine)
    provider = ScriptedProvider(["decline"])
    reference = _ask_refund(engine, order_id, total, provider)

    intents.dispatch(engine, {"scripted": provider}, NOW)

    assert _status(engine, reference) == "declined"
    assert _sums(engine, order_id)["refund"] == 0
    assert [r.outcome for r in _records(engine, order_id, "refund")] == ["declined"]
    # Nothing is pending, so the refund may be asked again.
    assert _ask_refund(engine, order_id, total, provider) != reference


def test_a_timeout_waits_and_asks_again_with_the_same_reference(engine):
    order_id, total = _captured_order(engine)
    provider = ScriptedProvider(["timeout"])
    reference = _ask_refund(engine, order_id, total, provider)

    intents.dispatch(engine, {"scripted": provider}, NOW)
    assert _status(engine, reference) == intents.OPEN
    assert intents.dispatch(engine, {"scripted": provider}, NOW) == 0  # backing off
    intents.dispatch(engine, {"scripted": provider}, NOW + timedelta(minutes=1))

    assert [r.reference for r in provider.requests] == [reference, reference]
    assert _sums(engine, order_id)["refund"] == total


def test_an_answer_given_twice_is_stored_once(engine):
    order_id, total = _captured_order(engine)
    provider = ScriptedProvider(["twice"])
    _ask_refund(engine, order_id, total, provider)

    intents.dispatch(engine, {"scripted": provider}, NOW)

    assert len(_records(engine, order_id, "refund")) == 1
    assert _sums(engine, order_id)["refund"] == total


def test_an_open_request_counts_against_the_capture(engine):
    order_id, total = _captured_order(engine)
    provider = ScriptedProvider(["timeout"])
    _ask_refund(engine, order_id, total, provider)
    intents.dispatch(engine, {"scripted": provider}, NOW)

    with pytest.raises(Exception, match="exceeds"):
        _ask_refund(engine, order_id, 1, provider)


def test_a_crash_after_the_claim_is_recovered_when_the_lease_runs_out(engine):
    order_id, total = _captured_order(engine)
    provider = ScriptedProvider()
    reference = _ask_refund(engine, order_id, total, provider)
    providers = {"scripted": provider}

    # The process claims the intent and dies before asking.
    [intent_id] = _intent_ids(engine, order_id)
    assert intents.claim(engine, intent_id, NOW) is not None
    assert intents.dispatch(engine, providers, NOW + timedelta(seconds=10)) == 0

    intents.dispatch(engine, providers, NOW + intents.LEASE + timedelta(seconds=1))

    assert [r.reference for r in provider.requests] == [reference]
    assert _sums(engine, order_id)["refund"] == total


def test_a_crash_after_the_provider_acted_moves_money_once(engine):
    # Given a provider that refunds, but whose answer never arrives (or the
    # engine dies before recording it).
    order_id, total = _captured_order(engine)
    provider = ScriptedProvider(["lost"])
    reference = _ask_refund(engine, order_id, total, provider)
    providers = {"scripted": provider}

    intents.dispatch(engine, providers, NOW)
    assert _sums(engine, order_id)["refund"] == 0

    # When a later pass asks again, the provider answers what it did.
    intents.dispatch(engine, providers, NOW + timedelta(minutes=1))
    intents.dispatch(engine, providers, NOW + timedelta(minutes=10))

    assert [r.reference for r in provider.requests] == [reference, reference]
    assert len(_records(engine, order_id, "refund")) == 1
    assert _sums(engine, order_id)["refund"] == total


def test_a_crash_between_asking_and_recording_records_once(engine):
    order_id, total = _captured_order(engine)
    provider = ScriptedProvider()
    _ask_refund(engine, order_id, total, provider)
    [intent_id] = _intent_ids(engine, order_id)

    # Steps 2a and 2b by hand, then the process dies before step 3.
    claimed = intents.claim(engine, intent_id, NOW)
    provider.request(claimed.request)

    later = NOW + intents.LEASE + timedelta(seconds=1)
    intents.dispatch(engine, {"scripted": provider}, later)
    intents.dispatch(engine, {"scripted": provider}, later + timedelta(hours=1))

    assert len(provider.requests) == 2
    assert len(_records(engine, order_id, "refund")) == 1
    assert _sums(engine, order_id)["refund"] == total


def test_two_runners_ask_an_intent_once(engine):
    order_id, total = _captured_order(engine)
    provider = ScriptedProvider()
    _ask_refund(engine, order_id, total, provider)
    barrier = threading.Barrier(2)

    def run() -> None:
        barrier.wait()
        intents.dispatch(engine, {"scripted": provider}, NOW)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert len(provider.requests) == 1
    assert _sums(engine, order_id)["refund"] == total


def _intent_ids(engine: Engine, order_id: uuid.UUID) -> list[int]:
    with engine.connect() as conn:
        return list(
            conn.scalars(
                select(payment_intents.c.id).where(
                    payment_intents.c.order_id == order_id
                )
            )
        )
