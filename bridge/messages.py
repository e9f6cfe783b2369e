"""The declared messages between the page and Python, and their replies.

A page sends one JSON object per call::

    {"id": 7, "type": "add_to_basket", "sku": "85123A", "quantity": 1}

and gets one reply with the same ``id``::

    {"id": 7, "ok": true, "result": {...}}
    {"id": 7, "ok": false, "error": {"code": "invalid", "message": "..."}}

Only the message types below exist. Every field has a limit; anything else
is refused before the host sees it.
"""

from __future__ import annotations

import enum
import json
import logging
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StrictInt,
    StrictStr,
    TypeAdapter,
    ValidationError,
)

logger = logging.getLogger(__name__)

MAX_MESSAGE_BYTES = 16 * 1024
MAX_SAFE_INTEGER = 2**53 - 1
SKU_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$"
MAX_QUANTITY = 999

Sku = Annotated[StrictStr, Field(pattern=SKU_PATTERN)]
# JavaScript numbers are exact only up to 2**53 - 1: larger ids travel as text.
RequestId = (
    Annotated[StrictInt, Field(ge=0, le=MAX_SAFE_INTEGER)]
    | Annotated[StrictStr, Field(pattern=r"^[A-Za-z0-9_-]{1,64}$")]
)


class ErrorCode(enum.StrEnum):
    """Why a call was refused; the page sees the value."""

    NOT_JSON = "not_json"
    TOO_LARGE = "too_large"
    INVALID_ID = "invalid_id"
    UNKNOWN_TYPE = "unknown_type"
    INVALID = "invalid"
    ORIGIN_NOT_ALLOWED = "origin_not_allowed"
    UNAVAILABLE = "unavailable"
    REFUSED = "refused"
    INTERNAL = "internal"


class BridgeRefusedError(Exception):
    """A call refused with a code and a message meant for the page."""

    def __init__(
        self,
        code: ErrorCode,
        message: str,
        *,
        request_id: RequestId | None = None,
    ) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.request_id = request_id


class _Message(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: RequestId


class AddToBasket(_Message):
    """Put ``quantity`` of ``sku`` in the open basket."""

    type: Literal["add_to_basket"]
    sku: Sku
    quantity: Annotated[StrictInt, Field(ge=1, le=MAX_QUANTITY)]


class GetStock(_Message):
    """Ask for the stock of ``sku`` here and nearby."""

    type: Literal["get_stock"]
    sku: Sku


class GetBasket(_Message):
    """Ask for the open basket."""

    type: Literal["get_basket"]


Request = Annotated[AddToBasket | GetStock | GetBasket, Field(discriminator="type")]
MESSAGE_TYPES = ("add_to_basket", "get_stock", "get_basket")
_REQUEST = TypeAdapter(Request)
_REQUEST_ID = TypeAdapter(RequestId)


# -- views the host returns ------------------------------------------------


class _View(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class MoneyView(_View):
    """An amount in minor units with its ISO 4217 currency."""

    amount: Annotated[int, Field(ge=-(10**15), le=10**15)]
    currency: Annotated[str, Field(pattern=r"^[A-Z]{3}$")]


class BasketLineView(_View):
    """One line of the basket as the page sees it."""

    sku: Sku
    name: Annotated[str, Field(max_length=300)]
    quantity: Annotated[int, Field(ge=1, le=9_999)]
    unit_price: MoneyView
    line_total: MoneyView


class BasketView(_View):
    """The open basket: its lines, total and number of items."""

    lines: Annotated[list[BasketLineView], Field(max_length=200)]
    total: MoneyView
    count: Annotated[int, Field(ge=0)]


def _aware(value: datetime) -> datetime:
    if value.utcoffset() is None:
        raise ValueError("as_of must carry a time zone")
    return value


class StockEntryView(_View):
    """Available-to-promise of one SKU at one location."""

    location_id: Annotated[str, Field(max_length=64)]
    name: Annotated[str, Field(max_length=200)]
    kind: Annotated[str, Field(max_length=32)]
    distance_km: Annotated[float, Field(ge=0)] | None = None
    atp: Annotated[int, Field(ge=0)]


class StockView(_View):
    """Stock here and nearby; ``stale`` when it is an offline snapshot."""

    here: list[StockEntryView]
    nearby: list[StockEntryView]
    stale: bool
    as_of: Annotated[datetime, AfterValidator(_aware)]


# -- parsing and replies ---------------------------------------------------


def parse_request(text: object) -> tuple[RequestId | None, Request]:
    """Validate one message from the page.

    Returns the request id and the typed request; raises ``BridgeRefusedError``
    carrying the id when it could be read (``None`` otherwise).
    """
    if not isinstance(text, str):
        raise BridgeRefusedError(ErrorCode.NOT_JSON, "a message is a JSON string")
    if len(text.encode("utf-8", "surrogatepass")) > MAX_MESSAGE_BYTES:
        raise BridgeRefusedError(
            ErrorCode.TOO_LARGE, f"a message is at most {MAX_MESSAGE_BYTES} bytes"
        )

    try:
        raw = json.loads(text)
    except (ValueError, RecursionError) as error:
        raise BridgeRefusedError(
            ErrorCode.NOT_JSON, "a message is a JSON object"
        ) from error
    if not isinstance(raw, dict):
        raise BridgeRefusedError(ErrorCode.NOT_JSON, "a message is a JSON object")

    request_id = _read_id(raw.get("id"))
    kind = raw.get("type")
    if kind not in MESSAGE_TYPES:
        raise BridgeRefusedError(
            ErrorCode.UNKNOWN_TYPE,
            f"unknown message type; known: {', '.join(MESSAGE_TYPES)}",
            request_id=request_id,
        )

    try:
        return request_id, _REQUEST.validate_python(raw)
    except ValidationError as error:
        raise BridgeRefusedError(
            ErrorCode.INVALID, _describe(error), request_id=request_id
        ) from None


def _read_id(value: object) -> RequestId:
    try:
        return _REQUEST_ID.validate_python(value)
    except ValidationError:
        raise BridgeRefusedError(
            ErrorCode.INVALID_ID,
            "id is an integer from 0 to 2^53-1 or a string of 1 to 64 "
            "letters, digits, '_' or '-'",
        ) from None


def _describe(error: ValidationError) -> str:
    """A short account of what was wrong, without echoing page values."""
    parts = []
    for problem in error.errors(include_url=False, include_input=False)[:5]:
        where = ".".join(str(item) for item in problem["loc"][1:]) or "message"
        parts.append(f"{where}: {problem['msg']}")
    return "; ".join(parts)


def ok_reply(request_id: RequestId | None, result: BaseModel) -> str:
    """The JSON text of a successful reply."""
    body: dict[str, Any] = {
        "id": request_id,
        "ok": True,
        "result": result.model_dump(mode="json"),
    }
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"))


def error_reply(request_id: RequestId | None, code: ErrorCode, message: str) -> str:
    """The JSON text of a refusal."""
    body = {
        "id": request_id,
        "ok": False,
        "error": {"code": str(code), "message": message},
    }
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"))


# The name the application first used for the refusal.
BridgeRefusal = BridgeRefusedError
