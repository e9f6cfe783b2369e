"""What a payment answer does to the order's process.

A new approved answer that secures what the plan wants before release
sends ``paid`` to a process waiting for it. A repeated answer is stored
nowhere and sends nothing, so it moves neither money nor stock again.
"""

from __future__ import annotations

import logging
import uuid
from datetime import datetime

from sqlalchemy import Connection

from oms_core.api_models import PaymentAnswer
from oms_core.payments import ledger
from oms_core.process import engine as process

logger = logging.getLogger(__name__)


def on_answer(
    conn: Connection, order_id: uuid.UUID, answer: PaymentAnswer, now: datetime
) -> bool:
    """Record ``answer`` once; True when it was new."""
    groups = process.running_groups(conn, order_id, lock=True)
    stored = ledger.record_answer(
        conn,
        order_id,
        provider=answer.provider,
        reference=answer.reference,
        operation=answer.operation,
        tender=answer.tender,
        amount=answer.amount.amount,
        currency=answer.amount.currency,
        outcome=ledger.APPROVED if answer.approved else "declined",
        now=now,
    )
    if not stored or not answer.approved:
        return stored

    waiting = [
        running.group_no
        for running in groups
        if "paid" in running.definition.states[running.state].exits
    ]
    if waiting and ledger.paid_enough(conn, order_id):
        for group_no in waiting:
            process.fire(conn, order_id, "paid", now=now, group_no=group_no)
    return stored
