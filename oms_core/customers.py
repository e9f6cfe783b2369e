"""Customers: find by phone, e-mail, postcode or name; create with addresses.

Personal data: stored in the customer rows only, never logged (ids are).
"""

from __future__ import annotations

import contextlib
import logging
import re
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime

from sqlalchemy import Connection, Engine, insert, select

from oms_core.api_models import Address, Customer, CustomerRequest, ErrorCode
from oms_core.db.engine import WRITE
from oms_core.db.store_ops_schema import customer_addresses, customers
from oms_core.errors import not_found

logger = logging.getLogger(__name__)


@contextlib.contextmanager
def _write(engine: Engine) -> Iterator[Connection]:
    """One write transaction (taken at once on SQLite, so it cannot deadlock)."""
    with engine.connect().execution_options(**WRITE) as connection:
        with connection.begin():
            yield connection


MAX_FOUND = 20
_POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}$")


def create_customer(
    engine: Engine, request: CustomerRequest, now: datetime | None = None
) -> Customer:
    """Record a new customer and their addresses in one transaction."""
    details = request.model_dump()
    if details["email"]:
        details["email"] = details["email"].casefold()
    customer = Customer(id=uuid.uuid4(), created_at=now or datetime.now(UTC), **details)
    with _write(engine) as connection:
        connection.execute(
            insert(customers).values(
                id=customer.id,
                name=customer.name,
                name_folded=customer.name.casefold(),
                email=customer.email,
                phone=customer.phone,
                phone_digits=_digits(customer.phone) if customer.phone else None,
                created_at=customer.created_at,
            )
        )
        for position, address in enumerate(customer.addresses):
            connection.execute(
                insert(customer_addresses).values(
                    customer_id=customer.id,
                    position=position,
                    **address.model_dump(exclude={"country"}),
                )
            )
    logger.info("Customer %s created", customer.id)
    return customer


def find_customers(connection: Connection, query: str) -> list[Customer]:
    """Customers whose phone, e-mail, postcode or name matches ``query``."""
    text = query.strip()
    if not text:
        return []

    digits = _digits(text)
    if "@" in text:
        where = customers.c.email == text.casefold()
    elif _POSTCODE.match(text.upper()):
        postcode = text.upper().replace(" ", "")
        postcode = f"{postcode[:-3]} {postcode[-3:]}"
        where = customers.c.id.in_(
            select(customer_addresses.c.customer_id).where(
                customer_addresses.c.postcode == postcode
            )
        )
    elif len(digits) >= 6 and len(digits) >= len(text.replace(" ", "")) - 1:
        where = customers.c.phone_digits.endswith(digits[-10:], autoescape=True)
    else:
        where = customers.c.name_folded.contains(text.casefold(), autoescape=True)

    ids = connection.scalars(
        select(customers.c.id)
        .where(where)
        .order_by(customers.c.name_folded)
        .limit(MAX_FOUND)
    ).all()
    return [get_customer(connection, customer_id) for customer_id in ids]


def get_customer(connection: Connection, customer_id: uuid.UUID) -> Customer:
    """One customer with their addresses; 404 if unknown."""
    row = connection.execute(
        select(customers).where(customers.c.id == customer_id)
    ).first()
    if row is None:
        raise not_found(ErrorCode.NOT_FOUND, "no such customer")
    addresses = connection.execute(
        select(customer_addresses)
        .where(customer_addresses.c.customer_id == customer_id)
        .order_by(customer_addresses.c.position)
    )
    return Customer(
        id=row.id,
        name=row.name,
        email=row.email,
        phone=row.phone,
        created_at=row.created_at,
        addresses=[
            Address(
                name=a.name,
                line1=a.line1,
                line2=a.line2,
                city=a.city,
                postcode=a.postcode,
            )
            for a in addresses
        ],
    )


def _digits(value: str) -> str:
    return "".join(ch for ch in value if ch.isdigit())
