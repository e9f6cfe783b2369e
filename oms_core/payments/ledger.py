"""The payment ledger of an order: plan, provider answers, refunds, invoices.

Every provider answer is a row keyed by (provider, reference, operation):
an answer that arrives three times is stored once and acts once. Totals
count approved rows only. A refund never exceeds what was captured and not
yet refunded, a capture never takes the net captured past the order's
total, and no operation's sum may pass the bound of
:class:`~oms_core.api_models.Money`; after a cancellation, a short pick or a return,
:func:`settle` refunds exactly what was taken beyond the value still
owed and releases authorisations no longer needed.

Nothing here calls a provider: a refund, capture or release is recorded as
an intent in the caller's transaction, and :mod:`oms_core.payments.intents`
asks the provider after that transaction has committed. Amounts asked and
not yet answered count as taken (a second cancellation refunds nothing
more while the first refund is being asked).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import Connection, func, select, update
from sqlalchemy.exc import IntegrityError

from oms_core.api_models import (
    ErrorCode,
    Invoice,
    Money,
    PaymentOperation,
    PaymentPlan,
    PaymentPlanRequest,
    PaymentRecord,
    PaymentSummary,
    Tender,
)
from oms_core.db.exception_schema import order_line_exceptions
from oms_core.db.process_schema import (
    fulfilment_lines,
    payment_invoices,
    payment_plans,
    payment_transactions,
)
from oms_core.db.schema import order_lines, orders
from oms_core.errors import conflict, invalid, not_found
from oms_core.events import record_event
from oms_core.payments import intents
from oms_core.payments.plans import PlanError, build_plan
from oms_core.payments.providers import PaymentProvider
from oms_core.sale_pricing import net_value

logger = logging.getLogger(__name__)

APPROVED = "approved"
# The largest amount a Money carries: sums of answers stay within it.
MAX_SUM = 10**15


def order_total(conn: Connection, order_id: uuid.UUID) -> tuple[int, str]:
    """The order's total and currency, or a 404 refusal."""
    row = conn.execute(
        select(orders.c.total_minor, orders.c.currency).where(orders.c.id == order_id)
    ).first()
    if row is None:
        raise not_found(ErrorCode.NOT_FOUND, "no such order", order_id=str(order_id))
    return row.total_minor, row.currency


def set_plan(
    conn: Connection, order_id: uuid.UUID, request: PaymentPlanRequest, now: datetime
) -> PaymentPlan:
    """Set the order's plan; refused once money has moved."""
    total, currency = order_total(conn, order_id)
    try:
        plan = build_plan(request, total, currency)
    except (PlanError, ValueError) as exc:
        raise invalid(ErrorCode.PAYMENT_PLAN_INVALID, str(exc)) from exc
    if any(totals(conn, order_id).values()):
        raise conflict(
            ErrorCode.PAYMENT_PLAN_INVALID, "payments were taken; the plan is fixed"
        )

    conn.execute(payment_plans.delete().where(payment_plans.c.order_id == order_id))
    conn.execute(
        payment_plans.insert().values(
            order_id=order_id,
            kind=plan.kind.value,
            currency=currency,
            total_minor=total,
            due_now_minor=plan.due_now.amount,
            plan=plan.model_dump_json(),
            created_at=now,
        )
    )
    record_event(
        conn,
        "payment.plan_set",
        {"kind": plan.kind.value, "due_now": plan.due_now.amount},
        order_id,
        now=now,
    )
    return plan


def load_plan(conn: Connection, order_id: uuid.UUID) -> PaymentPlan | None:
    """The order's plan, if one was set."""
    text = conn.scalar(
        select(payment_plans.c.plan).where(payment_plans.c.order_id == order_id)
    )
    return PaymentPlan.model_validate_json(text) if text else None


def record_answer(
    conn: Connection,
    order_id: uuid.UUID,
    *,
    provider: str,
    reference: str,
    operation: PaymentOperation,
    tender: Tender,
    amount: int,
    currency: str,
    outcome: str,
    now: datetime,
) -> bool:
    """Store a provider answer once; True when this call stored it."""
    _total, order_currency = order_total(conn, order_id)
    if currency != order_currency:
        raise invalid(
            ErrorCode.INVALID_REQUEST, f"the order is paid in {order_currency}"
        )
    if amount < 0:
        raise invalid(ErrorCode.INVALID_REQUEST, "an amount is not negative")
    if _known(conn, provider, reference, operation):
        logger.info("repeated payment answer ignored")
        return False
    if outcome == APPROVED:
        _check_limits(conn, order_id, operation, amount)

    try:
        with conn.begin_nested():
            conn.execute(
                payment_transactions.insert().values(
                    order_id=order_id,
                    provider=provider,
                    reference=reference,
                    operation=operation.value,
                    tender=tender.value,
                    amount_minor=amount,
                    currency=currency,
                    outcome=outcome,
                    created_at=now,
                )
            )
    except IntegrityError:
        logger.info("concurrent repeat of a payment answer ignored")
        return False

    record_event(
        conn,
        f"payment.{operation.value}_{outcome}",
        {"provider": provider, "amount": amount, "tender": tender.value},
        order_id,
        now=now,
    )
    return True


def totals(conn: Connection, order_id: uuid.UUID) -> dict[str, int]:
    """Approved amounts by operation (authorise, capture, refund, release)."""
    rows = conn.execute(
        select(
            payment_transactions.c.operation,
            func.sum(payment_transactions.c.amount_minor),
        )
        .where(
            payment_transactions.c.order_id == order_id,
            payment_transactions.c.outcome == APPROVED,
        )
        .group_by(payment_transactions.c.operation)
    ).all()
    found = {op.value: 0 for op in PaymentOperation}
    found.update({row[0]: int(row[1]) for row in rows})
    return found


def paid_enough(conn: Connection, order_id: uuid.UUID) -> bool:
    """Whether what the plan wants before release is captured or authorised."""
    plan = load_plan(conn, order_id)
    if plan is None:
        return True
    sums = totals(conn, order_id)
    secured = sums["capture"] - sums["refund"] + _open_authorisation(sums)
    return secured >= plan.due_now.amount


def summary(conn: Connection, order_id: uuid.UUID) -> PaymentSummary:
    """The plan, the totals and every answer, oldest first."""
    _total, currency = order_total(conn, order_id)
    sums = totals(conn, order_id)
    rows = conn.execute(
        select(payment_transactions)
        .where(payment_transactions.c.order_id == order_id)
        .order_by(payment_transactions.c.id)
    ).all()
    return PaymentSummary(
        pending=intents.pending(conn, order_id),
        plan=load_plan(conn, order_id),
        authorised=Money(amount=sums["authorise"], currency=currency),
        captured=Money(amount=sums["capture"], currency=currency),
        refunded=Money(amount=sums["refund"], currency=currency),
        released=Money(amount=sums["release"], currency=currency),
        records=[
            PaymentRecord(
                provider=row.provider,
                reference=row.reference,
                operation=PaymentOperation(row.operation),
                tender=Tender(row.tender),
                amount=Money(amount=row.amount_minor, currency=row.currency),
                outcome=row.outcome,
                created_at=row.created_at,
            )
            for row in rows
        ],
    )


def owed_value(conn: Connection, order_id: uuid.UUID) -> int:
    """The value of what the customer still gets (not short, cancelled, returned)."""
    rows = conn.execute(
        select(fulfilment_lines).where(fulfilment_lines.c.order_id == order_id)
    ).all()
    pending, noted = _exception_units(conn, order_id)
    if not rows and not noted:
        return order_total(conn, order_id)[0]
    units = _units(rows, lambda r: r.quantity - r.short - r.cancelled - r.returned)
    for line_no, (price, missing) in pending.items():
        counted = units.get(line_no, (price, 0))[1]
        units[line_no] = (price, counted + missing)
    return net_value(conn, order_id, units)


def _exception_units(
    conn: Connection, order_id: uuid.UUID
) -> tuple[dict[int, tuple[int, int]], bool]:
    """Units of open line exceptions (owed, reserved nowhere); any exceptions?"""
    rows = conn.execute(
        select(
            order_line_exceptions.c.line_no,
            order_line_exceptions.c.status,
            order_line_exceptions.c.missing,
            order_lines.c.unit_price_minor,
        )
        .join(
            order_lines,
            (order_lines.c.order_id == order_line_exceptions.c.order_id)
            & (order_lines.c.line_no == order_line_exceptions.c.line_no),
        )
        .where(order_line_exceptions.c.order_id == order_id)
    ).all()
    pending = {
        row.line_no: (row.unit_price_minor, row.missing)
        for row in rows
        if row.status == "open" and row.missing > 0
    }
    return pending, bool(rows)


def refund(
    conn: Connection,
    order_id: uuid.UUID,
    amount: int,
    *,
    provider: PaymentProvider,
    now: datetime,
) -> str:
    """Ask ``provider`` to refund ``amount``; refused above the net capture.

    Records the request (see :mod:`oms_core.payments.intents`); returns its
    reference. Refunds still being asked count against the capture.
    """
    if amount <= 0:
        raise invalid(ErrorCode.INVALID_REQUEST, "a refund is a positive amount")

    sums = _with_open(conn, order_id)
    refundable = sums["capture"] - sums["refund"]
    if amount > refundable:
        raise conflict(
            ErrorCode.REFUND_EXCEEDS_CAPTURE,
            f"a refund of {amount} exceeds the {refundable} captured and not refunded",
            refundable=refundable,
        )
    return _ask(conn, order_id, provider, PaymentOperation.REFUND, amount, now)


def _with_open(conn: Connection, order_id: uuid.UUID) -> dict[str, int]:
    """Approved amounts plus those asked and not yet answered, by operation."""
    sums = totals(conn, order_id)
    asked = intents.open_amounts(conn, order_id)
    return {op: sums[op] + asked[op] for op in sums}


def settle(
    conn: Connection,
    order_id: uuid.UUID,
    providers: Mapping[str, PaymentProvider],
    now: datetime,
    *,
    release_all: bool = False,
) -> None:
    """Refund what was taken beyond the value owed; release unneeded holds."""
    sums = _with_open(conn, order_id)
    owed = owed_value(conn, order_id)
    net_captured = sums["capture"] - sums["refund"]

    excess = net_captured - owed
    if excess > 0:
        asked = intents.open_refunds_by_provider(conn, order_id)
        for name, captured in _captured_by_provider(conn, order_id).items():
            part = min(excess, captured - asked.get(name, 0))
            if part > 0 and name in providers:
                _ask(
                    conn, order_id, providers[name], PaymentOperation.REFUND, part, now
                )
                excess -= part
    open_auth = _open_authorisation(sums)
    needed = 0 if release_all else max(0, owed - max(0, net_captured))
    to_release = open_auth - min(open_auth, needed)
    provider = _last_provider(conn, order_id, PaymentOperation.AUTHORISE)
    if to_release > 0 and provider in providers:
        _ask(
            conn,
            order_id,
            providers[provider],
            PaymentOperation.RELEASE,
            to_release,
            now,
        )


def capture_due(
    conn: Connection,
    order_id: uuid.UUID,
    providers: Mapping[str, PaymentProvider],
    now: datetime,
) -> int:
    """Ask to capture, from open authorisations, the value of what has left.

    Returns the amount asked (captures still being asked count as taken).
    """
    sums = _with_open(conn, order_id)
    rows = conn.execute(
        select(fulfilment_lines).where(fulfilment_lines.c.order_id == order_id)
    ).all()
    shipped = net_value(
        conn, order_id, _units(rows, lambda r: r.fulfilled - r.returned)
    )
    amount = min(_open_authorisation(sums), shipped - sums["capture"])
    provider = _last_provider(conn, order_id, PaymentOperation.AUTHORISE)
    if amount <= 0 or provider not in providers:
        return 0
    _ask(conn, order_id, providers[provider], PaymentOperation.CAPTURE, amount, now)
    return amount


def issue_final_invoice(
    conn: Connection, order_id: uuid.UUID, now: datetime
) -> Invoice:
    """Issue the final invoice, voiding an earlier one; payments are credited."""
    _total, currency = order_total(conn, order_id)
    sums = totals(conn, order_id)
    total = owed_value(conn, order_id)
    credited = sums["capture"] - sums["refund"]

    conn.execute(
        update(payment_invoices)
        .where(
            payment_invoices.c.order_id == order_id,
            payment_invoices.c.voided_at.is_(None),
        )
        .values(voided_at=now)
    )
    result = conn.execute(
        payment_invoices.insert().values(
            order_id=order_id,
            total_minor=total,
            credited_minor=credited,
            balance_minor=total - credited,
            currency=currency,
            issued_at=now,
        )
    )
    invoice_id = int(result.inserted_primary_key[0])
    record_event(
        conn,
        "payment.invoice_issued",
        {"invoice_id": invoice_id, "balance": total - credited},
        order_id,
        now=now,
    )
    return Invoice(
        id=invoice_id,
        total=Money(amount=total, currency=currency),
        credited=Money(amount=credited, currency=currency),
        balance=Money(amount=total - credited, currency=currency),
        issued_at=now,
    )


def _ask(
    conn: Connection,
    order_id: uuid.UUID,
    provider: PaymentProvider,
    operation: PaymentOperation,
    amount: int,
    now: datetime,
) -> str:
    """Record the request; the provider is asked once this transaction commits."""
    _total, currency = order_total(conn, order_id)
    return intents.record_intent(
        conn, order_id, provider.name, operation, amount, currency, now
    )


def _check_limits(
    conn: Connection, order_id: uuid.UUID, operation: PaymentOperation, amount: int
) -> None:
    sums = totals(conn, order_id)
    if sums[operation.value] + amount > MAX_SUM:
        raise conflict(
            ErrorCode.INVALID_REQUEST,
            f"the order's {operation.value} answers would pass {MAX_SUM} in sum",
        )
    if operation is PaymentOperation.CAPTURE:
        total, _currency = order_total(conn, order_id)
        capturable = max(0, total - (sums["capture"] - sums["refund"]))
        if amount > capturable:
            raise conflict(
                ErrorCode.CAPTURE_EXCEEDS_ORDER,
                f"a capture of {amount} exceeds the {capturable} the order still lacks",
                capturable=capturable,
            )
    if operation is PaymentOperation.REFUND:
        refundable = sums["capture"] - sums["refund"]
        if amount > refundable:
            raise conflict(
                ErrorCode.REFUND_EXCEEDS_CAPTURE,
                f"a refund of {amount} exceeds the {refundable} captured "
                "and not refunded",
                refundable=refundable,
            )
    if operation is PaymentOperation.RELEASE and amount > _open_authorisation(sums):
        raise conflict(
            ErrorCode.INVALID_REQUEST, "a release exceeds the open authorisation"
        )


def _open_authorisation(sums: Mapping[str, int]) -> int:
    """Authorised and neither captured nor released (captures without an
    authorisation, as at a till, do not reduce it below zero)."""
    return max(0, sums["authorise"] - sums["capture"] - sums["release"])


def _known(
    conn: Connection, provider: str, reference: str, operation: PaymentOperation
) -> bool:
    return (
        conn.scalar(
            select(payment_transactions.c.id).where(
                payment_transactions.c.provider == provider,
                payment_transactions.c.reference == reference,
                payment_transactions.c.operation == operation.value,
            )
        )
        is not None
    )


def _captured_by_provider(conn: Connection, order_id: uuid.UUID) -> dict[str, int]:
    rows = conn.execute(
        select(
            payment_transactions.c.provider,
            payment_transactions.c.operation,
            func.sum(payment_transactions.c.amount_minor),
        )
        .where(
            payment_transactions.c.order_id == order_id,
            payment_transactions.c.outcome == APPROVED,
            payment_transactions.c.operation.in_(["capture", "refund"]),
        )
        .group_by(payment_transactions.c.provider, payment_transactions.c.operation)
    ).all()
    net: dict[str, int] = {}
    for provider, operation, amount in rows:
        sign = 1 if operation == "capture" else -1
        net[provider] = net.get(provider, 0) + sign * int(amount)
    return net


def _last_provider(
    conn: Connection, order_id: uuid.UUID, operation: PaymentOperation
) -> str | None:
    return conn.scalar(
        select(payment_transactions.c.provider)
        .where(
            payment_transactions.c.order_id == order_id,
            payment_transactions.c.operation == operation.value,
            payment_transactions.c.outcome == APPROVED,
        )
        .order_by(payment_transactions.c.id.desc())
        .limit(1)
    )


def _units(rows, count) -> dict[int, tuple[int, int]]:
    """{line_no: (unit price, units counted)} over a line's fulfilment rows."""
    units: dict[int, tuple[int, int]] = {}
    for row in rows:
        price, counted = units.get(row.line_no, (row.unit_price_minor, 0))
        units[row.line_no] = (price, counted + count(row))
    return units
