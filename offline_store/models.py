"""The values the device store hands out: frozen, detached from the database."""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any


class BasketState(enum.StrEnum):
    """Life of a basket on the device."""

    OPEN = "open"
    SUBMITTED = "submitted"


class OutboxState(enum.StrEnum):
    """Life of an order waiting on the device to reach the engine.

    A row being sent is still ``pending``; its lease says who holds it.
    """

    PENDING = "pending"
    ACCEPTED = "accepted"
    PARKED = "parked"


@dataclass(frozen=True)
class BasketLine:
    """One SKU in a basket, priced in minor units of ``currency``."""

    sku: str
    name: str
    unit_price: int
    currency: str
    quantity: int

    @property
    def line_total(self) -> int:
        """Unit price times quantity, in minor units."""
        return self.unit_price * self.quantity


@dataclass(frozen=True)
class Basket:
    """A basket with its lines in the order they were first added.

    ``currency`` is ``None`` while the basket is empty.
    """

    id: int
    state: BasketState
    currency: str | None
    lines: tuple[BasketLine, ...]
    order_id: uuid.UUID | None
    created_at: datetime
    updated_at: datetime

    @property
    def total(self) -> int:
        """Sum of the line totals, in minor units of ``currency``."""
        return sum(line.line_total for line in self.lines)

    @property
    def item_count(self) -> int:
        """Number of items (quantities added up)."""
        return sum(line.quantity for line in self.lines)

    def line(self, sku: str) -> BasketLine | None:
        """The line for ``sku``, or ``None``."""
        for line in self.lines:
            if line.sku == sku:
                return line
        return None


@dataclass(frozen=True)
class OutboxEntry:
    """An order in the device outbox.

    ``payload`` is the order request as the app built it; ``answer`` is the
    engine's answer once accepted. Both are fresh copies per read.
    """

    order_id: uuid.UUID
    payload: dict[str, Any]
    state: OutboxState
    attempts: int
    created_at: datetime
    next_attempt_at: datetime
    claimed_by: str | None
    lease_until: datetime | None
    last_error: str | None
    answer: dict[str, Any] | None
    accepted_at: datetime | None
