"""The errors of the device store: every refusal says what was wrong."""

from __future__ import annotations


class StoreError(Exception):
    """Base of every error raised by the device store."""


class InvalidInputError(StoreError, ValueError):
    """A value handed to the store is out of range or malformed."""


class CurrencyMismatchError(InvalidInputError):
    """An item's currency differs from the currency of the basket."""


class NotInBasketError(StoreError, LookupError):
    """The basket holds no line for the SKU named."""


class EmptyBasketError(StoreError):
    """An empty basket cannot be submitted."""


class UnknownOrderError(StoreError, LookupError):
    """The outbox holds no row for the order id named."""


class DuplicateOrderError(StoreError):
    """The outbox already holds a row for this order id."""


class InvalidTransitionError(StoreError):
    """The outbox row is not in a state that allows the action."""


class LeaseLostError(InvalidTransitionError):
    """Another worker holds the outbox row now; this worker's outcome is stale."""
