"""Placing and reading orders.

Placing an order is one transaction: look up the key, source and reserve
every line with a conditional update, write the order and its lines, commit.
Any refusal rolls the whole transaction back, so nothing stays reserved. The
order id is the client's ``Idempotency-Key`` and the table's primary key:
a retry finds the stored order and gets it back unchanged; a concurrent
duplicate fails on the key and then reads the order that won.
"""

from __future__ import annotations

import hashlib
import json
import logging
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from types import SimpleNamespace

from pydantic import TypeAdapter
from sqlalchemy import Connection, Engine, select
from sqlalchemy.exc import DBAPIError, IntegrityError

from oms_core import allocations, order_sourcing, sale_details, sale_pricing
from oms_core.api_models import (
    ErrorCode,
    Fulfilment,
    Money,
    Order,
    OrderLine,
    OrderRequest,
    OrderStatus,
)
from oms_core.db.engine import WRITE
from oms_core.db.schema import locations, order_lines, orders, products
from oms_core.errors import invalid
from oms_core.events import outbox as events
from oms_core.money import Amount, sum_amounts
from oms_core.payments import ledger
from oms_core.process import line_exceptions
from oms_core.process.engine import start_process

logger = logging.getLogger(__name__)

_FULFILMENT = TypeAdapter(Fulfilment)


@dataclass(frozen=True, slots=True)
class PlacedOrder:
    """The order and whether this call created it (False: a replay)."""

    order: Order
    created: bool


# Fields added after orders were first stored: left out while unset, so a
# request queued on a device before they existed still hashes as it did.
_LATER_FIELDS = ("approval_ids", "notes", "payment_choice")


def request_hash(request: OrderRequest) -> str:
    """SHA-256 of the request's canonical JSON (sorted keys, no spaces)."""
    body = request.model_dump(mode="json")
    for name in _LATER_FIELDS:
        if body.get(name) in (None, []):
            del body[name]
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def place_order(
    engine: Engine,
    order_id: uuid.UUID,
    request: OrderRequest,
    *,
    now: datetime | None = None,
) -> PlacedOrder:
    """Create the order ``order_id`` or return the one already stored under it."""
    digest = request_hash(request)
    try:
        return _place(engine, order_id, request, digest, now)
    except DBAPIError as exc:
        if not exc.connection_invalidated:
            raise
        # The server dropped a pooled connection (a restart, an idle limit);
        # the pool has let go of it, and the order id makes a retry safe.
        logger.warning("database connection lost while placing an order; retrying")
        return _place(engine, order_id, request, digest, now)


def _place(
    engine: Engine,
    order_id: uuid.UUID,
    request: OrderRequest,
    digest: str,
    now: datetime | None,
) -> PlacedOrder:
    # TODO: retry once on a PostgreSQL deadlock or serialization failure;
    # lines are reserved in SKU order to make deadlocks rare, not impossible.
    try:
        with engine.connect().execution_options(**WRITE) as connection:
            with connection.begin():
                stored = _stored(connection, order_id, digest)
                if stored is not None:
                    return PlacedOrder(stored, created=False)
                order = _create(connection, order_id, request, digest, now)
    except IntegrityError:
        # Another request with the same key committed between our lookup and
        # our insert; ours rolled back, so answer with the order that won.
        with engine.connect() as connection:
            stored = _stored(connection, order_id, digest)
        if stored is None:
            raise
        logger.info("concurrent duplicate of an order answered from the store")
        return PlacedOrder(stored, created=False)

    logger.info("order created with %d lines", len(order.lines))
    return PlacedOrder(order, created=True)


def _stored(connection: Connection, order_id: uuid.UUID, digest: str) -> Order | None:
    header = connection.execute(
        select(orders.c.request_hash).where(orders.c.id == order_id)
    ).first()
    if header is None:
        return None
    if header.request_hash != digest:
        raise invalid(
            ErrorCode.IDEMPOTENCY_KEY_REUSED,
            "this Idempotency-Key was already used for a different order",
            order_id=str(order_id),
        )
    return load_order(connection, order_id)


def _create(
    connection: Connection,
    order_id: uuid.UUID,
    request: OrderRequest,
    digest: str,
    now: datetime | None,
) -> Order:
    created_at = now or datetime.now(UTC)
    # Only whether it exists: the location's day load is not needed here.
    selling = connection.scalar(
        select(locations.c.id).where(locations.c.id == request.selling_location_id)
    )
    if selling is None:
        raise invalid(
            ErrorCode.UNKNOWN_LOCATION,
            f"no selling location with id {request.selling_location_id!r}",
            location_id=request.selling_location_id,
        )
    catalogue = _products(connection, request)

    # The supervisor approvals the order names set its prices.
    priced = sale_pricing.price_order(
        connection, order_id, request, catalogue, created_at
    )

    # The hold, the quote or the rules decide; every pick is reserved here.
    sourced = order_sourcing.source_order(connection, order_id, request, created_at)

    lines = []
    for index, line in enumerate(request.lines):
        sku, name, _price, currency = catalogue[line.sku.upper()]
        price = priced.lines[index]
        lines.append(
            OrderLine(
                sku=sku,
                name=name,
                quantity=line.quantity,
                unit_price=Money(amount=price.unit_price, currency=currency),
                line_total=Money(amount=price.total, currency=currency),
                fulfilment=line.fulfilment,
                source_location_id=sourced.main_source(index),
                allocations=order_sourcing.allocations_for(connection, sourced, index),
                list_price=Money(amount=price.list_price, currency=currency)
                if priced.approval_ids
                else None,
                discount=Money(amount=price.discount, currency=currency)
                if priced.approval_ids
                else None,
            )
        )
    currency = lines[0].unit_price.currency
    total = sum_amounts(
        (Amount(line.line_total.amount, line.line_total.currency) for line in lines),
        currency,
    )

    connection.execute(
        orders.insert(),
        {
            "id": order_id,
            "request_hash": digest,
            "status": OrderStatus.CREATED.value,
            "selling_location_id": request.selling_location_id,
            "total_minor": total.minor,
            "currency": total.currency,
            "created_at": created_at,
            "placed_at": request.placed_at,
        },
    )
    events.note_new_order(connection, order_id)
    line_rows = [
        {
            "order_id": order_id,
            "line_no": number,
            "sku": line.sku,
            "name": line.name,
            "quantity": line.quantity,
            "unit_price_minor": line.unit_price.amount,
            "currency": line.unit_price.currency,
            "fulfilment": line.fulfilment.model_dump_json(),
            "source_location_id": line.source_location_id,
        }
        for number, line in enumerate(lines)
    ]
    connection.execute(order_lines.insert(), line_rows)
    order_sourcing.record(connection, order_id, sourced)
    sale_details.record(connection, order_id, request, priced)
    # The order's process starts in the order's own transaction.
    start_process(
        connection,
        order_id,
        now=created_at,
        customer=request.customer,
        lines=[SimpleNamespace(**row) for row in line_rows],
        reserved=order_sourcing.reserved_by_line(sourced),
    )
    if sourced.broken:
        # Taken offline and a promise broke: accepted, the store follows up.
        opened = line_exceptions.open_exceptions(
            connection,
            order_id,
            sourced.broken,
            lines,
            request.selling_location_id,
            created_at,
        )
        lines = [
            line.model_copy(update={"exception": opened.get(number)})
            for number, line in enumerate(lines)
        ]
    if request.payment_choice is not None:
        ledger.set_plan(
            connection,
            order_id,
            sale_details.plan_for(request.payment_choice),
            created_at,
        )
    return Order(
        id=order_id,
        status=OrderStatus.CREATED,
        selling_location_id=request.selling_location_id,
        lines=lines,
        total=Money(amount=total.minor, currency=total.currency),
        created_at=created_at,
        sourcing_note=sourced.note,
        reference=sale_details.reference_of(order_id),
        notes=request.notes,
        payment_choice=request.payment_choice,
        list_total=Money(amount=priced.list_total, currency=total.currency)
        if priced.approval_ids
        else None,
    )


def _products(
    connection: Connection, request: OrderRequest
) -> dict[str, tuple[str, str, int, str]]:
    skus = {line.sku.upper() for line in request.lines}
    rows = connection.execute(
        select(
            products.c.sku, products.c.name, products.c.price_minor, products.c.currency
        ).where(products.c.sku.in_(skus))
    ).all()
    found = {row.sku: tuple(row) for row in rows}
    for index, line in enumerate(request.lines):
        if line.sku.upper() not in found:
            raise invalid(
                ErrorCode.UNKNOWN_SKU,
                f"line {index}: no product with SKU {line.sku!r}",
                line=index,
                sku=line.sku,
            )
    return found


def load_order(connection: Connection, order_id: uuid.UUID) -> Order | None:
    """The stored order ``order_id``, or None."""
    found = _load_orders(connection, [order_id])
    return found[0] if found else None


def list_orders(
    connection: Connection, location_id: str | None, limit: int
) -> list[Order]:
    """Orders sold at or sourced from ``location_id`` (or all), newest first."""
    statement = select(orders.c.id).order_by(
        orders.c.created_at.desc(), orders.c.id.desc()
    )
    if location_id is not None:
        sourced = select(order_lines.c.order_id).where(
            order_lines.c.source_location_id == location_id
        )
        statement = statement.where(
            (orders.c.selling_location_id == location_id) | orders.c.id.in_(sourced)
        )
    ids = list(connection.scalars(statement.limit(limit)))
    return _load_orders(connection, ids)


def _load_orders(connection: Connection, ids: list[uuid.UUID]) -> list[Order]:
    if not ids:
        return []
    headers = connection.execute(select(orders).where(orders.c.id.in_(ids))).all()
    line_rows = connection.execute(
        select(order_lines)
        .where(order_lines.c.order_id.in_(ids))
        .order_by(order_lines.c.order_id, order_lines.c.line_no)
    ).all()

    shares = allocations.of_orders(connection, ids)
    notes = order_sourcing.notes_of(connection, ids)
    details = sale_details.of_orders(connection, ids)
    prices = sale_details.line_prices_of(connection, ids)
    broken = line_exceptions.of_orders(connection, ids)
    lines: dict[uuid.UUID, list[OrderLine]] = {order_id: [] for order_id in ids}
    for row in line_rows:
        line = sale_details.priced_line(
            _line(row, shares),
            prices.get((row.order_id, row.line_no)),
        )
        exception = broken.get((row.order_id, row.line_no))
        if exception is not None:
            line = line.model_copy(update={"exception": exception})
        lines[row.order_id].append(line)
    by_id = {
        row.id: _order(row, lines[row.id], notes.get(row.id), details.get(row.id))
        for row in headers
    }
    return [by_id[order_id] for order_id in ids if order_id in by_id]


def _line(row, shares) -> OrderLine:
    return OrderLine(
        sku=row.sku,
        name=row.name,
        quantity=row.quantity,
        unit_price=Money(amount=row.unit_price_minor, currency=row.currency),
        line_total=Money(
            amount=row.unit_price_minor * row.quantity, currency=row.currency
        ),
        fulfilment=_FULFILMENT.validate_json(row.fulfilment),
        source_location_id=row.source_location_id,
        allocations=shares.get((row.order_id, row.line_no), []),
    )


def _order(row, lines: list[OrderLine], note, details) -> Order:
    return Order(
        id=row.id,
        status=OrderStatus(row.status),
        selling_location_id=row.selling_location_id,
        lines=lines,
        total=Money(amount=row.total_minor, currency=row.currency),
        created_at=row.created_at,
        sourcing_note=note,
        reference=details.reference if details else None,
        notes=details.notes if details else None,
        payment_choice=details.payment_choice if details else None,
        list_total=Money(amount=details.list_total, currency=row.currency)
        if details and details.list_total != row.total_minor
        else None,
    )
