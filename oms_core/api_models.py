"""The engine's API models: one definition, shared by server and client.

Money is an integer amount of minor units with an ISO 4217 currency; time is
aware UTC. Every model refuses unknown fields so that a typo in a request is
an error, not a silently ignored value.
"""

from __future__ import annotations

import enum
import re
import uuid
from datetime import date, datetime
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
    DEVICE_UNAUTHORIZED = "device_unauthorized"
    RATE_LIMITED = "rate_limited"
    INVALID_TRANSITION = "invalid_transition"
    INVALID_RULE_SET = "invalid_rule_set"
    INVALID_OPENING_HOURS = "invalid_opening_hours"
    HOLD_NOT_ACTIVE = "hold_not_active"
    QUOTE_UNKNOWN = "quote_unknown"
    TASK_UNAVAILABLE = "task_unavailable"
    NOTHING_TO_CANCEL = "nothing_to_cancel"
    NOTHING_TO_RETURN = "nothing_to_return"
    REFUND_EXCEEDS_CAPTURE = "refund_exceeds_capture"
    CAPTURE_EXCEEDS_ORDER = "capture_exceeds_order"
    PAYMENT_PLAN_INVALID = "payment_plan_invalid"
    PROVIDER_UNAVAILABLE = "provider_unavailable"
    APPROVAL_INVALID = "approval_invalid"
    REFERENCE_AMBIGUOUS = "reference_ambiguous"
    SLOT_UNAVAILABLE = "slot_unavailable"
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


class LocationState(enum.StrEnum):
    """Open (sells and fulfils), dark (fulfilment only) or closed (offline)."""

    OPEN = "open"
    DARK = "dark"
    CLOSED = "closed"


class Capability(enum.StrEnum):
    """What a location can do for an order."""

    SHIP_FROM = "ship_from"
    CLICK_COLLECT = "click_collect"
    CURBSIDE = "curbside"
    RECEIVE_FOR_COLLECTION = "receive_for_collection"
    SAME_DAY = "same_day"


class Location(ApiModel):
    """A place that sells, holds or hands over stock.

    ``opening_hours`` is the OpenStreetMap string, in the location's own
    ``timezone``; ``load_today`` counts orders sourced from it today (its
    local day) against ``daily_capacity`` (None: no limit).
    """

    id: str
    name: str
    kind: LocationKind
    lat: float
    lon: float
    postcode: str | None = None
    size_class: int | None = None
    timezone: str = "Europe/London"
    state: LocationState = LocationState.OPEN
    capabilities: list[Capability] = Field(default_factory=list)
    opening_hours: str | None = None
    daily_capacity: int | None = None
    load_today: int | None = None
    open_now: bool | None = None
    country: str | None = None


# -- stock -----------------------------------------------------------------


class StockLevel(ApiModel):
    """Available-to-promise of one SKU at one location."""

    location_id: str
    name: str
    kind: LocationKind
    distance_km: float | None = None
    atp: int = Field(ge=0)
    confirmed_at: datetime | None = None
    in_transit: int = Field(default=0, ge=0)
    in_transit_eta: datetime | None = None


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


class ShownPromise(ApiModel):
    """The promise a device showed for a line, from its stock snapshot.

    Sent with orders taken while the engine was out of reach. Advisory:
    the engine sources the line itself; the promise says what the customer
    was told, so a line the engine can no longer keep can be followed up.
    """

    location_id: LocationId
    earliest_date: date | None = None
    atp_seen: int = Field(ge=0, le=10**9)
    as_of: datetime

    @field_validator("as_of")
    @classmethod
    def _aware(cls, value: datetime) -> datetime:
        if value.utcoffset() is None:
            raise ValueError("as_of must carry a time zone")
        return value


class OrderLineRequest(ApiModel):
    sku: Sku
    quantity: int = Field(ge=1, le=MAX_LINE_QUANTITY)
    fulfilment: Fulfilment
    promise: ShownPromise | None = None


MAX_ORDER_NOTES = 500
MAX_ORDER_APPROVALS = 20
# Free text for people: printable characters, new lines and tabs only.
_NOTES_FORBIDDEN = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


class PaymentChoice(enum.StrEnum):
    """How a phone (or kiosk) customer pays; it sets the order's payment plan."""

    CARD_NOT_PRESENT = "card_not_present"
    ON_CONFIRMATION = "on_confirmation"


def clean_notes(value: str | None) -> str | None:
    """Notes stripped of surrounding space (``None`` when empty) or ``ValueError``."""
    if value is None:
        return None
    if _NOTES_FORBIDDEN.search(value):
        raise ValueError("notes may hold text, new lines and tabs only")
    return value.strip() or None


class OrderRequest(ApiModel):
    """What a device sends to create an order.

    The order id travels in the ``Idempotency-Key`` header, not in the body.
    ``approval_ids`` name supervisor approvals recorded on this order id at
    this store; the engine prices the order with them. ``notes`` are for the
    store's staff; ``payment_choice`` sets the order's payment plan.
    """

    selling_location_id: LocationId
    lines: list[OrderLineRequest] = Field(min_length=1, max_length=MAX_ORDER_LINES)
    customer: CustomerDetails | None = None
    placed_at: datetime | None = None
    # A quote to honour and a basket hold to consume (see /v1/quotes, /v1/holds).
    quote_id: uuid.UUID | None = None
    hold_id: uuid.UUID | None = None
    channel: str | None = Field(default=None, pattern=r"^[a-z][a-z0-9_-]{0,31}$")
    approval_ids: list[uuid.UUID] = Field(
        default_factory=list, max_length=MAX_ORDER_APPROVALS
    )
    notes: Annotated[str | None, AfterValidator(clean_notes)] = Field(
        default=None, max_length=MAX_ORDER_NOTES, repr=False
    )
    payment_choice: PaymentChoice | None = None

    @field_validator("placed_at")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.utcoffset() is None:
            raise ValueError("placed_at must carry a time zone")
        return value

    @field_validator("approval_ids")
    @classmethod
    def _distinct(cls, value: list[uuid.UUID]) -> list[uuid.UUID]:
        if len(set(value)) != len(value):
            raise ValueError("an approval is named once")
        return value


class OrderStatus(enum.StrEnum):
    CREATED = "created"
    CANCELLED = "cancelled"
    COMPLETED = "completed"


class SourcingMethod(enum.StrEnum):
    """How units reach the customer: shipped, collected, or moved to collect."""

    SHIP = "ship"
    COLLECT = "collect"
    TRANSFER = "transfer"


class Allocation(ApiModel):
    """Units of one line that one location provides, and when."""

    location_id: str
    name: str | None = None
    quantity: int = Field(ge=1)
    method: SourcingMethod
    earliest_date: date | None = None
    distance_km: float | None = None


class LineExceptionReason(enum.StrEnum):
    """Why a line taken offline could not be kept as the device promised."""

    UNAVAILABLE = "unavailable"  # the network has none of it now
    PARTIAL = "partial"  # only some of the units
    LATER = "later"  # all of it, but later than the date shown
    OTHER_PLACE = "other_place"  # not on the collection store's shelf now


class LineExceptionStatus(enum.StrEnum):
    OPEN = "open"
    RESOLVED = "resolved"
    CANCELLED = "cancelled"


class ExceptionResolution(enum.StrEnum):
    """How a store resolves a line exception (see ``LineException.options``)."""

    RESOURCE = "resource"  # reserve the missing units now (stock arrived)
    ACCEPT = "accept"  # the customer takes what can be done now
    CANCEL_LINE = "cancel_line"  # drop the line; what was taken is refunded


class LineException(ApiModel):
    """A line accepted although the promise shown for it can no longer be kept.

    ``promised`` is what the device showed; ``reserved``, ``missing``,
    ``earliest_date`` and ``location_id`` are what the engine can do now.
    Nothing is reserved for the missing units; they stay priced and owed
    until the store resolves the exception through its task.
    """

    line_no: int
    reason: LineExceptionReason
    status: LineExceptionStatus
    promised: ShownPromise
    reserved: int = Field(ge=0)
    missing: int = Field(ge=0)
    earliest_date: date | None = None
    location_id: str | None = None
    message: str
    task_id: uuid.UUID | None = None
    options: list[ExceptionResolution] = Field(default_factory=list)
    resolution: ExceptionResolution | None = None


class OrderLine(ApiModel):
    sku: str
    name: str
    quantity: int
    unit_price: Money
    line_total: Money
    fulfilment: Fulfilment
    # The location providing most of the line; all of them in allocations.
    source_location_id: str
    allocations: list[Allocation] = Field(default_factory=list)
    # Set when an approval changed the line: the catalogue's unit price and
    # the line's share of the order's discounts (``line_total`` is net).
    list_price: Money | None = None
    discount: Money | None = None
    # Set when the promise shown offline could not be kept (see LineException).
    exception: LineException | None = Field(
        default=None,
        description="The line of an order taken offline whose shown promise "
        "could not be kept: what was promised, what can be done now, its task.",
    )


class Order(ApiModel):
    """An order as the engine holds it."""

    id: uuid.UUID
    status: OrderStatus
    selling_location_id: str
    lines: list[OrderLine]
    total: Money
    created_at: datetime
    # Why a quote or a hold named in the request was not honoured.
    sourcing_note: str | None = None
    # The receipt's reference (``OA-`` and eight hex digits), the notes for
    # the store, the payment choice, and the total before approvals when
    # approvals changed it.
    reference: str | None = None
    notes: str | None = Field(default=None, repr=False)
    payment_choice: PaymentChoice | None = None
    list_total: Money | None = None


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
    # The store it is given at; an order only uses approvals of its store.
    location_id: LocationId | None = None


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
    location_id: str | None = None
    expires_at: datetime | None = None
    used_by_order_id: uuid.UUID | None = None


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


# -- order process, store tasks, payments, events ---------------------------

StaffRef = Annotated[str, Field(pattern=r"^[A-Za-z0-9._-]{1,64}$")]
EventName = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,63}$")]


class TaskStatus(enum.StrEnum):
    OPEN = "open"
    CLAIMED = "claimed"
    DONE = "done"
    CANCELLED = "cancelled"


class TaskLine(ApiModel):
    """Part of an order line a task handles; ``seq`` names it in answers."""

    seq: int
    sku: str
    quantity: int


class StoreTask(ApiModel):
    """A task for staff at one location: pick, pack, hand over, ..."""

    id: uuid.UUID
    order_id: uuid.UUID
    kind: str
    location_id: str
    status: TaskStatus
    claimed_by: str | None = None
    lines: list[TaskLine]
    created_at: datetime
    # The order's shipment group whose process made the task.
    group: int = 0
    # The order's notes for the store (a phone order's instructions).
    notes: str | None = Field(default=None, repr=False)
    # A ``line_exception`` task: the line, what went wrong, the options.
    exception: LineException | None = Field(
        default=None,
        description="For a line_exception task: the broken promise and the "
        "resolutions it may be completed with.",
    )


class ClaimTaskRequest(ApiModel):
    staff: StaffRef


class FoundLine(ApiModel):
    """How many of a task line were found (a short pick finds fewer)."""

    seq: int = Field(ge=0, le=10_000)
    found: int = Field(ge=0, le=MAX_LINE_QUANTITY)


class CompleteTaskRequest(ApiModel):
    staff: StaffRef
    found: list[FoundLine] = Field(default_factory=list, max_length=MAX_ORDER_LINES)
    # Required for a ``line_exception`` task: one of the exception's options.
    resolution: ExceptionResolution | None = Field(
        default=None,
        description="Required to complete a line_exception task: one of the "
        "options on its exception; refused on any other task.",
    )

    @field_validator("found")
    @classmethod
    def _one_count_per_line(cls, value: list[FoundLine]) -> list[FoundLine]:
        seqs = [line.seq for line in value]
        if len(set(seqs)) != len(seqs):
            raise ValueError("each task line (seq) is counted at most once")
        return value


class LineQuantity(ApiModel):
    line_no: int = Field(ge=0, lt=MAX_ORDER_LINES)
    quantity: int = Field(ge=1, le=MAX_LINE_QUANTITY)


class CancelRequest(ApiModel):
    """Cancel the whole order (``lines`` absent) or some of its lines."""

    lines: list[LineQuantity] | None = Field(default=None, max_length=MAX_ORDER_LINES)
    reason: str | None = Field(default=None, max_length=200)


class ReturnRequest(ApiModel):
    """Goods brought back to ``location_id`` (any store)."""

    location_id: LocationId
    lines: list[LineQuantity] = Field(min_length=1, max_length=MAX_ORDER_LINES)


class ProcessEventRequest(ApiModel):
    """An outside event for an order's process (``arrived``, ``delivered``).

    ``group`` names the shipment group; without it the event goes to the
    only group that accepts it.
    """

    event: EventName
    group: int | None = Field(default=None, ge=0, lt=MAX_ORDER_LINES)


class SwitchProcessRequest(ApiModel):
    """Run an order on another process before it is released (``curbside``)."""

    process: EventName
    group: int = Field(default=0, ge=0, lt=MAX_ORDER_LINES)


class ProcessView(ApiModel):
    """Where an order is in its process."""

    order_id: uuid.UUID
    process: str
    version: int
    state: str
    state_title: str
    final: bool
    allowed_events: list[str]
    # The shipment group this process runs, its order lines, and how many
    # groups the order has (one process each).
    group: int = 0
    groups: int = 1
    lines: list[int] = Field(default_factory=list)
    collection_location_id: str | None = None


class Tender(enum.StrEnum):
    CARD = "card"
    CASH = "cash"
    GIFT_CARD = "gift_card"
    STORE_CREDIT = "store_credit"


class PlanKind(enum.StrEnum):
    FULL = "full"
    SPLIT = "split"
    DEPOSIT = "deposit"
    AUTHORISE_CAPTURE = "authorise_capture"
    ON_CONFIRMATION = "on_confirmation"


class TenderShare(ApiModel):
    tender: Tender
    weight: int = Field(default=1, ge=1, le=10_000)


class DepositRule(ApiModel):
    """A deposit: a percentage or a fixed amount, and an optional minimum."""

    percent: int | None = Field(default=None, ge=1, le=100)
    fixed: Money | None = None
    minimum: Money | None = None


class PaymentPlanRequest(ApiModel):
    kind: PlanKind
    tenders: list[TenderShare] = Field(
        default_factory=lambda: [TenderShare(tender=Tender.CARD)],
        min_length=1,
        max_length=8,
    )
    deposit: DepositRule | None = None


class TenderDue(ApiModel):
    """One tender's share; ``rounding`` is the cash rounding it absorbed."""

    tender: Tender
    amount: Money
    rounding: Money


class PaymentPlan(ApiModel):
    kind: PlanKind
    total: Money
    due_now: Money
    due_later: Money
    tenders: list[TenderDue]


class PaymentOperation(enum.StrEnum):
    AUTHORISE = "authorise"
    CAPTURE = "capture"
    REFUND = "refund"
    RELEASE = "release"


class PaymentAnswer(ApiModel):
    """A provider's answer (a terminal slip, a gateway call-back)."""

    provider: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,31}$")]
    reference: str = Field(min_length=1, max_length=128)
    operation: PaymentOperation
    tender: Tender = Tender.CARD
    amount: Money
    approved: bool = True


class PaymentRecord(ApiModel):
    provider: str
    reference: str
    operation: PaymentOperation
    tender: Tender
    amount: Money
    outcome: str
    created_at: datetime


class PendingPayment(ApiModel):
    """A request the engine made of a provider that has no answer yet.

    It is asked again (same ``reference``) after a time-out or a restart,
    until the provider answers.
    """

    provider: str
    reference: str
    operation: PaymentOperation
    amount: Money
    attempts: int = 0
    next_attempt_at: datetime | None = None
    requested_at: datetime


class PaymentSummary(ApiModel):
    plan: PaymentPlan | None = None
    authorised: Money
    captured: Money
    refunded: Money
    released: Money
    records: list[PaymentRecord]
    # Requests to a provider still waiting for an answer.
    pending: list[PendingPayment] = Field(default_factory=list)


class RefundRequest(ApiModel):
    amount: Money
    provider: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,31}$")] = (
        "external_terminal"
    )


class Invoice(ApiModel):
    """The final invoice: the total, what was paid before, the balance."""

    id: int
    total: Money
    credited: Money
    balance: Money
    issued_at: datetime


class OrderEvent(ApiModel):
    """One outbox event; ``order_seq`` is its number within its order.

    ``position`` is the cursor of ``GET /v1/events?after=``: given once
    the event has committed, so a reader never passes an event that
    commits late (None in an order's timeline until it is given). ``id``
    identifies the event (receivers de-duplicate by it).
    """

    id: int
    order_id: uuid.UUID | None = None
    order_seq: int | None = None
    kind: str
    payload: dict[str, object]
    created_at: datetime
    position: int | None = None


class CollectionSlot(ApiModel):
    """A collection slot at a store, in UTC and in the store's own zone.

    ``local_start``/``local_end`` carry the zone's offset, so the hour a
    clock change repeats shows twice with two offsets. ``available`` is
    False when the slot is full or starts before the lead time.
    """

    starts_at: datetime
    ends_at: datetime
    local_start: datetime
    local_end: datetime
    timezone: str
    capacity: int = Field(ge=0)
    booked: int = Field(ge=0)
    available: bool


class CollectionSlotRequest(ApiModel):
    """Book the slot starting at ``starts_at`` (any offset) for a collect order.

    ``location_id`` is needed only when the order collects at several stores.
    """

    starts_at: datetime
    location_id: LocationId | None = None

    @field_validator("starts_at")
    @classmethod
    def _aware(cls, value: datetime) -> datetime:
        if value.utcoffset() is None:
            raise ValueError("starts_at must carry a time zone")
        return value


class CollectionBooking(ApiModel):
    """The slot an order will be collected in."""

    order_id: uuid.UUID
    location_id: str
    slot: CollectionSlot
    booked_at: datetime


class OrderTracking(ApiModel):
    """An order with where it is, its timeline and its payments."""

    order: Order
    process: ProcessView | None = None
    timeline: list[OrderEvent]
    payments: PaymentSummary
    # The collection slot booked, if any (PUT /v1/orders/{id}/collection-slot).
    collection: CollectionBooking | None = None
    # Every shipment group's process; ``process`` is the first still running.
    groups: list[ProcessView] = Field(default_factory=list)


class WebhookRequest(ApiModel):
    url: str = Field(min_length=8, max_length=500, pattern=r"^https?://[^\s]+$")
    secret: str = Field(min_length=16, max_length=128, repr=False)
    after: int = Field(default=0, ge=0)


class Webhook(ApiModel):
    id: int
    url: str
    cursor: int
    attempts: int
    next_attempt_at: datetime | None = None
    last_error: str | None = None


# Event ids are 64-bit signed integers in every database the engine runs on.
MAX_EVENT_CURSOR = 2**63 - 1


class ReplayRequest(ApiModel):
    after: int = Field(ge=0, le=MAX_EVENT_CURSOR)


# -- inventory network: states, adjustments, buffers, sourcing, holds --------

RULE_SCOPE_PATTERN = (
    r"^(default|[a-z0-9][a-z0-9-]{0,63}|channel:[a-z][a-z0-9_-]{0,31})$"
)
MAX_RULE_LIST = 500


class LocationStateChange(ApiModel):
    """Switch a location to open, dark (fulfilment only) or closed (offline)."""

    state: LocationState
    reason: str = Field(default="", max_length=200)


class LocationStateResult(ApiModel):
    """The location after the change, and what happened to its open orders."""

    location: Location
    previous_state: LocationState
    resourced_lines: int = 0
    unsourced_lines: int = 0


class OpeningHoursChange(ApiModel):
    """New opening hours, an OpenStreetMap ``opening_hours`` string."""

    opening_hours: str = Field(min_length=1, max_length=255)


class AdjustmentKind(enum.StrEnum):
    """Why stock changed: goods in, a count, a move, a sale at the till, damage."""

    RECEIPT = "receipt"
    COUNT = "count"
    TRANSFER = "transfer"
    SALE = "sale"
    DAMAGE = "damage"


class StockAdjustmentRequest(ApiModel):
    """One stock change at one location.

    ``count`` sets on-hand to ``quantity`` (zero allowed); the others move
    ``quantity`` units. A ``transfer`` sends units to ``to_location_id``
    where they are in transit until ``eta``; a ``receipt`` with
    ``from_transit`` books units that were in transit.
    """

    location_id: LocationId
    kind: AdjustmentKind
    quantity: int = Field(ge=0, le=1_000_000)
    to_location_id: LocationId | None = None
    eta: datetime | None = None
    from_transit: bool = False
    reason: str = Field(default="", max_length=200)

    @field_validator("eta")
    @classmethod
    def _aware_eta(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.utcoffset() is None:
            raise ValueError("eta must carry a time zone")
        return value


class StockRecord(ApiModel):
    """Everything the pool knows of one SKU at one location."""

    sku: str
    location_id: str
    on_hand: int
    reserved: int
    buffer: int
    atp: int = Field(ge=0)
    in_transit: int = 0
    in_transit_eta: datetime | None = None
    confirmed_at: datetime | None = None


class NetworkStock(ApiModel):
    """One SKU across the whole pool (closed locations left out)."""

    sku: str
    atp: int = Field(ge=0)
    on_hand: int
    reserved: int
    in_transit: int
    locations: int


class BufferRuleRequest(ApiModel):
    """A safety buffer for a location, an item, or an item at a location.

    The most specific rule wins: item at location, then item, then location.
    """

    location_id: LocationId | None = None
    sku: Sku | None = None
    units: int = Field(ge=0, le=100_000)


class BufferRule(ApiModel):
    location_id: str | None
    sku: str | None
    units: int
    updated_at: datetime
    stock_rows_updated: int = 0


class RankingKey(enum.StrEnum):
    """What orders candidate locations, in the rule set's order."""

    DISTANCE = "distance"
    COST = "cost"
    PRIORITY = "priority"
    STOCK = "stock"


class SourcingRules(ApiModel):
    """A retailer's sourcing rules, as data (JSON or YAML).

    Which kinds and locations may fulfil, how candidates are ranked, how far
    they may be, whether one shipment for the whole order comes first,
    whether a line may be split, and the costs that break ties.
    """

    name: str = Field(min_length=1, max_length=80)
    allowed_kinds: list[LocationKind] = Field(
        default_factory=lambda: [
            LocationKind.STORE,
            LocationKind.DISTRIBUTION_CENTRE,
            LocationKind.WAREHOUSE,
            LocationKind.DARK_STORE,
            LocationKind.SUPPLIER,
        ],
        min_length=1,
    )
    excluded_locations: list[LocationId] = Field(
        default_factory=list, max_length=MAX_RULE_LIST
    )
    ranking: list[RankingKey] = Field(
        default_factory=lambda: [RankingKey.DISTANCE, RankingKey.COST],
        min_length=1,
        max_length=4,
    )
    location_priority: dict[str, int] = Field(default_factory=dict)
    max_distance_km: float | None = Field(default=None, gt=0, le=20_100)
    prefer_fewest_shipments: bool = True
    allow_split_lines: bool = False
    max_shipments: int | None = Field(default=None, ge=1, le=50)
    respect_capacity: bool = True
    respect_opening_hours: bool = True
    collect_by_transfer: bool = False
    cost_per_kind: dict[LocationKind, int] = Field(default_factory=dict)
    lead_days: dict[LocationKind, int] = Field(default_factory=dict)
    transfer_days: int = Field(default=2, ge=0, le=60)
    candidate_limit: int = Field(default=25, ge=1, le=500)
    # How long a basket hold lasts, in minutes, by where it was made.
    hold_minutes: dict[str, int] = Field(
        default_factory=lambda: {"kiosk": 15, "till": 60, "phone": 1440}
    )

    @field_validator("location_priority")
    @classmethod
    def _priority_ids(cls, value: dict[str, int]) -> dict[str, int]:
        if len(value) > MAX_RULE_LIST:
            raise ValueError(f"at most {MAX_RULE_LIST} location priorities")
        for location_id in value:
            if not re.match(LOCATION_ID_PATTERN, location_id):
                raise ValueError(f"not a location id: {location_id!r}")
        return value

    @field_validator("hold_minutes")
    @classmethod
    def _hold_minutes(cls, value: dict[str, int]) -> dict[str, int]:
        for channel, minutes in value.items():
            if channel not in ("kiosk", "till", "phone"):
                raise ValueError(f"not a hold channel: {channel!r}")
            if not 1 <= minutes <= 7 * 24 * 60:
                raise ValueError("a hold lasts between 1 minute and 7 days")
        return value

    @field_validator("cost_per_kind", "lead_days")
    @classmethod
    def _not_negative(cls, value: dict[LocationKind, int]) -> dict[LocationKind, int]:
        if any(amount < 0 or amount > 10**9 for amount in value.values()):
            raise ValueError("values must be between 0 and 10^9")
        return value


class RuleSet(ApiModel):
    """A stored version of a rule set for a scope."""

    scope: str
    version: int
    digest: str
    created_at: datetime
    rules: SourcingRules


class QuoteRequest(ApiModel):
    """Lines to source without reserving; ``explain`` names locations whose
    fate the trace must show even when they were not near enough to be asked.
    """

    selling_location_id: LocationId
    lines: list[OrderLineRequest] = Field(min_length=1, max_length=MAX_ORDER_LINES)
    channel: str | None = Field(default=None, pattern=r"^[a-z][a-z0-9_-]{0,31}$")
    explain: list[LocationId] = Field(default_factory=list, max_length=20)


class TraceDecision(enum.StrEnum):
    TAKEN = "taken"
    PASSED_OVER = "passed_over"
    REFUSED = "refused"


class TraceEntry(ApiModel):
    """Why one candidate location was taken, passed over or refused.

    ``line`` is None for a refusal that holds for the whole order (closed,
    too far, wrong kind, at capacity).
    """

    line: int | None
    location_id: str
    name: str
    kind: LocationKind
    decision: TraceDecision
    reason: str
    distance_km: float | None = None
    atp: int | None = None


class QuoteLine(ApiModel):
    line: int
    sku: str
    quantity: int
    allocations: list[Allocation]
    fulfillable: bool
    reason: str | None = None


class Quote(ApiModel):
    """Where each line would come from, how and when; nothing is reserved."""

    id: uuid.UUID
    created_at: datetime
    expires_at: datetime
    rule_scope: str
    rule_version: int
    lines: list[QuoteLine]
    shipments: int
    trace: list[TraceEntry]


class HoldChannel(enum.StrEnum):
    """Where a basket hold was made; it decides how long the hold lasts."""

    KIOSK = "kiosk"
    TILL = "till"
    PHONE = "phone"


class HoldLineRequest(ApiModel):
    sku: Sku
    quantity: int = Field(ge=1, le=MAX_LINE_QUANTITY)
    fulfilment: Fulfilment


class HoldRequest(ApiModel):
    """Reserve a basket's lines for a while, before the order is placed."""

    selling_location_id: LocationId
    channel: HoldChannel
    lines: list[HoldLineRequest] = Field(min_length=1, max_length=MAX_ORDER_LINES)


class HoldStatus(enum.StrEnum):
    ACTIVE = "active"
    CONSUMED = "consumed"
    RELEASED = "released"
    EXPIRED = "expired"


class HoldLine(ApiModel):
    line: int
    sku: str
    quantity: int
    allocations: list[Allocation]


class Hold(ApiModel):
    """A basket hold: stock reserved until ``expires_at`` or an order."""

    id: uuid.UUID
    selling_location_id: str
    channel: HoldChannel
    status: HoldStatus
    created_at: datetime
    expires_at: datetime
    lines: list[HoldLine]
    order_id: uuid.UUID | None = None
