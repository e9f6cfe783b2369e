"""Which page a storefront URL asks for, decided before anything is read.

Pure functions over the URL's still percent-encoded path and query, so a
``%2F`` or ``%2e%2e`` is judged after decoding, segment by segment. Every
input is checked here; the handler only ever sees a valid route.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from urllib.parse import parse_qs, unquote

from pos_app.storefront.catalogue import SKU_RE

logger = logging.getLogger(__name__)

MAX_QUERY_LENGTH = 100
MAX_PAGE = 9_999
_STATIC_NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}\.(?:css|js|svg)$")
_PAGE_RE = re.compile(r"^[1-9][0-9]{0,3}$")
_MAX_QUERY_STRING = 2_000


@dataclass(frozen=True)
class HomeRoute:
    """The home page."""


@dataclass(frozen=True)
class SearchRoute:
    """Search results: the query text and the 1-based result page."""

    q: str
    page: int


@dataclass(frozen=True)
class ProductRoute:
    """A product page."""

    sku: str


@dataclass(frozen=True)
class StaticRoute:
    """A file of ``assets/storefront/static``, by its bare name."""

    name: str


@dataclass(frozen=True)
class NotFoundRoute:
    """A path that leads nowhere; ``reason`` is for the log, not the page.

    ``friendly`` is false under ``/static/``: a missing asset is refused as
    such instead of being answered with an HTML page.
    """

    reason: str
    friendly: bool = True


@dataclass(frozen=True)
class BadRequestRoute:
    """A known page asked for with invalid parameters; ``message`` is shown."""

    message: str


Route = (
    HomeRoute
    | SearchRoute
    | ProductRoute
    | StaticRoute
    | NotFoundRoute
    | BadRequestRoute
)


def route_request(path: str, query: str) -> Route:
    """The route for an encoded URL path (``/a/b``) and query (``q=x``)."""
    if path in ("", "/"):
        return HomeRoute()

    if not path.startswith("/"):
        return NotFoundRoute("relative path")

    friendly = not path.startswith("/static/")
    try:
        segments = [unquote(raw, errors="strict") for raw in path[1:].split("/")]
    except UnicodeDecodeError:
        return NotFoundRoute("path is not UTF-8", friendly)
    if any(_unsafe_segment(segment) for segment in segments):
        return NotFoundRoute("unsafe path segment", friendly)

    match segments:
        case ["search"]:
            return _search_route(query)
        case ["product", sku] if SKU_RE.match(sku):
            return ProductRoute(sku)
        case ["static", name] if _STATIC_NAME_RE.match(name):
            return StaticRoute(name)
        case _:
            return NotFoundRoute("no such page", friendly)


def _unsafe_segment(segment: str) -> bool:
    if segment in ("", ".", ".."):
        return True
    return any(char in segment for char in "/\\\x00") or segment.startswith(".")


def _search_route(query: str) -> Route:
    if len(query) > _MAX_QUERY_STRING:
        return BadRequestRoute("That search is too long.")

    try:
        params = parse_qs(query, max_num_fields=10, errors="strict")
    except (ValueError, UnicodeDecodeError):
        return BadRequestRoute("That search could not be read.")

    q = " ".join(params.get("q", [""])[0].split())
    if len(q) > MAX_QUERY_LENGTH:
        return BadRequestRoute(
            f"Please search with at most {MAX_QUERY_LENGTH} characters."
        )

    page_text = params.get("page", ["1"])[0]
    if not _PAGE_RE.match(page_text):
        return BadRequestRoute(
            f"The page number must be a whole number from 1 to {MAX_PAGE}."
        )
    return SearchRoute(q=q, page=int(page_text))
