"""Basket steps, each run inside the caller's transaction."""

from __future__ import annotations

import logging
import uuid
from datetime import datetime

from sqlalchemy import Connection, delete, func, insert, select, update

from offline_store import validate
from offline_store.errors import (
    CurrencyMismatchError,
    EmptyBasketError,
    NotInBasketError,
)
from offline_store.models import Basket, BasketLine, BasketState
from offline_store.schema import basket_lines, baskets

logger = logging.getLogger(__name__)


def open_basket_id(conn: Connection, now: datetime) -> int:
    """The id of the open basket, created if there is none."""
    found = conn.execute(
        select(baskets.c.id).where(baskets.c.state == BasketState.OPEN)
    ).scalar_one_or_none()
    if found is not None:
        return found

    result = conn.execute(
        insert(baskets).values(
            state=BasketState.OPEN, currency=None, created_at=now, updated_at=now
        )
    )
    logger.debug("opened a new basket")
    return result.inserted_primary_key[0]


def load(conn: Connection, basket_id: int) -> Basket:
    """Read a basket and its lines."""
    row = conn.execute(select(baskets).where(baskets.c.id == basket_id)).one()
    lines = conn.execute(
        select(basket_lines)
        .where(basket_lines.c.basket_id == basket_id)
        .order_by(basket_lines.c.position)
    ).all()
    return Basket(
        id=row.id,
        state=BasketState(row.state),
        currency=row.currency,
        lines=tuple(
            BasketLine(
                sku=line.sku,
                name=line.name,
                unit_price=line.unit_price,
                currency=line.currency,
                quantity=line.quantity,
            )
            for line in lines
        ),
        order_id=uuid.UUID(row.order_id) if row.order_id else None,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def add_item(
    conn: Connection,
    now: datetime,
    *,
    sku: str,
    name: str,
    unit_price: int,
    currency: str,
    quantity: int,
) -> Basket:
    """Add ``quantity`` of a SKU, merging with its line if there is one.

    The latest name and price replace the earlier ones on a merge.
    """
    basket_id = open_basket_id(conn, now)
    basket = load(conn, basket_id)
    if basket.currency is not None and basket.currency != currency:
        raise CurrencyMismatchError(
            f"the basket is in {basket.currency}; {sku} is priced in {currency}"
        )

    existing = basket.line(sku)
    if existing is None:
        position = conn.execute(
            select(func.coalesce(func.max(basket_lines.c.position), 0)).where(
                basket_lines.c.basket_id == basket_id
            )
        ).scalar_one()
        conn.execute(
            insert(basket_lines).values(
                basket_id=basket_id,
                sku=sku,
                position=position + 1,
                name=name,
                unit_price=unit_price,
                currency=currency,
                quantity=quantity,
            )
        )
    else:
        merged = validate.quantity(existing.quantity + quantity)
        conn.execute(
            update(basket_lines)
            .where(basket_lines.c.basket_id == basket_id)
            .where(basket_lines.c.sku == sku)
            .values(name=name, unit_price=unit_price, quantity=merged)
        )

    _touch(conn, basket_id, now, currency=currency)
    return load(conn, basket_id)


def set_quantity(conn: Connection, now: datetime, sku: str, quantity: int) -> Basket:
    """Set the quantity of a line; 0 removes it."""
    basket_id = open_basket_id(conn, now)
    if quantity == 0:
        return remove_item(conn, now, sku)

    result = conn.execute(
        update(basket_lines)
        .where(basket_lines.c.basket_id == basket_id)
        .where(basket_lines.c.sku == sku)
        .values(quantity=quantity)
    )
    if result.rowcount == 0:
        raise NotInBasketError(f"the basket holds no {sku}")

    _touch(conn, basket_id, now)
    return load(conn, basket_id)


def remove_item(conn: Connection, now: datetime, sku: str) -> Basket:
    """Remove the line of a SKU; removing an absent SKU changes nothing."""
    basket_id = open_basket_id(conn, now)
    conn.execute(
        delete(basket_lines)
        .where(basket_lines.c.basket_id == basket_id)
        .where(basket_lines.c.sku == sku)
    )

    _touch(conn, basket_id, now)
    return load(conn, basket_id)


def clear(conn: Connection, now: datetime) -> Basket:
    """Remove every line of the open basket."""
    basket_id = open_basket_id(conn, now)
    conn.execute(delete(basket_lines).where(basket_lines.c.basket_id == basket_id))

    _touch(conn, basket_id, now)
    return load(conn, basket_id)


def close_for_order(conn: Connection, now: datetime, order_id: uuid.UUID) -> Basket:
    """Mark the open basket submitted and link it to ``order_id``."""
    basket_id = open_basket_id(conn, now)
    basket = load(conn, basket_id)
    if not basket.lines:
        raise EmptyBasketError("an empty basket cannot be submitted")

    conn.execute(
        update(baskets)
        .where(baskets.c.id == basket_id)
        .where(baskets.c.state == BasketState.OPEN)
        .values(state=BasketState.SUBMITTED, order_id=str(order_id), updated_at=now)
    )
    return load(conn, basket_id)


def _touch(
    conn: Connection, basket_id: int, now: datetime, *, currency: str | None = None
) -> None:
    """Stamp the basket; its currency follows its lines (none when empty)."""
    has_lines = conn.execute(
        select(func.count()).where(basket_lines.c.basket_id == basket_id)
    ).scalar_one()
    values: dict[str, object] = {"updated_at": now}
    if not has_lines:
        values["currency"] = None
    elif currency is not None:
        values["currency"] = currency

    conn.execute(update(baskets).where(baskets.c.id == basket_id).values(**values))


def load_for_order(conn: Connection, order_id: uuid.UUID) -> Basket | None:
    """The submitted basket linked to ``order_id``, if any."""
    basket_id = conn.execute(
        select(baskets.c.id).where(baskets.c.order_id == str(order_id))
    ).scalar_one_or_none()
    return load(conn, basket_id) if basket_id is not None else None
