"""The engine's API models: one definition, shared by server and client.

Money is an integer amount of minor units with an ISO 4217 currency; time is
aware UTC. Every model refuses unknown fields so that a typo in a request is
an error, not a silently ignored value.
"""

from __future__ import annotations

import enum
import re
import uuid
from datetime import datetime
from typing import Annotated, Generic, Literal, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator

T = TypeVar("T")

SKU_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$"
LOCATION_ID_PATTERN = r"^[a-z0-9][a-z0-9-]{0,63}$"
MAX_ORDER_LINES = 200
MAX_LINE_QUANTITY = 9_999

# UK postcode: an outward code (district) and an optional inward code.
_UK_POSTCODE = re.compile(
    r"^(?P<out>[A-Z]{1,2}[0-9][A-Z0-9]?)(?:\s*(?P<in>[0-9][A-Z]{2}))?$"
)


def normalise_uk_postcode(value: str) -> str:
    """Return a UK postcode in its canonical form or raise ``ValueError``."""
    match = _UK_POSTCODE.match(value.strip().upper())
    if match is None:
        raise ValueError(f"not a UK postcode: {value!r}")
    if match["in"]:
        return f"{match['out']} {match['in']}"
    return match["out"]


def outcode_of(postcode: str) -> str:
    """The outward code (postcode district) of a valid UK postcode."""
    return normalise_uk_postcode(postcode).split(" ")[0]


UkPostcode = Annotated[str, AfterValidator(normalise_uk_postcode)]
Sku = Annotated[str, Field(pattern=SKU_PATTERN)]
LocationId = Annotated[str, Field(pattern=LOCATION_ID_PATTERN)]


class ApiModel(BaseModel):
    """Base of every API model: strict about unknown fields."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Money(ApiModel):
    """An amount in minor units (pence for GBP) with its ISO 4217 currency."""

    amount: int = Field(ge=-(10**15), le=10**15)
    currency: str = Field(pattern=r"^[A-Z]{3}$")


class Page(ApiModel, Generic[T]):
    """A list answer: ``{"items": [...]}``."""

    items: list[T]


class ErrorCode(enum.StrEnum):
    """Every error the API answers with; clients switch on these."""

    INVALID_REQUEST = "invalid_request"
    NOT_FOUND = "not_found"
    UNKNOWN_SKU = "unknown_sku"
    UNKNOWN_LOCATION = "unknown_location"
    UNKNOWN_POSTCODE = "unknown_postcode"
    INSUFFICIENT_STOCK = "insufficient_stock"
    IDEMPOTENCY_KEY_REUSED = "idempotency_key_reused"
    IDEMPOTENCY_KEY_MISSING = "idempotency_key_missing"
    LOCATION_CANNOT_FULFIL = "location_cannot_fulfil"
    PAYLOAD_TOO_LARGE = "payload_too_large"
    SIGN_IN_FAILED = "sign_in_failed"
    STAFF_LOCKED = "staff_locked"
    NOT_PERMITTED = "not_permitted"
    ALREADY_RECALLED = "already_recalled"
    INTERNAL = "internal"


class ApiError(ApiModel):
    """The body of every error answer."""

    code: ErrorCode
    message: str
    detail: dict[str, object] | None = None


# -- catalogue -------------------------------------------------------------


class Product(ApiModel):
    """A sellable item of the catalogue."""

    sku: str
    name: str
    price: Money
    gtin: str | None = None


# -- locations -------------------------------------------------------------


class LocationKind(enum.StrEnum):
    STORE = "store"
    DISTRIBUTION_CENTRE = "distribution_centre"
    WAREHOUSE = "warehouse"
    DARK_STORE = "dark_store"
    SUPPLIER = "supplier"
    COLLECTION_POINT = "collection_point"


class Location(ApiModel):
    """A place that sells, holds or hands over stock."""

    id: str
    name: str
    kind: LocationKind
    lat: float
    lon: float
    postcode: str | None = None
    size_class: int | None = None
    timezone: str = "Europe/London"


# -- stock -----------------------------------------------------------------


class StockLevel(ApiModel):
    """Available-to-promise of one SKU at one location."""

    location_id: str
    name: str
    kind: LocationKind
    distance_km: float | None = None
    atp: int = Field(ge=0)
    confirmed_at: datetime | None = None


# -- orders ----------------------------------------------------------------


class Address(ApiModel):
    """A UK delivery address; the postcode is validated and normalised."""

    name: str = Field(min_length=1, max_length=120)
    line1: str = Field(min_length=1, max_length=120)
    line2: str | None = Field(default=None, max_length=120)
    city: str = Field(min_length=1, max_length=80)
    postcode: UkPostcode
    country: Literal["GB"] = "GB"


class CollectFulfilment(ApiModel):
    method: Literal["collect"] = "collect"
    location_id: LocationId


class DeliverFulfilment(ApiModel):
    method: Literal["deliver"] = "deliver"
    address: Address


Fulfilment = Annotated[
    CollectFulfilment | DeliverFulfilment, Field(discriminator="method")
]


class CustomerDetails(ApiModel):
    """Who the order is for, as far as the order needs to know.

    Personal data: never logged, only stored with the order it belongs to.
    """

    name: str = Field(min_length=1, max_length=120)
    email: str | None = Field(
        default=None, max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
    )
    phone: str | None = Field(
        default=None, max_length=32, pattern=r"^\+?[0-9 ()-]{6,31}$"
    )


class OrderLineRequest(ApiModel):
    sku: Sku
    quantity: int = Field(ge=1, le=MAX_LINE_QUANTITY)
    fulfilment: Fulfilment


class OrderRequest(ApiModel):
    """What a device sends to create an order.

    The order id travels in the ``Idempotency-Key`` header, not in the body.
    """

    selling_location_id: LocationId
    lines: list[OrderLineRequest] = Field(min_length=1, max_length=MAX_ORDER_LINES)
    customer: CustomerDetails | None = None
    placed_at: datetime | None = None

    @field_validator("placed_at")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.utcoffset() is None:
            raise ValueError("placed_at must carry a time zone")
        return value


class OrderStatus(enum.StrEnum):
    CREATED = "created"
    CANCELLED = "cancelled"
    COMPLETED = "completed"


class OrderLine(ApiModel):
    sku: str
    name: str
    quantity: int
    unit_price: Money
    line_total: Money
    fulfilment: Fulfilment
    source_location_id: str


class Order(ApiModel):
    """An order as the engine holds it."""

    id: uuid.UUID
    status: OrderStatus
    selling_location_id: str
    lines: list[OrderLine]
    total: Money
    created_at: datetime


# -- store operations: staff, approvals, parked baskets, customers ----------

StaffNumber = Annotated[str, Field(pattern=r"^[0-9]{4,8}$")]
Pin = Annotated[str, Field(pattern=r"^[0-9]{4,8}$")]
HANDOVER_CODE_PATTERN = r"^[A-HJ-NP-Z2-9]{6}$"


class StaffRole(enum.StrEnum):
    """What a signed-in person may do."""

    ASSOCIATE = "associate"
    SUPERVISOR = "supervisor"
    KIOSK = "kiosk"


class SignInRequest(ApiModel):
    """A staff number and PIN typed at a device."""

    staff_number: StaffNumber
    pin: Pin = Field(repr=False)


class StaffMember(ApiModel):
    """A signed-in person: never carries the PIN or its hash."""

    staff_number: str
    name: str
    role: StaffRole


class ApprovalKind(enum.StrEnum):
    PRICE_OVERRIDE = "price_override"
    DISCOUNT = "discount"


class ApprovalRequest(ApiModel):
    """A supervisor's approval, given on the spot with their own PIN.

    ``amount`` is the new unit price of ``sku`` for a price override, or the
    amount taken off the order for a discount.
    """

    kind: ApprovalKind
    sku: Sku | None = None
    amount: Money
    reason: str = Field(min_length=1, max_length=200)
    requested_by: StaffNumber
    supervisor_number: StaffNumber
    supervisor_pin: Pin = Field(repr=False)


class Approval(ApiModel):
    """An approval as recorded on an order."""

    id: uuid.UUID
    order_id: uuid.UUID
    kind: ApprovalKind
    sku: str | None = None
    amount: Money
    reason: str
    requested_by: str
    approved_by: str
    approved_at: datetime


class ParkedLine(ApiModel):
    sku: Sku
    quantity: int = Field(ge=1, le=MAX_LINE_QUANTITY)


class ParkRequest(ApiModel):
    """A basket put aside at a store, to be recalled once on any device."""

    location_id: LocationId
    lines: list[ParkedLine] = Field(min_length=1, max_length=MAX_ORDER_LINES)
    parked_by: StaffNumber
    label: str | None = Field(default=None, max_length=60)


class RecallRequest(ApiModel):
    """Take a parked basket back by its code (a kiosk hand-over or a park)."""

    location_id: LocationId
    code: str = Field(pattern=HANDOVER_CODE_PATTERN)
    recalled_by: StaffNumber

    @field_validator("code", mode="before")
    @classmethod
    def _upper(cls, value: object) -> object:
        return value.strip().upper() if isinstance(value, str) else value


class ParkedBasket(ApiModel):
    """A parked basket; ``code`` is what a person types or scans to recall it."""

    id: uuid.UUID
    code: str
    location_id: str
    lines: list[ParkedLine]
    parked_by: str
    label: str | None = None
    parked_at: datetime
    recalled_at: datetime | None = None
    recalled_by: str | None = None


class CustomerRequest(ApiModel):
    """A customer as the contact centre or a till records them."""

    name: str = Field(min_length=1, max_length=120)
    email: str | None = Field(
        default=None, max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
    )
    phone: str | None = Field(
        default=None, max_length=32, pattern=r"^\+?[0-9 ()-]{6,31}$"
    )
    addresses: list[Address] = Field(default_factory=list, max_length=5)


class Customer(CustomerRequest):
    """A stored customer. Personal data: never logged."""

    id: uuid.UUID
    created_at: datetime
