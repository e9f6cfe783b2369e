"""The device's own database: durable baskets, the outbox, cached catalogue
and stock, and the worker that sends the outbox.

Imports SQLAlchemy and the standard library only (plus platformdirs for the
default file location); no Qt, nothing of the engine or its client.
"""

from offline_store.async_store import AsyncDeviceStore
from offline_store.errors import (
    CurrencyMismatchError,
    DuplicateOrderError,
    EmptyBasketError,
    InvalidInputError,
    InvalidTransitionError,
    LeaseLostError,
    NotInBasketError,
    StoreError,
    UnknownOrderError,
)
from offline_store.models import (
    Basket,
    BasketLine,
    BasketState,
    OutboxEntry,
    OutboxState,
)
from offline_store.paths import default_device_db_path
from offline_store.store import DeviceStore
from offline_store.sync_worker import (
    Accepted,
    Rejected,
    RetryLater,
    Sender,
    SendResult,
    SyncWorker,
    WorkerStatus,
)

__all__ = [
    "Accepted",
    "AsyncDeviceStore",
    "Basket",
    "BasketLine",
    "BasketState",
    "CurrencyMismatchError",
    "DeviceStore",
    "DuplicateOrderError",
    "EmptyBasketError",
    "InvalidInputError",
    "InvalidTransitionError",
    "LeaseLostError",
    "NotInBasketError",
    "OutboxEntry",
    "OutboxState",
    "Rejected",
    "RetryLater",
    "SendResult",
    "Sender",
    "StoreError",
    "SyncWorker",
    "UnknownOrderError",
    "WorkerStatus",
    "default_device_db_path",
]
