"""Small helpers for the engine API tests: request bodies and stock reads."""

from __future__ import annotations

from fastapi import FastAPI
from sqlalchemy import func, select

from oms_core.atp import atp
from oms_core.db.schema import stock


def collect_line(sku: str, location_id: str, quantity: int = 1) -> dict:
    return {
        "sku": sku,
        "quantity": quantity,
        "fulfilment": {"method": "collect", "location_id": location_id},
    }


def deliver_line(sku: str, postcode: str, quantity: int = 1) -> dict:
    return {
        "sku": sku,
        "quantity": quantity,
        "fulfilment": {
            "method": "deliver",
            "address": {
                "name": "A Customer",
                "line1": "1 High Street",
                "city": "Somewhere",
                "postcode": postcode,
            },
        },
    }


def order_body(*lines: dict, selling: str = "store-0001") -> dict:
    return {"selling_location_id": selling, "lines": list(lines)}


def reserved_total(app: FastAPI, sku: str) -> int:
    with app.state.engine.connect() as connection:
        return connection.scalar(
            select(func.coalesce(func.sum(stock.c.reserved), 0)).where(
                stock.c.sku == sku
            )
        )


def atp_at(app: FastAPI, sku: str, location_id: str) -> int:
    with app.state.engine.connect() as connection:
        row = connection.execute(
            select(stock).where(stock.c.sku == sku, stock.c.location_id == location_id)
        ).first()
    return atp(row.on_hand, row.reserved, row.buffer) if row else 0


def sku_missing_at(app: FastAPI, location_id: str) -> str:
    """A SKU the location holds no row of (a small store lacks most of the range)."""
    with app.state.engine.connect() as connection:
        held = select(stock.c.sku).where(stock.c.location_id == location_id)
        return connection.scalar(
            select(func.min(stock.c.sku)).where(stock.c.sku.not_in(held))
        )


def max_atp_anywhere(app: FastAPI, sku: str) -> int:
    with app.state.engine.connect() as connection:
        rows = connection.execute(select(stock).where(stock.c.sku == sku)).all()
    return max(atp(r.on_hand, r.reserved, r.buffer) for r in rows)
