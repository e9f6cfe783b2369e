"""HTML pages of the storefront, rendered from the templates in assets.

Pure functions: no Qt, no I/O. Templates are :class:`string.Template` texts
(``${name}`` placeholders). Every value is HTML-escaped on its way in unless
it is :class:`Html` built by this module, so a hostile product name cannot
become markup.
"""

from __future__ import annotations

import html
import json
import logging
import re
import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import quote, urlencode

from pos_app.storefront.catalogue import StoreProduct
from pos_app.storefront.prices import decimal_price, format_price
from pos_app.storefront.tiles import tile_svg

logger = logging.getLogger(__name__)

SHOP_NAME = "Aisle & Co. Gifts"
PAGE_SIZE = 24
FEATURED_COUNT = 12
TEMPLATE_NAMES = ("layout", "home", "card", "search", "product", "message")

# Searches offered as departments; each finds products in the real catalogue.
CATEGORIES: tuple[tuple[str, str], ...] = (
    ("Christmas", "christmas"),
    ("Lanterns", "lantern"),
    ("Bags", "bag"),
    ("Mugs", "mug"),
    ("Baking", "cake"),
    ("Candles", "candle"),
    ("Hearts", "heart"),
    ("Vintage", "vintage"),
)

_SCHEMA_AVAILABILITY = {
    True: "https://schema.org/InStock",
    False: "https://schema.org/OutOfStock",
}
_JSON_IN_HTML = str.maketrans(
    {
        "<": "\\u003c",
        ">": "\\u003e",
        "&": "\\u0026",
        "\u2028": "\\u2028",
        "\u2029": "\\u2029",
    }
)
_SHOUTING_WORD_RE = re.compile(r"[A-Z][A-Z']+")


class Html(str):
    """Text that is already safe HTML and is placed into templates as is."""

    __slots__ = ()


@dataclass(frozen=True)
class Templates:
    """The page templates by name (see :data:`TEMPLATE_NAMES`)."""

    by_name: Mapping[str, string.Template]

    def __post_init__(self) -> None:
        missing = [name for name in TEMPLATE_NAMES if name not in self.by_name]
        if missing:
            raise ValueError(f"storefront templates missing: {', '.join(missing)}")

    def fill(self, template: str, /, **values: str) -> Html:
        """The named template with every plain ``str`` value escaped."""
        safe = {key: _escape(value) for key, value in values.items()}
        return Html(self.by_name[template].substitute(safe))


def _escape(value: str) -> str:
    if isinstance(value, Html):
        return value
    return html.escape(value, quote=True)


def display_name(name: str) -> str:
    """The name for people: words written all in capitals get title case.

    The catalogue shouts ("WHITE METAL LANTERN"); the shop reads better as
    "White Metal Lantern". Mixed-case names are left as they are.
    """
    if name != name.upper():
        return name
    return _SHOUTING_WORD_RE.sub(lambda m: m.group().capitalize(), name.strip())


def product_href(sku: str) -> str:
    """The shop path of a product page."""
    return "/product/" + quote(sku, safe="")


def search_href(q: str, page: int = 1) -> str:
    """The shop path of a search results page."""
    params = {"q": q} if page == 1 else {"q": q, "page": str(page)}
    return "/search?" + urlencode(params)


def page_count(total: int, page_size: int = PAGE_SIZE) -> int:
    """How many result pages ``total`` hits fill (at least one)."""
    return max(1, -(-total // page_size))


def product_json_ld(product: StoreProduct) -> str:
    """schema.org Product JSON, safe to place inside a ``<script>`` block."""
    offer = {
        "@type": "Offer",
        "price": decimal_price(product.price_minor, product.currency),
        "priceCurrency": product.currency,
        "availability": _SCHEMA_AVAILABILITY[product.in_stock],
        "url": "aisle://shop" + product_href(product.sku),
    }
    data: dict[str, object] = {
        "@context": "https://schema.org",
        "@type": "Product",
        "name": product.name,
        "sku": product.sku,
    }
    if product.gtin is not None:
        key = "gtin13" if len(product.gtin) == 13 else "gtin"
        data[key] = product.gtin
    data["offers"] = offer

    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.translate(_JSON_IN_HTML)


def render_home(templates: Templates, featured: Sequence[StoreProduct]) -> str:
    """The home page: a hero, departments and the featured best sellers."""
    content = templates.fill(
        "home",
        cards=_cards(templates, featured),
        departments=_department_tiles(),
    )
    return _page(templates, "home", SHOP_NAME, content)


def render_search(
    templates: Templates,
    q: str,
    products: Sequence[StoreProduct],
    total: int,
    page: int,
    page_size: int = PAGE_SIZE,
) -> str:
    """One page of search results with links to the pages around it."""
    pages = page_count(total, page_size)
    if total == 0:
        summary = f"No products match “{q}”." if q else "No products yet."
    elif not products:
        summary = f"Page {page} is past the end: “{q}” has {pages} pages."
    else:
        first = (page - 1) * page_size + 1
        last = first + len(products) - 1
        noun = "product" if total == 1 else "products"
        summary = f"Showing {first}–{last} of {total} {noun}"

    heading = f"Results for “{q}”" if q else "All products"
    content = templates.fill(
        "search",
        heading=heading,
        summary=summary,
        cards=_cards(templates, products),
        pagination=_pagination(q, page, pages),
    )
    title = f"{q} – {SHOP_NAME}" if q else f"All products – {SHOP_NAME}"
    return _page(templates, "search", title, content, query=q)


def render_product(templates: Templates, product: StoreProduct) -> str:
    """The product page, with its schema.org Product JSON-LD."""
    name = display_name(product.name)
    if product.in_stock:
        availability = Html('<p class="availability in">Available to order</p>')
    else:
        availability = Html('<p class="availability out">Currently unavailable</p>')

    content = templates.fill(
        "product",
        name=name,
        sku=product.sku,
        gtin=product.gtin or "",
        price=format_price(product.price_minor, product.currency),
        tile=Html(tile_svg(product.sku, name, "tile tile-large")),
        availability=availability,
        disabled=Html("" if product.in_stock else " disabled"),
        search_link=_department_link(product),
    )
    head = Html(
        '<script type="application/ld+json">' + product_json_ld(product) + "</script>"
    )
    title = f"{name} – {SHOP_NAME}"
    return _page(templates, "product", title, content, head=head)


def render_message(templates: Templates, heading: str, message: str) -> str:
    """A friendly page for a path that leads nowhere or a refused request."""
    content = templates.fill("message", heading=heading, message=message)
    return _page(templates, "message", f"{heading} – {SHOP_NAME}", content)


def _page(
    templates: Templates,
    kind: str,
    title: str,
    content: Html,
    *,
    query: str = "",
    head: Html | None = None,
) -> str:
    return templates.fill(
        "layout",
        kind=kind,
        title=title,
        shop_name=SHOP_NAME,
        query=query,
        head=head or Html(""),
        nav=_nav_links(),
        content=content,
    )


def _cards(templates: Templates, products: Sequence[StoreProduct]) -> Html:
    cards = []
    for product in products:
        name = display_name(product.name)
        cards.append(
            templates.fill(
                "card",
                href=product_href(product.sku),
                tile=Html(tile_svg(product.sku, name, "tile")),
                name=name,
                price=format_price(product.price_minor, product.currency),
            )
        )
    return Html("".join(cards))


def _nav_links() -> Html:
    links = [
        f'<a href="{_escape(search_href(q))}">{_escape(label)}</a>'
        for label, q in CATEGORIES
    ]
    return Html("".join(links))


def _department_tiles() -> Html:
    tiles = [
        f'<a class="department" href="{_escape(search_href(q))}">'
        f"{tile_svg(q, label, 'tile')}<span>{_escape(label)}</span></a>"
        for label, q in CATEGORIES
    ]
    return Html("".join(tiles))


def _department_link(product: StoreProduct) -> Html:
    words = product.name.casefold().split()
    for label, q in CATEGORIES:
        if any(word.startswith(q) for word in words):
            return Html(f'<a href="{_escape(search_href(q))}">{_escape(label)}</a>')
    return Html('<a href="/search?q=">All products</a>')


def _pagination(q: str, page: int, pages: int) -> Html:
    if pages <= 1:
        return Html("")

    parts = ['<nav class="pagination" aria-label="Result pages">']
    if page > 1:
        href = _escape(search_href(q, min(page - 1, pages)))
        parts.append(f'<a class="button" rel="prev" href="{href}">← Previous</a>')
    parts.append(f'<span class="page-of">Page {page} of {pages}</span>')
    if page < pages:
        href = _escape(search_href(q, page + 1))
        parts.append(f'<a class="button" rel="next" href="{href}">Next →</a>')
    parts.append("</nav>")
    return Html("".join(parts))
