"""The async client of the order engine's HTTP API.

One typed call per endpoint, answering the shared API models. The same
client talks to the engine bundled in the app (in process, through its ASGI
app, no port) or to a remote engine over HTTP.

Idempotent GETs are retried a few times with back-off and jitter when the
engine is out of reach. Creating an order is never retried here: the
device outbox owns that, with the order id as the idempotency key.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import random
import re
import time
import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Self
from urllib.parse import quote

import httpx

from oms_client.clock_skew import ClockSkew
from oms_client.errors import OmsProtocolError, OmsUnreachable
from oms_client.process_calls import ProcessCalls
from oms_client.transport import parse_list, parse_model, raise_for_answer
from oms_core.api_models import (
    LOCATION_ID_PATTERN,
    SKU_PATTERN,
    Approval,
    ApprovalRequest,
    Customer,
    CustomerRequest,
    Location,
    Order,
    OrderRequest,
    ParkedBasket,
    ParkRequest,
    Product,
    Quote,
    QuoteRequest,
    RecallRequest,
    SignInRequest,
    StaffMember,
    StockLevel,
    normalise_uk_postcode,
)

logger = logging.getLogger(__name__)

DEFAULT_TIMEOUT = httpx.Timeout(5.0, connect=2.0, pool=2.0)
IN_PROCESS_BASE_URL = "http://oms.in-process"
MAX_QUERY_LENGTH = 100
MAX_LIMIT = 100
MAX_NEARBY_LIMIT = 50

_SKU = re.compile(SKU_PATTERN)
_LOCATION_ID = re.compile(LOCATION_ID_PATTERN)
_TOKEN = re.compile(r"^[\x21-\x7e]{1,4096}$")


@dataclass(frozen=True)
class RetryPolicy:
    """How idempotent GETs are retried when the engine is out of reach.

    ``attempts`` counts the first try. A ``Retry-After`` longer than
    ``max_wait`` is not waited for: the error goes to the caller at once.
    """

    attempts: int = 3
    base_delay: float = 0.2
    max_delay: float = 2.0
    max_wait: float = 5.0


class OmsClient(ProcessCalls):
    """Typed async calls to the order engine.

    Build it with :meth:`in_process` or :meth:`remote`; close it with
    :meth:`aclose` or ``async with``.
    """

    def __init__(
        self,
        http: httpx.AsyncClient,
        *,
        retry: RetryPolicy | None = None,
        rng: random.Random | None = None,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self._http = http
        self._retry = retry or RetryPolicy()
        self._rng = rng or random.Random()
        self._sleep = sleep
        self._skew = ClockSkew(clock or (lambda: datetime.now(UTC)))

    @property
    def clock_skew(self) -> timedelta | None:
        """Device clock minus the engine's, from the last answer's ``Date``.

        ``None`` until an answer carried a date. The engine's time decides
        business dates and promises; this is for the app to warn.
        """
        return self._skew.skew

    @property
    def clock_is_off(self) -> bool:
        """Whether :attr:`clock_skew` is past the warning threshold."""
        return self._skew.is_off

    def add_clock_skew_listener(self, listener: Callable[[timedelta], None]) -> None:
        """Call ``listener(skew)`` when the clock goes off or comes back."""
        self._skew.listeners.append(listener)

    @classmethod
    def in_process(
        cls,
        app: Any,
        *,
        token: str | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        **options: Any,
    ) -> Self:
        """A client of an engine running in this process (its ASGI app).

        An exception inside the engine comes back as a 500 answer.
        """
        transport = transport or httpx.ASGITransport(
            app=app, raise_app_exceptions=False
        )
        http = httpx.AsyncClient(
            transport=transport,
            base_url=IN_PROCESS_BASE_URL,
            headers=_auth_headers(token),
            timeout=DEFAULT_TIMEOUT,
            follow_redirects=False,
        )
        return cls(http, **options)

    @classmethod
    def remote(
        cls,
        base_url: str,
        *,
        token: str | None = None,
        timeout: httpx.Timeout | float = DEFAULT_TIMEOUT,
        transport: httpx.AsyncBaseTransport | None = None,
        **options: Any,
    ) -> Self:
        """A client of an engine served at ``base_url`` (http or https).

        The device token is sent as a bearer token; it is refused over
        plain HTTP unless the engine is on this machine.
        """
        url = _checked_base_url(base_url, with_token=token is not None)
        http = httpx.AsyncClient(
            transport=transport,
            base_url=url,
            headers=_auth_headers(token),
            timeout=timeout,
            follow_redirects=False,
        )
        return cls(http, **options)

    async def aclose(self) -> None:
        """Close the connections."""
        await self._http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    # -- catalogue ----------------------------------------------------------

    async def search_products(self, q: str, limit: int = 20) -> list[Product]:
        """Products matching ``q`` (name or SKU)."""
        if not isinstance(q, str) or len(q) > MAX_QUERY_LENGTH:
            raise ValueError(f"a search is text of at most {MAX_QUERY_LENGTH}")
        params = {"q": q, "limit": _limit(limit)}
        response = await self._get("/v1/products", params=params)
        return parse_list(response, Product, "product search")

    async def get_product(self, sku: str) -> Product:
        """One product; :class:`OmsNotFound` if the SKU is unknown."""
        response = await self._get(f"/v1/products/{_sku(sku)}")
        return parse_model(response, Product, "product")

    # -- locations ----------------------------------------------------------

    async def list_locations(self) -> list[Location]:
        """Every location of the network."""
        response = await self._get("/v1/locations")
        return parse_list(response, Location, "location list")

    async def get_location(self, location_id: str) -> Location:
        """One location; :class:`OmsNotFound` if the id is unknown."""
        response = await self._get(f"/v1/locations/{_location_id(location_id)}")
        return parse_model(response, Location, "location")

    # -- stock --------------------------------------------------------------

    async def stock_at(self, sku: str, location_id: str) -> list[StockLevel]:
        """Available-to-promise of ``sku`` at one location."""
        params = {"location": _location_id(location_id)}
        response = await self._get(f"/v1/stock/{_sku(sku)}", params=params)
        return parse_list(response, StockLevel, "stock")

    async def stock_nearby(
        self,
        sku: str,
        *,
        lat: float | None = None,
        lon: float | None = None,
        postcode: str | None = None,
        limit: int = 10,
    ) -> list[StockLevel]:
        """Stock of ``sku`` nearest a point or a UK postcode, nearest first.

        Give either ``lat`` and ``lon`` or ``postcode``.
        """
        params: dict[str, Any] = {"limit": _limit(limit, MAX_NEARBY_LIMIT)}
        if postcode is not None:
            if lat is not None or lon is not None:
                raise ValueError("give either a postcode or lat and lon, not both")
            params["postcode"] = normalise_uk_postcode(postcode)
        elif lat is not None and lon is not None:
            params["lat"], params["lon"] = _coordinates(lat, lon)
        else:
            raise ValueError("give either a postcode or both lat and lon")

        response = await self._get(f"/v1/stock/{_sku(sku)}/nearby", params=params)
        return parse_list(response, StockLevel, "nearby stock")

    # -- orders -------------------------------------------------------------

    async def create_order(self, order_id: uuid.UUID, request: OrderRequest) -> Order:
        """Create an order under ``order_id`` (its idempotency key).

        Sent once, never retried here: a repeat with the same id returns
        the engine's first answer, so the outbox may resend safely.
        """
        if not isinstance(order_id, uuid.UUID):
            raise ValueError(f"an order id is a UUID: {order_id!r}")
        if not isinstance(request, OrderRequest):
            raise ValueError("create_order needs an OrderRequest")

        response = await self._send_once(
            "POST",
            "/v1/orders",
            json=request.model_dump(mode="json"),
            headers={"Idempotency-Key": str(order_id)},
        )
        order = parse_model(response, Order, "order creation")
        if order.id != order_id:
            raise OmsProtocolError(
                "order creation answered an order with another id",
                status=response.status_code,
            )
        return order

    async def quote(self, request: QuoteRequest) -> Quote:
        """Where each line would come from and when, with the trace.

        Nothing is reserved, so a lost answer may simply be asked again.
        """
        if not isinstance(request, QuoteRequest):
            raise ValueError("quote needs a QuoteRequest")
        response = await self._send_once(
            "POST", "/v1/quotes", json=request.model_dump(mode="json")
        )
        return parse_model(response, Quote, "quote")

    async def get_order(self, order_id: uuid.UUID) -> Order:
        """One order; :class:`OmsNotFound` if the engine has none."""
        if not isinstance(order_id, uuid.UUID):
            raise ValueError(f"an order id is a UUID: {order_id!r}")
        response = await self._get(f"/v1/orders/{order_id}")
        return parse_model(response, Order, "order")

    async def find_order_by_reference(self, reference: str) -> Order:
        """The order a receipt's ``OA-`` reference names.

        :class:`OmsNotFound` when none does; :class:`OmsRejected` with
        ``reference_ambiguous`` when more than one order starts so.
        """
        text = reference.strip().upper()
        if not 4 <= len(text) <= 16 or not text.replace("-", "").isalnum():
            raise ValueError(f"not a receipt reference: {reference!r}")
        response = await self._get(f"/v1/orders/by-reference/{text}")
        return parse_model(response, Order, "order")

    async def list_orders(self, location_id: str) -> list[Order]:
        """Orders sold at ``location_id``."""
        params = {"location": _location_id(location_id)}
        response = await self._get("/v1/orders", params=params)
        return parse_list(response, Order, "order list")

    # -- staff, approvals, parked baskets, customers ---------------------------

    async def sign_in(self, staff_number: str, pin: str) -> StaffMember:
        """The person behind a staff number and PIN; never retried.

        A wrong PIN is :class:`OmsRejected` (401); a locked number too (423).
        """
        request = SignInRequest(staff_number=staff_number, pin=pin)
        response = await self._send_once(
            "POST", "/v1/staff/sign-in", json=request.model_dump(mode="json")
        )
        return parse_model(response, StaffMember, "sign-in")

    async def record_approval(
        self, order_id: uuid.UUID, request: ApprovalRequest
    ) -> Approval:
        """Record a supervisor's approval on ``order_id`` (checked by the engine)."""
        if not isinstance(order_id, uuid.UUID):
            raise ValueError(f"an order id is a UUID: {order_id!r}")
        response = await self._send_once(
            "POST",
            f"/v1/orders/{order_id}/approvals",
            json=request.model_dump(mode="json"),
        )
        return parse_model(response, Approval, "approval")

    async def list_approvals(self, order_id: uuid.UUID) -> list[Approval]:
        """The approvals recorded on ``order_id``."""
        if not isinstance(order_id, uuid.UUID):
            raise ValueError(f"an order id is a UUID: {order_id!r}")
        response = await self._get(f"/v1/orders/{order_id}/approvals")
        return parse_list(response, Approval, "approval list")

    async def park_basket(self, request: ParkRequest) -> ParkedBasket:
        """Park a basket at a store; the answer carries its recall code."""
        response = await self._send_once(
            "POST", "/v1/parked-baskets", json=request.model_dump(mode="json")
        )
        return parse_model(response, ParkedBasket, "parked basket")

    async def list_parked_baskets(self, location_id: str) -> list[ParkedBasket]:
        """The store's parked baskets still waiting, newest first."""
        params = {"location": _location_id(location_id)}
        response = await self._get("/v1/parked-baskets", params=params)
        return parse_list(response, ParkedBasket, "parked baskets")

    async def recall_basket(self, request: RecallRequest) -> ParkedBasket:
        """Take a parked basket over; :class:`OmsConflict` if already taken."""
        response = await self._send_once(
            "POST", "/v1/parked-baskets/recall", json=request.model_dump(mode="json")
        )
        return parse_model(response, ParkedBasket, "recalled basket")

    async def find_customers(self, q: str) -> list[Customer]:
        """Customers by phone, e-mail, postcode or part of the name."""
        if not isinstance(q, str) or not 0 < len(q) <= MAX_QUERY_LENGTH:
            raise ValueError(f"a search is text of 1 to {MAX_QUERY_LENGTH}")
        response = await self._get("/v1/customers", params={"q": q})
        return parse_list(response, Customer, "customer search")

    async def create_customer(self, request: CustomerRequest) -> Customer:
        """Record a new customer (not retried: a repeat makes a second one)."""
        response = await self._send_once(
            "POST", "/v1/customers", json=request.model_dump(mode="json")
        )
        return parse_model(response, Customer, "customer")

    # -- plumbing -----------------------------------------------------------

    async def _get(
        self, path: str, *, params: Mapping[str, Any] | None = None
    ) -> httpx.Response:
        """A GET, retried with back-off while the engine is out of reach."""
        policy = self._retry
        for attempt in range(1, policy.attempts + 1):
            try:
                return await self._send_once("GET", path, params=params)
            except OmsUnreachable as exc:
                if attempt == policy.attempts:
                    raise
                wait = self._backoff(attempt, exc.retry_after)
                if wait is None:
                    raise

            logger.debug("retrying GET %s in %.2f s", path, wait)
            await self._sleep(wait)

        raise AssertionError("unreachable: the loop returns or raises")

    def _backoff(self, attempt: int, retry_after: float | None) -> float | None:
        """Full-jitter back-off, at least ``retry_after``; ``None``: give up."""
        policy = self._retry
        ceiling = min(policy.max_delay, policy.base_delay * 2 ** (attempt - 1))
        wait = self._rng.uniform(0, ceiling)
        if retry_after is not None:
            if retry_after > policy.max_wait:
                return None
            wait = max(wait, retry_after)
        return wait

    async def _send_once(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        headers: Mapping[str, str] | None = None,
    ) -> httpx.Response:
        """One request; transport failures and bad statuses become errors."""
        what = f"{method} {path}"
        started = time.perf_counter()
        try:
            response = await self._http.request(
                method, path, params=params, json=json, headers=headers
            )
        except httpx.TimeoutException as exc:
            logger.debug("%s %s -> time-out", method, path)
            raise OmsUnreachable(f"{what}: the engine did not answer in time") from exc
        except httpx.TransportError as exc:
            logger.debug("%s %s -> %s", method, path, type(exc).__name__)
            raise OmsUnreachable(
                f"{what}: the engine could not be reached ({type(exc).__name__})"
            ) from exc

        elapsed_ms = (time.perf_counter() - started) * 1000
        logger.debug(
            "%s %s -> %d in %.1f ms", method, path, response.status_code, elapsed_ms
        )
        self._skew.observe(response)
        raise_for_answer(response, what)
        return response


def _auth_headers(token: str | None) -> dict[str, str]:
    if token is None:
        return {}
    if not isinstance(token, str) or not _TOKEN.match(token):
        raise ValueError("a device token is 1 to 4096 printable ASCII characters")
    return {"Authorization": f"Bearer {token}"}


def _checked_base_url(base_url: str, *, with_token: bool) -> httpx.URL:
    try:
        url = httpx.URL(base_url)
    except (TypeError, httpx.InvalidURL) as exc:
        raise ValueError(f"not a valid engine URL: {base_url!r}") from exc

    if url.scheme not in ("http", "https") or not url.host:
        raise ValueError(f"the engine URL must be http(s)://host...: {base_url!r}")
    if with_token and url.scheme == "http" and not _is_loopback(url.host):
        raise ValueError(
            "refusing to send the device token over plain HTTP to another "
            "machine; use https"
        )
    return url


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _sku(value: str) -> str:
    if not isinstance(value, str) or not _SKU.match(value):
        raise ValueError(f"not a valid SKU: {value!r}")
    return quote(value, safe="")


def _location_id(value: str) -> str:
    if not isinstance(value, str) or not _LOCATION_ID.match(value):
        raise ValueError(f"not a valid location id: {value!r}")
    return value


def _limit(value: int, most: int = MAX_LIMIT) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"a limit is a whole number: {value!r}")
    if not 1 <= value <= most:
        raise ValueError(f"a limit is 1 to {most}: {value}")
    return value


def _coordinates(lat: float, lon: float) -> tuple[float, float]:
    for value in (lat, lon):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError(f"a coordinate is a number: {value!r}")
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise ValueError(f"coordinates out of range: {lat}, {lon}")
    return float(lat), float(lon)
