"""Turning raw invoice lines into a catalogue of sellable products.

Rules, applied to each line in this order (the first that matches is the
reason the line is skipped):

1. ``cancellation``: the invoice number starts with ``C``.
2. ``non_product``: the stock code is not a product code. A product code is
   five digits with an optional suffix of up to three letters (``85123A``,
   ``15056BL``); postage, discounts, manual entries, fees, samples and
   charity lines (``POST``, ``D``, ``M``, ``C2``, ``BANK CHARGES``,
   ``AMAZONFEE``, ``S``, ``DOT``, ``CRUK``, ``PADS``, ``B`` ...) are not.
3. ``quantity_not_positive``: zero or negative quantity (returns, write-offs).
4. ``price_not_positive`` / ``unreadable_price``: the unit price is not a
   positive amount in pence.

SKUs are upper-cased (the week file writes some suffixes in lower case). The
name is the most frequent trimmed description of the kept lines, ties broken
by alphabetical order. The price is the unit price of the latest kept line
(ties: the full-year file wins, then the later line of the file).
"""

from __future__ import annotations

import enum
import logging
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache

from oms_core import gtin, money
from oms_core.datasets import SalesLine

logger = logging.getLogger(__name__)

CURRENCY = "GBP"
_PRODUCT_CODE = re.compile(r"^[0-9]{5}[A-Z]{0,3}$")
# Codes seen in the data that are charges or adjustments. The rule above
# already refuses them; the list documents them and guards the rule.
KNOWN_NON_PRODUCT_CODES = frozenset(
    {"POST", "D", "M", "C2", "BANK CHARGES", "AMAZONFEE", "S", "DOT", "CRUK"}
    | {"PADS", "B"}
)


class SkipReason(enum.StrEnum):
    """Why a sales line does not feed the catalogue."""

    CANCELLATION = "cancellation"
    NON_PRODUCT = "non_product"
    QUANTITY_NOT_POSITIVE = "quantity_not_positive"
    PRICE_NOT_POSITIVE = "price_not_positive"
    UNREADABLE_PRICE = "unreadable_price"


@dataclass(frozen=True, slots=True)
class ProductRecord:
    """A product ready to be stored."""

    sku: str
    name: str
    price_minor: int
    currency: str
    gtin: str


@dataclass
class CatalogueImport:
    """The products, yearly units sold per SKU and the skipped-line counts."""

    products: list[ProductRecord]
    units_sold: dict[str, int]
    skipped: Counter[SkipReason] = field(default_factory=Counter)
    kept_lines: int = 0


@lru_cache(maxsize=16384)
def is_product_code(code: str) -> bool:
    """Whether a stock code names a product rather than a charge."""
    normal = code.strip().upper()
    if normal in KNOWN_NON_PRODUCT_CODES:
        return False
    return _PRODUCT_CODE.match(normal) is not None


@lru_cache(maxsize=4096)
def _price_pence(text: str) -> int | None:
    """A unit price in pence (sub-penny prices round half up), None if unreadable.

    The year's 400,000 lines carry a few hundred distinct prices: each is
    read once.
    """
    try:
        return money.parse_minor(text, CURRENCY, round_half_up=True)
    except money.MoneyError:
        return None


def clean_name(description: str) -> str:
    """Trim a description and collapse runs of spaces inside it."""
    return " ".join(description.split())


def classify(line: SalesLine) -> tuple[SkipReason | None, int]:
    """Return the skip reason of a line (or None) and its price in pence."""
    if line.invoice.upper().startswith("C"):
        return SkipReason.CANCELLATION, 0
    if not is_product_code(line.stock_code):
        return SkipReason.NON_PRODUCT, 0
    if line.quantity <= 0:
        return SkipReason.QUANTITY_NOT_POSITIVE, 0

    price = _price_pence(line.unit_price)
    if price is None:
        return SkipReason.UNREADABLE_PRICE, 0
    if price <= 0:
        return SkipReason.PRICE_NOT_POSITIVE, 0
    return None, price


class CatalogueBuilder:
    """Collects sales lines from one or more files and builds the catalogue.

    Files are added in rank order; ``counts_sales`` marks the file whose
    quantities are the year's units sold (the full-year file).
    """

    def __init__(self) -> None:
        self._names: dict[str, Counter[str]] = defaultdict(Counter)
        self._prices: dict[str, tuple[datetime, int, int, int]] = {}
        self._year_sales: Counter[str] = Counter()
        self._other_sales: Counter[str] = Counter()
        self.skipped: Counter[SkipReason] = Counter()
        self.kept_lines = 0

    def add(self, lines: Iterable[SalesLine], *, rank: int, counts_sales: bool) -> None:
        """Feed the lines of one file."""
        for line in lines:
            reason, price = classify(line)
            if reason is not None:
                self.skipped[reason] += 1
                continue

            self.kept_lines += 1
            sku = line.stock_code.upper()
            name = clean_name(line.description)
            if name:
                self._names[sku][name] += 1
            key = (line.invoiced_at, rank, line.line_no, price)
            if sku not in self._prices or key > self._prices[sku]:
                self._prices[sku] = key
            sales = self._year_sales if counts_sales else self._other_sales
            sales[sku] += line.quantity

    def build(self) -> CatalogueImport:
        """The products (sorted by SKU) with their GTINs and units sold."""
        skus = sorted(sku for sku in self._prices if self._names.get(sku))
        nameless = len(self._prices) - len(skus)
        if nameless:
            logger.info("dropped %d SKUs that never had a description", nameless)

        gtins = gtin.assign_gtins(skus)
        products = []
        units_sold = {}
        for sku in skus:
            names = self._names[sku]
            name = min(names, key=lambda text: (-names[text], text))
            products.append(
                ProductRecord(sku, name, self._prices[sku][3], CURRENCY, gtins[sku])
            )
            units_sold[sku] = self._year_sales.get(sku) or self._other_sales[sku]
        return CatalogueImport(products, units_sold, self.skipped, self.kept_lines)
