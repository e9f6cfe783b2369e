"""The product on a page that does not call the API, read from its markup.

``detector.js`` runs in the isolated world and returns JSON; everything in
it came from the page, so it is parsed here again with limits: bad values
are dropped, never trusted and never fatal.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from decimal import Decimal, InvalidOperation
from functools import cache
from importlib import resources
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field
from PySide6.QtWebEngineCore import QWebEnginePage, QWebEngineScript

from bridge.currency import currency_from_text, exponent_of

logger = logging.getLogger(__name__)

MAX_RESULT_CHARS = 64 * 1024
MAX_PRICE_MINOR = 10**13
AVAILABILITIES = (
    "InStock",
    "OutOfStock",
    "PreOrder",
    "PreSale",
    "BackOrder",
    "Discontinued",
    "LimitedAvailability",
    "OnlineOnly",
    "InStoreOnly",
    "SoldOut",
    "MadeToOrder",
    "Reserved",
)
_AVAILABILITY_BY_KEY = {value.lower(): value for value in AVAILABILITIES}
_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,63}$")
_GTIN = re.compile(r"^(?:\d{8}|\d{12,14})$")
_SPACES = re.compile(r"[\s\u00a0\u202f\u2009']")


class DetectedProduct(BaseModel):
    """A product read from a page's markup; every field may be missing."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: Annotated[str, Field(max_length=300)] | None = None
    sku: Annotated[str, Field(max_length=64)] | None = None
    gtin: Annotated[str, Field(pattern=r"^\d{8,14}$")] | None = None
    price: Annotated[int, Field(ge=0, le=MAX_PRICE_MINOR)] | None = None
    price_text: Annotated[str, Field(max_length=64)] | None = None
    currency: Annotated[str, Field(pattern=r"^[A-Z]{3}$")] | None = None
    availability: str | None = None
    offers_count: Annotated[int, Field(ge=0, le=100_000)] = 0
    sources: tuple[str, ...] = ()


def decimal_price(text: str) -> Decimal | None:
    """The number in a price text such as ``"1.299,00 €"`` or ``"23.450"``.

    One separator alone is the decimal point, unless it is a comma followed
    by exactly three digits (a thousands group). With both, the last one is
    the decimal point.
    """
    digits = _SPACES.sub("", text)
    if re.search(r"-\d", digits):
        return None
    match = re.search(r"\d[\d.,]*", digits)
    if match is None or len(match.group()) > 32:
        return None
    number = match.group().rstrip(".,")

    if "," in number and "." in number:
        decimal_mark = "," if number.rfind(",") > number.rfind(".") else "."
        thousands = "." if decimal_mark == "," else ","
        number = number.replace(thousands, "").replace(decimal_mark, ".")
    elif "," in number:
        head, _, tail = number.rpartition(",")
        if number.count(",") > 1 or len(tail) == 3:
            number = number.replace(",", "")
        else:
            number = f"{head.replace(',', '')}.{tail}"
    elif number.count(".") > 1:
        number = number.replace(".", "")

    try:
        value = Decimal(number)
    except InvalidOperation:
        return None
    return value if value.is_finite() and value >= 0 else None


def minor_units(text: str, currency: str) -> int | None:
    """A price text in minor units of ``currency`` (ISO 4217 exponent).

    ``None`` when the text holds no number, or more decimals than the
    currency has (a price is never rounded).
    """
    value = decimal_price(text)
    if value is None:
        return None

    scaled = value.scaleb(exponent_of(currency))
    if scaled != scaled.to_integral_value():
        return None
    amount = int(scaled)
    return amount if amount <= MAX_PRICE_MINOR else None


def normalise_availability(text: str | None) -> str | None:
    """``InStock`` etc. from a schema.org URL or a word; ``None`` if unknown."""
    if not text:
        return None
    last = re.split(r"[/#]", text.strip())[-1]
    key = re.sub(r"[^a-z]", "", last.lower())
    return _AVAILABILITY_BY_KEY.get(key)


def _text(raw: dict[str, Any], key: str, limit: int) -> str | None:
    value = raw.get(key)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        return None
    value = " ".join(value.split())
    return value[:limit] if value else None


def _currency(raw: dict[str, Any], price_text: str | None) -> str | None:
    declared = _text(raw, "currency", 16)
    if declared is not None:
        return currency_from_text(declared)
    if price_text is None:
        return None
    symbol = re.sub(r"[\d.,\s\u00a0\u202f]", "", price_text)
    return currency_from_text(symbol) if symbol else None


def parse_detection(text: object) -> DetectedProduct | None:
    """Read ``detector.js``'s JSON; ``None`` when no product was found."""
    if not isinstance(text, str) or len(text) > MAX_RESULT_CHARS:
        return None
    try:
        raw = json.loads(text)
    except ValueError:
        return None
    if not isinstance(raw, dict) or raw.get("found") is not True:
        return None

    price_text = _text(raw, "price", 64)
    currency = _currency(raw, price_text)
    price = None
    if price_text is not None and currency is not None:
        price = minor_units(price_text, currency)

    sku = _text(raw, "sku", 64)
    gtin = re.sub(r"\D", "", _text(raw, "gtin", 32) or "")
    offers = raw.get("offers_count")
    sources = raw.get("sources")
    return DetectedProduct(
        name=_text(raw, "name", 300),
        sku=sku if sku is not None and _CODE.match(sku) else None,
        gtin=gtin if _GTIN.match(gtin) else None,
        price=price,
        price_text=price_text,
        currency=currency,
        availability=normalise_availability(_text(raw, "availability", 64)),
        offers_count=offers
        if isinstance(offers, int) and 0 <= offers <= 100_000
        else 0,
        sources=tuple(s for s in sources if s in ("jsonld", "microdata", "opengraph"))
        if isinstance(sources, list)
        else (),
    )


@cache
def detector_source() -> str:
    """The text of ``detector.js``."""
    return resources.files("bridge").joinpath("detector.js").read_text("utf-8")


async def detect_product(page: QWebEnginePage) -> DetectedProduct | None:
    """Run the detector on the page's current document (isolated world)."""
    answer: asyncio.Future[object] = asyncio.get_running_loop().create_future()

    def finished(value: object) -> None:
        if not answer.done():
            answer.set_result(value)

    page.runJavaScript(
        detector_source(), QWebEngineScript.ScriptWorldId.ApplicationWorld, finished
    )
    detected = parse_detection(await answer)
    logger.debug("Product on the page: %s", detected)
    return detected
