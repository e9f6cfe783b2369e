"""The cases that must hold, each on SQLite and on PostgreSQL."""

from __future__ import annotations

import threading
import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy import delete, select, update

from oms_core import allocations, geo, inventory, orders, promising, reads, rule_sets
from oms_core.api_models import OrderRequest, SourcingRules
from oms_core.db.engine import WRITE
from oms_core.db.inventory_schema import buffer_rules
from oms_core.db.inventory_schema import rule_sets as rule_sets_table
from oms_core.db.schema import stock
from oms_core.errors import EngineError

SKU = "85123A"
HERE = "store-0001"
THERE = "store-0002"
SELLING = "store-0001"


def _only_at(engine, holdings: dict[str, int], sku: str = SKU) -> None:
    """Given: ``sku`` is held only at these locations, with no buffer."""
    with engine.begin() as connection:
        connection.execute(
            update(stock)
            .where(stock.c.sku == sku)
            .values(on_hand=0, reserved=0, buffer=0)
        )
        connection.execute(delete(buffer_rules))
        connection.execute(delete(rule_sets_table))
        for location_id, units in holdings.items():
            inventory_row = connection.execute(
                select(stock.c.sku).where(
                    stock.c.sku == sku, stock.c.location_id == location_id
                )
            ).first()
            if inventory_row is None:
                connection.execute(
                    stock.insert(),
                    {
                        "sku": sku,
                        "location_id": location_id,
                        "on_hand": units,
                        "reserved": 0,
                        "buffer": 0,
                        "confirmed_at": datetime.now(UTC),
                        "in_transit": 0,
                    },
                )
            else:
                connection.execute(
                    update(stock)
                    .where(stock.c.sku == sku, stock.c.location_id == location_id)
                    .values(on_hand=units)
                )


def _collect(quantity: int, location_id: str = HERE) -> OrderRequest:
    return OrderRequest.model_validate(
        {
            "selling_location_id": SELLING,
            "lines": [
                {
                    "sku": SKU,
                    "quantity": quantity,
                    "fulfilment": {"method": "collect", "location_id": location_id},
                }
            ],
        }
    )


def _deliver(quantity: int) -> OrderRequest:
    return OrderRequest.model_validate(
        {
            "selling_location_id": SELLING,
            "lines": [
                {
                    "sku": SKU,
                    "quantity": quantity,
                    "fulfilment": {
                        "method": "deliver",
                        "address": {
                            "name": "A Customer",
                            "line1": "1 High Street",
                            "city": "Aberdare",
                            "postcode": "CF44 8DL",
                        },
                    },
                }
            ],
        }
    )


def _reserved(engine, sku: str = SKU) -> int:
    with engine.connect() as connection:
        return sum(
            connection.scalars(select(stock.c.reserved).where(stock.c.sku == sku))
        )


def test_concurrent_orders_for_the_last_units_sell_exactly_what_is_there(pool):
    _only_at(pool, {HERE: 5})
    results: list[str] = []
    start = threading.Barrier(10)

    def buy() -> None:
        start.wait()
        try:
            orders.place_order(pool, uuid.uuid4(), _collect(1))
            results.append("sold")
        except EngineError as exc:
            results.append(exc.code.value)

    threads = [threading.Thread(target=buy) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert results.count("sold") == 5
    assert results.count("insufficient_stock") == 5
    assert _reserved(pool) == 5
    with pool.connect() as connection:
        assert inventory.stock_record(connection, SKU, HERE).atp == 0


def test_stock_at_two_locations_is_never_counted_twice(pool):
    _only_at(pool, {HERE: 3, THERE: 4})
    with pool.begin() as connection:
        rule_sets.store(
            connection,
            "default",
            SourcingRules(name="split", allow_split_lines=True),
            datetime.now(UTC),
        )

    with pool.connect() as connection:
        assert inventory.network_stock(connection, SKU).atp == 7
    placed = orders.place_order(pool, uuid.uuid4(), _deliver(7))
    with pytest.raises(EngineError) as refused:
        orders.place_order(pool, uuid.uuid4(), _deliver(1))

    shares = {a.location_id: a.quantity for a in placed.order.lines[0].allocations}
    assert shares == {HERE: 3, THERE: 4}
    assert refused.value.code.value == "insufficient_stock"
    assert _reserved(pool) == 7
    with pool.connect() as connection:
        assert inventory.network_stock(connection, SKU).atp == 0


def test_the_buffer_gives_the_same_atp_everywhere(pool):
    _only_at(pool, {HERE: 5})
    with pool.begin() as connection:
        inventory.set_buffer_rule(connection, HERE, SKU, 2, datetime.now(UTC))

    with pool.connect() as connection:
        listed = reads.stock_at(connection, SKU, HERE)[0].atp
        place = reads.get_location(connection, HERE)
        near = reads.nearby(connection, SKU, geo.Point(place.lat, place.lon), 5)
        network = inventory.network_stock(connection, SKU).atp
        needs = promising.needs_of(connection, _collect(4).lines)
        quoted = promising.source(connection, SELLING, None, needs, datetime.now(UTC))
    with pytest.raises(EngineError):
        orders.place_order(pool, uuid.uuid4(), _collect(4))
    placed = orders.place_order(pool, uuid.uuid4(), _collect(3))

    assert listed == 3
    assert [level.atp for level in near if level.location_id == HERE] == [3]
    assert network == 3
    assert 0 in quoted.plan.refused
    assert placed.order.lines[0].quantity == 3


def test_a_cancel_after_part_shipped_returns_exactly_the_unshipped_units(pool):
    _only_at(pool, {HERE: 6})
    placed = orders.place_order(pool, uuid.uuid4(), _collect(5))
    order_id = placed.order.id

    with pool.connect().execution_options(**WRITE) as connection:
        with connection.begin():
            allocations.ship(connection, order_id, 0, HERE, 2)
    with pool.connect().execution_options(**WRITE) as connection:
        with connection.begin():
            released = allocations.release_unshipped(
                connection, order_id, datetime.now(UTC)
            )
            again = allocations.release_unshipped(
                connection, order_id, datetime.now(UTC)
            )

    assert (released, again) == (3, 0)
    with pool.connect() as connection:
        record = inventory.stock_record(connection, SKU, HERE)
    assert (record.on_hand, record.reserved, record.atp) == (4, 0, 4)


def test_a_line_no_single_location_can_fill_is_split_when_the_rules_allow(pool):
    _only_at(pool, {HERE: 3, THERE: 4})

    with pytest.raises(EngineError) as refused:
        orders.place_order(pool, uuid.uuid4(), _deliver(6))
    assert _reserved(pool) == 0
    with pool.begin() as connection:
        rule_sets.store(
            connection,
            SELLING,
            SourcingRules(name="split lines", allow_split_lines=True),
            datetime.now(UTC),
        )
    placed = orders.place_order(pool, uuid.uuid4(), _deliver(6))

    assert "splitting" in refused.value.message
    shares = placed.order.lines[0].allocations
    assert sum(share.quantity for share in shares) == 6
    assert {share.location_id for share in shares} == {HERE, THERE}
    assert _reserved(pool) == 6
