"""Real orders for the proofs and what the engine holds afterwards.

The items are real best sellers of the catalogue; the delivery address is
in a real postcode district (Leeds city centre), so the engine sources each
line from its network (the distribution centres hold thousands).
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import create_engine, select

from oms_client.models import (
    Address,
    DeliverFulfilment,
    OrderLineRequest,
    OrderRequest,
)
from oms_core.db.schema import order_lines, orders

HOME = "store-0000"  # Leavesden Green Express, the first row of the store list
BEST_SELLERS = (
    ("85123A", "WHITE HANGING HEART T-LIGHT HOLDER", 255),
    ("84879", "ASSORTED COLOUR BIRD ORNAMENT", 169),
    ("22423", "REGENCY CAKESTAND 3 TIER", 1275),
    ("47566", "PARTY BUNTING", 495),
    ("85099B", "JUMBO BAG RED RETROSPOT", 195),
)
LEEDS = Address(
    name="Collection desk", line1="1 Briggate", city="Leeds", postcode="LS1 6HB"
)


def delivery_payload(lines: list[tuple[str, int]]) -> dict[str, Any]:
    """An order request, as JSON data, delivering ``(sku, quantity)`` lines."""
    request = OrderRequest(
        selling_location_id=HOME,
        lines=[
            OrderLineRequest(
                sku=sku,
                quantity=quantity,
                fulfilment=DeliverFulfilment(address=LEEDS),
            )
            for sku, quantity in lines
        ],
    )
    return request.model_dump(mode="json")


def engine_orders(database_url: str) -> dict[uuid.UUID, list[tuple[str, int]]]:
    """Every order the engine stored: id to its ``(sku, quantity)`` lines."""
    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            ids = list(conn.execute(select(orders.c.id)).scalars())
            held: dict[uuid.UUID, list[tuple[str, int]]] = {i: [] for i in ids}
            for row in conn.execute(
                select(
                    order_lines.c.order_id, order_lines.c.sku, order_lines.c.quantity
                ).order_by(order_lines.c.order_id, order_lines.c.line_no)
            ):
                held[row.order_id].append((row.sku, row.quantity))
    finally:
        engine.dispose()
    return held
