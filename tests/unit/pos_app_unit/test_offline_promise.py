"""Which level of the stock snapshot a line sold offline was shown from."""

from __future__ import annotations

from oms_client.models import (
    CollectFulfilment,
    DeliverFulfilment,
    LocationKind,
    OrderLineRequest,
    StockLevel,
)
from pos_app.offline_promise import shown_level
from tests.support_faults.orders import LEEDS


def _level(location_id: str, atp: int) -> StockLevel:
    return StockLevel(
        location_id=location_id, name=location_id, kind=LocationKind.STORE, atp=atp
    )


LEVELS = (_level("store-0001", 1), _level("store-0002", 0), _level("store-0003", 9))


def _line(fulfilment, quantity: int) -> OrderLineRequest:
    return OrderLineRequest(sku="85123A", quantity=quantity, fulfilment=fulfilment)


def test_a_collection_is_shown_from_the_collection_store_when_it_holds_it():
    line = _line(CollectFulfilment(location_id="store-0001"), 1)

    assert shown_level(line, LEVELS).location_id == "store-0001"


def test_otherwise_from_the_nearest_location_holding_the_whole_line():
    collect = _line(CollectFulfilment(location_id="store-0001"), 2)
    deliver = _line(DeliverFulfilment(address=LEEDS), 5)

    assert shown_level(collect, LEVELS).location_id == "store-0003"
    assert shown_level(deliver, LEVELS).location_id == "store-0003"


def test_or_from_the_nearest_holding_any_and_none_when_nothing_was_shown():
    line = _line(DeliverFulfilment(address=LEEDS), 50)

    assert shown_level(line, LEVELS).location_id == "store-0001"
    assert shown_level(line, (_level("store-0002", 0),)) is None
