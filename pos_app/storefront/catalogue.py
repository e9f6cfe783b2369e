"""What the storefront needs to know about products, and where it asks.

The app implements :class:`StorefrontCatalogue` on top of the order engine;
:class:`InMemoryCatalogue` serves a fixed list of products (tests, demos).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

logger = logging.getLogger(__name__)

# Same shape as the engine's SKU contract (oms_core.api_models.SKU_PATTERN);
# repeated here because the storefront may not import the engine.
SKU_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$")
_CURRENCY_RE = re.compile(r"^[A-Z]{3}$")
_GTIN_RE = re.compile(r"^(?:\d{8}|\d{12}|\d{13}|\d{14})$")
_WORD_RE = re.compile(r"[0-9a-z]+")
MAX_NAME_LENGTH = 200


@dataclass(frozen=True, slots=True)
class StoreProduct:
    """One product as the shop shows it.

    ``price_minor`` is the unit price in minor units of ``currency`` (ISO
    4217). ``gtin`` is the barcode number when the retailer has one.
    ``in_stock`` says whether the network can sell it at all; live stock per
    store comes from the page's bridge, not from here.
    """

    sku: str
    name: str
    price_minor: int
    currency: str
    gtin: str | None = None
    in_stock: bool = True

    def __post_init__(self) -> None:
        if not SKU_RE.match(self.sku):
            raise ValueError(f"not a valid SKU: {self.sku!r}")

        if not self.name.strip() or len(self.name) > MAX_NAME_LENGTH:
            raise ValueError(f"product {self.sku}: name empty or too long")

        price = self.price_minor
        if isinstance(price, bool) or not isinstance(price, int) or price < 0:
            raise ValueError(f"product {self.sku}: price must be an int >= 0")

        if not _CURRENCY_RE.match(self.currency):
            raise ValueError(f"product {self.sku}: not a currency: {self.currency!r}")

        if self.gtin is not None and not _GTIN_RE.match(self.gtin):
            raise ValueError(f"product {self.sku}: not a GTIN: {self.gtin!r}")


@runtime_checkable
class StorefrontCatalogue(Protocol):
    """The products the storefront may show; every call may do I/O."""

    async def featured(self, limit: int) -> list[StoreProduct]:
        """Up to ``limit`` products to show on the home page, best first."""
        ...

    async def search(
        self, q: str, *, limit: int, offset: int
    ) -> tuple[list[StoreProduct], int]:
        """One page of products matching ``q`` and the total number of hits."""
        ...

    async def product(self, sku: str) -> StoreProduct | None:
        """The product with this SKU, or ``None`` when there is none."""
        ...


def search_terms(q: str) -> list[str]:
    """Split a query into lower-case words of letters and digits."""
    return _WORD_RE.findall(q.casefold())


class InMemoryCatalogue:
    """A :class:`StorefrontCatalogue` over a fixed list of products.

    The list order is the "best first" order of :meth:`featured`. A product
    matches a search when every query word starts one of its name's words
    or equals its SKU; an empty query matches everything.
    """

    def __init__(self, products: Iterable[StoreProduct]) -> None:
        self._products = list(products)
        self._by_sku: dict[str, StoreProduct] = {}
        for product in self._products:
            if product.sku in self._by_sku:
                raise ValueError(f"SKU listed twice: {product.sku}")
            self._by_sku[product.sku] = product

        self._words = [
            (p, frozenset(search_terms(p.name)), p.sku.casefold())
            for p in self._products
        ]
        logger.debug("in-memory catalogue holds %d products", len(self._products))

    def __len__(self) -> int:
        return len(self._products)

    async def featured(self, limit: int) -> list[StoreProduct]:
        """The first ``limit`` products of the list."""
        return self._products[: max(limit, 0)]

    async def search(
        self, q: str, *, limit: int, offset: int
    ) -> tuple[list[StoreProduct], int]:
        """Products whose name words start with every word of ``q``."""
        terms = search_terms(q)
        # TODO: a word index instead of a scan of every product; the scan is
        # fine for the demo's few thousand products, not for a full range.
        hits = [
            product
            for product, words, sku in self._words
            if all(_term_matches(term, words, sku) for term in terms)
        ]

        start = max(offset, 0)
        return hits[start : start + max(limit, 0)], len(hits)

    async def product(self, sku: str) -> StoreProduct | None:
        """The product with exactly this SKU."""
        return self._by_sku.get(sku)


def _term_matches(term: str, words: frozenset[str], sku: str) -> bool:
    return term == sku or any(word.startswith(term) for word in words)
