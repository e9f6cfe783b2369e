"""Checks applied to every value handed to the device store."""

from __future__ import annotations

import json
import re
import uuid
from datetime import datetime
from typing import Any

from offline_store.errors import InvalidInputError

MAX_QUANTITY = 9_999
MAX_UNIT_PRICE = 10**12
MAX_NAME_LENGTH = 500
MAX_SCOPE_LENGTH = 128
MAX_JSON_BYTES = 1_000_000

_SKU = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
_CURRENCY = re.compile(r"^[A-Z]{3}$")
_SCOPE = re.compile(r"^[a-z]+:[A-Za-z0-9 ,._-]{1,120}$")


def sku(value: object) -> str:
    """A SKU: letters, digits, dot, dash, underscore; at most 64 long."""
    if not isinstance(value, str) or not _SKU.match(value):
        raise InvalidInputError(f"not a valid SKU: {value!r}")
    return value


def name(value: object) -> str:
    """A product name: non-blank text, trimmed, at most 500 characters."""
    if not isinstance(value, str) or not value.strip():
        raise InvalidInputError("a product name must be non-blank text")
    cleaned = value.strip()
    if len(cleaned) > MAX_NAME_LENGTH:
        raise InvalidInputError(f"a product name is at most {MAX_NAME_LENGTH} long")
    return cleaned


def unit_price(value: object) -> int:
    """A unit price in minor units: a non-negative integer, never a float."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInputError(f"a unit price is an integer of minor units: {value!r}")
    if not 0 <= value <= MAX_UNIT_PRICE:
        raise InvalidInputError(f"unit price out of range: {value}")
    return value


def currency(value: object) -> str:
    """An ISO 4217 currency code, three capital letters."""
    if not isinstance(value, str) or not _CURRENCY.match(value):
        raise InvalidInputError(f"not an ISO 4217 currency code: {value!r}")
    return value


def quantity(value: object, *, allow_zero: bool = False) -> int:
    """A line quantity, 1 to 9999 (0 too where it means remove)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInputError(f"a quantity is a whole number: {value!r}")
    low = 0 if allow_zero else 1
    if not low <= value <= MAX_QUANTITY:
        raise InvalidInputError(f"quantity must be {low} to {MAX_QUANTITY}: {value}")
    return value


def order_id(value: object) -> uuid.UUID:
    """An order id: a UUID object."""
    if not isinstance(value, uuid.UUID):
        raise InvalidInputError(f"an order id is a UUID: {value!r}")
    return value


def aware(value: object, what: str) -> datetime:
    """A datetime that carries its zone."""
    if not isinstance(value, datetime) or value.utcoffset() is None:
        raise InvalidInputError(f"{what} must be an aware datetime: {value!r}")
    return value


def scope(value: object) -> str:
    """A stock cache scope such as ``here:store-0001`` or ``near:LS1``."""
    if not isinstance(value, str) or not _SCOPE.match(value):
        raise InvalidInputError(f"not a valid stock scope: {value!r}")
    return value


def worker_id(value: object) -> str:
    """A worker id: non-blank text of at most 128 characters."""
    if not isinstance(value, str) or not value.strip() or len(value) > 128:
        raise InvalidInputError(f"not a valid worker id: {value!r}")
    return value


def error_text(value: object) -> str:
    """An error description kept on an outbox row (trimmed to 2000)."""
    if not isinstance(value, str) or not value.strip():
        raise InvalidInputError("an error description must be non-blank text")
    return value[:2000]


def json_text(value: Any, what: str) -> str:
    """Serialise ``value`` as JSON, refusing what JSON cannot hold."""
    try:
        text = json.dumps(value, ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise InvalidInputError(f"{what} is not JSON-serialisable: {exc}") from exc
    if len(text.encode()) > MAX_JSON_BYTES:
        raise InvalidInputError(f"{what} is larger than {MAX_JSON_BYTES} bytes")
    return text


def json_object(value: Any, what: str) -> str:
    """Serialise a dict as JSON text (see :func:`json_text`)."""
    if not isinstance(value, dict):
        raise InvalidInputError(f"{what} must be a JSON object (dict): {type(value)}")
    return json_text(value, what)
