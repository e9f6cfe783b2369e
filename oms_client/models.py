"""The engine's API models, for code that may only import the client.

These are the very classes of ``oms_core.api_models`` (one definition for
server and client), re-exported so the app never imports the engine.
"""

from oms_core.api_models import (
    MAX_LINE_QUANTITY,
    MAX_ORDER_LINES,
    Address,
    ApiError,
    CollectFulfilment,
    DeliverFulfilment,
    ErrorCode,
    Fulfilment,
    Location,
    LocationKind,
    Money,
    Order,
    OrderLine,
    OrderLineRequest,
    OrderRequest,
    OrderStatus,
    Product,
    StockLevel,
    normalise_uk_postcode,
    outcode_of,
)

__all__ = [
    "MAX_LINE_QUANTITY",
    "MAX_ORDER_LINES",
    "Address",
    "ApiError",
    "CollectFulfilment",
    "DeliverFulfilment",
    "ErrorCode",
    "Fulfilment",
    "Location",
    "LocationKind",
    "Money",
    "Order",
    "OrderLine",
    "OrderLineRequest",
    "OrderRequest",
    "OrderStatus",
    "Product",
    "StockLevel",
    "normalise_uk_postcode",
    "outcode_of",
]
