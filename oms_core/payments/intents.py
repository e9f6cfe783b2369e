"""Provider calls in three steps, none of them holding the order's locks.

1. **Intent.** The order's change (a cancellation, a capture job) records
   what it wants of the provider as a row of ``payment_intents`` in its own
   transaction, with a reference made from the order: the key the provider
   recognises a repeat by. Nothing is asked yet; the transaction commits
   and releases the order's row locks at once.
2. **Ask.** :func:`dispatch` claims an open intent with a conditional
   UPDATE (a lease, so two runners never ask at once), commits, and asks
   the provider outside any transaction, as slowly as it likes.
3. **Outcome.** The answers are recorded through
   :func:`oms_core.payments.ledger.record_answer` (stored once per
   provider, reference and operation) and the intent is closed, in one
   transaction.

A provider that times out leaves the intent open with a back-off. A crash
between steps leaves it open too: once its lease has run out, the next
pass asks again with the same reference, and a provider that already did
it answers what it did; the ledger stores that answer once. So money
moves once however often a request is asked or answered.

While an intent is open its amount counts as asked
(:func:`open_amounts`): a second cancellation does not refund twice.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Connection, Engine, func, select, update

from oms_core.api_models import Money, PaymentOperation, PendingPayment, Tender
from oms_core.db.engine import WRITE
from oms_core.db.order_flow_schema import payment_intents
from oms_core.errors import EngineError
from oms_core.events import record_event
from oms_core.payments.providers import (
    PaymentProvider,
    ProviderAnswer,
    ProviderRequest,
    ProviderTimeout,
)

logger = logging.getLogger(__name__)

OPEN = "open"
LEASE = timedelta(minutes=2)
RETRY_BASE = timedelta(seconds=30)
RETRY_MAX = timedelta(hours=1)
BATCH = 100


@dataclass(frozen=True, slots=True)
class Claimed:
    """An intent claimed for one ask: what to send and to whom."""

    id: int
    order_id: uuid.UUID
    provider: str
    request: ProviderRequest


def record_intent(
    conn: Connection,
    order_id: uuid.UUID,
    provider: str,
    operation: PaymentOperation,
    amount: int,
    currency: str,
    now: datetime,
) -> str:
    """Step 1: record what to ask, in the caller's transaction; its reference."""
    count = conn.scalar(
        select(func.count()).where(payment_intents.c.order_id == order_id)
    )
    reference = f"{order_id}-{operation.value}-{count + 1}"
    conn.execute(
        payment_intents.insert().values(
            order_id=order_id,
            provider=provider,
            operation=operation.value,
            amount_minor=amount,
            currency=currency,
            reference=reference,
            status=OPEN,
            attempts=0,
            created_at=now,
        )
    )
    record_event(
        conn,
        f"payment.{operation.value}_requested",
        {"provider": provider, "amount": amount, "reference": reference},
        order_id,
        now=now,
    )
    return reference


def open_amounts(conn: Connection, order_id: uuid.UUID) -> dict[str, int]:
    """Amounts asked and not yet answered, by operation."""
    rows = conn.execute(
        select(payment_intents.c.operation, func.sum(payment_intents.c.amount_minor))
        .where(
            payment_intents.c.order_id == order_id,
            payment_intents.c.status == OPEN,
        )
        .group_by(payment_intents.c.operation)
    ).all()
    found = {op.value: 0 for op in PaymentOperation}
    found.update({row[0]: int(row[1]) for row in rows})
    return found


def open_refunds_by_provider(conn: Connection, order_id: uuid.UUID) -> dict[str, int]:
    """Refunds asked and not yet answered, by provider."""
    rows = conn.execute(
        select(payment_intents.c.provider, func.sum(payment_intents.c.amount_minor))
        .where(
            payment_intents.c.order_id == order_id,
            payment_intents.c.status == OPEN,
            payment_intents.c.operation == PaymentOperation.REFUND.value,
        )
        .group_by(payment_intents.c.provider)
    ).all()
    return {row[0]: int(row[1]) for row in rows}


def pending(conn: Connection, order_id: uuid.UUID) -> list[PendingPayment]:
    """The order's open intents, oldest first, as the API shows them."""
    rows = conn.execute(
        select(payment_intents)
        .where(
            payment_intents.c.order_id == order_id,
            payment_intents.c.status == OPEN,
        )
        .order_by(payment_intents.c.id)
    ).all()
    return [
        PendingPayment(
            provider=row.provider,
            reference=row.reference,
            operation=PaymentOperation(row.operation),
            amount=Money(amount=row.amount_minor, currency=row.currency),
            attempts=row.attempts,
            next_attempt_at=row.next_attempt_at,
            requested_at=row.created_at,
        )
        for row in rows
    ]


def dispatch(
    engine: Engine,
    providers: Mapping[str, PaymentProvider],
    now: datetime | None = None,
    *,
    order_id: uuid.UUID | None = None,
    limit: int = BATCH,
) -> int:
    """Steps 2 and 3 for every open intent that is due; how many were answered.

    Intents of a provider not in ``providers`` stay open (another engine
    process may hold it).
    """
    now = now or datetime.now(UTC)
    statement = (
        select(payment_intents.c.id)
        .where(
            payment_intents.c.status == OPEN,
            payment_intents.c.provider.in_(list(providers)),
            (payment_intents.c.next_attempt_at.is_(None))
            | (payment_intents.c.next_attempt_at <= now),
            (payment_intents.c.claimed_until.is_(None))
            | (payment_intents.c.claimed_until < now),
        )
        .order_by(payment_intents.c.id)
        .limit(limit)
    )
    if order_id is not None:
        statement = statement.where(payment_intents.c.order_id == order_id)
    with engine.connect() as conn:
        due = list(conn.scalars(statement))

    answered = 0
    for intent_id in due:
        claimed = claim(engine, intent_id, now)
        if claimed is None:
            continue  # another runner has it
        try:
            answers = providers[claimed.provider].request(claimed.request)
        except ProviderTimeout:
            postpone(engine, claimed.id, now)
            continue
        record_outcome(engine, claimed, answers, now)
        answered += 1
    return answered


def claim(engine: Engine, intent_id: int, now: datetime) -> Claimed | None:
    """Step 2a: take the intent for one ask (a lease) and commit; None if taken."""
    with engine.connect().execution_options(**WRITE) as conn, conn.begin():
        taken = conn.execute(
            update(payment_intents)
            .where(
                payment_intents.c.id == intent_id,
                payment_intents.c.status == OPEN,
                (payment_intents.c.claimed_until.is_(None))
                | (payment_intents.c.claimed_until < now),
            )
            .values(claimed_until=now + LEASE, attempts=payment_intents.c.attempts + 1)
        )
        if taken.rowcount != 1:
            return None
        row = conn.execute(
            select(payment_intents).where(payment_intents.c.id == intent_id)
        ).one()
    return Claimed(
        id=row.id,
        order_id=row.order_id,
        provider=row.provider,
        request=ProviderRequest(
            row.operation, row.reference, row.amount_minor, row.currency
        ),
    )


def postpone(engine: Engine, intent_id: int, now: datetime) -> None:
    """The provider did not answer: ask again after a back-off."""
    with engine.connect().execution_options(**WRITE) as conn, conn.begin():
        attempts = conn.scalar(
            select(payment_intents.c.attempts).where(payment_intents.c.id == intent_id)
        )
        wait = min(RETRY_MAX, RETRY_BASE * 2 ** min(max(attempts - 1, 0), 10))
        conn.execute(
            update(payment_intents)
            .where(payment_intents.c.id == intent_id, payment_intents.c.status == OPEN)
            .values(claimed_until=None, next_attempt_at=now + wait)
        )
    logger.info("a payment provider did not answer; asking again later")


def record_outcome(
    engine: Engine, claimed: Claimed, answers: list[ProviderAnswer], now: datetime
) -> None:
    """Step 3: store the answers once and close the intent, in one transaction."""
    operation = PaymentOperation(claimed.request.operation)
    try:
        _store(engine, claimed, operation, answers, now)
    except EngineError as exc:
        # The ledger refused the answer (it would exceed what was taken):
        # close the intent so it is not asked again, and say so.
        logger.warning("a provider answer was refused by the ledger: %s", exc.code)
        with engine.connect().execution_options(**WRITE) as conn, conn.begin():
            conn.execute(
                update(payment_intents)
                .where(
                    payment_intents.c.id == claimed.id,
                    payment_intents.c.status == OPEN,
                )
                .values(status="refused", claimed_until=None, finished_at=now)
            )


def _store(
    engine: Engine,
    claimed: Claimed,
    operation: PaymentOperation,
    answers: list[ProviderAnswer],
    now: datetime,
) -> None:
    from oms_core.payments import ledger

    with engine.connect().execution_options(**WRITE) as conn, conn.begin():
        for answer in answers:
            ledger.record_answer(
                conn,
                claimed.order_id,
                provider=claimed.provider,
                reference=answer.reference,
                operation=operation,
                tender=Tender.CARD,
                amount=answer.amount,
                currency=claimed.request.currency,
                outcome=answer.outcome,
                now=now,
            )
        outcome = answers[0].outcome if answers else "declined"
        conn.execute(
            update(payment_intents)
            .where(
                payment_intents.c.id == claimed.id,
                payment_intents.c.status == OPEN,
            )
            .values(status=outcome, claimed_until=None, finished_at=now)
        )
