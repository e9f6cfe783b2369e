"""The promise a till shows for a line it sells while the engine is away.

Offline, the till sells from its last stock snapshot. Each order line then
carries what the associate was shown (``ShownPromise``): the location whose
stock made the sale possible, the units it showed and when the snapshot was
taken. The engine uses it to accept the order even when that promise can
no longer be kept, with the line in an exception and a task for the store.
The device computes no dates: only the engine promises those.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence

from oms_client.models import (
    CollectFulfilment,
    OrderLineRequest,
    ShownPromise,
    StockLevel,
)
from pos_app.stock_lookup import StockSnapshot

logger = logging.getLogger(__name__)

Snapshot = Callable[[str], Awaitable[StockSnapshot]]


async def with_shown_promises(
    lines: Sequence[OrderLineRequest], snapshot: Snapshot
) -> list[OrderLineRequest]:
    """The lines, each with the promise its stock snapshot showed.

    ``snapshot`` gives the device's cached stock of a SKU (no engine call).
    A line the snapshot showed no stock for goes without a promise.
    """
    shown = []
    for line in lines:
        stock = await snapshot(line.sku)
        level = shown_level(line, (*stock.here, *stock.nearby))
        if level is None:
            logger.info("an offline line had no stock in the snapshot")
            shown.append(line)
            continue
        promise = ShownPromise(
            location_id=level.location_id, atp_seen=level.atp, as_of=stock.as_of
        )
        shown.append(line.model_copy(update={"promise": promise}))
    return shown


def shown_level(
    line: OrderLineRequest, levels: Sequence[StockLevel]
) -> StockLevel | None:
    """The level the associate sold the line from, nearest first.

    A collection is shown from the collection store when it holds the
    units; otherwise (and for a delivery) from the first location holding
    the whole line, or else the first holding any.
    """
    if isinstance(line.fulfilment, CollectFulfilment):
        at = line.fulfilment.location_id
        there = [lv for lv in levels if lv.location_id == at and lv.atp > 0]
        if there and there[0].atp >= line.quantity:
            return there[0]
    whole = [lv for lv in levels if lv.atp >= line.quantity]
    if whole:
        return whole[0]
    some = [lv for lv in levels if lv.atp > 0]
    return some[0] if some else None
