"""Pages rendered without a browser: escaping, JSON-LD, prices, paging."""

from __future__ import annotations

import html
import json
import re

import pytest

from pos_app.storefront.catalogue import StoreProduct
from pos_app.storefront.prices import decimal_price, format_price
from pos_app.storefront.render import (
    PAGE_SIZE,
    display_name,
    page_count,
    product_json_ld,
    render_home,
    render_message,
    render_product,
    render_search,
)
from pos_app.storefront.site_files import load_site_files
from pos_app.storefront.tiles import initials, tile_colour, tile_svg

HOSTILE = "</script><script>alert('x')</script> & \"quoted\" <b>"
JSON_LD_RE = re.compile(
    r'<script type="application/ld\+json">(.*?)</script>', re.DOTALL
)


@pytest.fixture(scope="module")
def templates():
    return load_site_files().templates


def _hostile(**changes) -> StoreProduct:
    values = {
        "sku": "85123A",
        "name": HOSTILE,
        "price_minor": 1250,
        "currency": "GBP",
    }
    values.update(changes)
    return StoreProduct(**values)


@pytest.mark.parametrize(
    ("minor", "currency", "shown", "plain"),
    [
        (1250, "GBP", "£12.50", "12.50"),
        (5, "GBP", "£0.05", "0.05"),
        (0, "GBP", "£0.00", "0.00"),
        (100_000_000, "GBP", "£1000000.00", "1000000.00"),
        (999, "EUR", "€9.99", "9.99"),
        (1250, "JPY", "¥1250", "1250"),
        (1234, "KWD", "KWD 1.234", "1.234"),
        (-250, "GBP", "-£2.50", "-2.50"),
        (7, "CHF", "CHF 0.07", "0.07"),
    ],
)
def test_prices_come_from_minor_units(minor, currency, shown, plain):
    assert format_price(minor, currency) == shown
    assert decimal_price(minor, currency) == plain


def test_hostile_product_name_is_escaped_everywhere(templates):
    page = render_product(templates, _hostile())

    assert "<script>alert" not in page
    assert "<b>" not in page
    assert html.escape(display_name(HOSTILE)) in page
    scripts = re.findall(r"<script[^>]*>", page)
    assert scripts == [
        '<script type="module" src="/static/shop.js">',
        '<script type="application/ld+json">',
    ]


def test_json_ld_is_valid_and_cannot_close_its_script(templates):
    product = _hostile(gtin="5012345678900")

    page = render_product(templates, product)
    (block,) = JSON_LD_RE.findall(page)
    data = json.loads(block)

    assert not set("<>&") & set(block)
    assert data == {
        "@context": "https://schema.org",
        "@type": "Product",
        "name": HOSTILE,
        "sku": "85123A",
        "gtin13": "5012345678900",
        "offers": {
            "@type": "Offer",
            "price": "12.50",
            "priceCurrency": "GBP",
            "availability": "https://schema.org/InStock",
            "url": "aisle://shop/product/85123A",
        },
    }


def test_json_ld_of_a_product_out_of_stock_without_gtin():
    product = StoreProduct("22423", "Regency Cakestand", 1275, "GBP", in_stock=False)

    data = json.loads(product_json_ld(product))

    assert "gtin13" not in data
    assert data["offers"]["availability"] == "https://schema.org/OutOfStock"
    assert data["offers"]["price"] == "12.75"


def test_search_query_is_escaped_in_the_box_and_the_links(templates):
    q = '"><script>x</script> & co'
    products = [_hostile(sku=f"1000{i}", name="LANTERN") for i in range(5)]

    page = render_search(templates, q, products, total=60, page=2)

    assert "<script>x" not in page
    assert f'value="{html.escape(q)}"' in page
    assert 'href="/search?q=%22%3E%3Cscript%3Ex%3C%2Fscript%3E+%26+co"' in page
    assert (
        'href="/search?q=%22%3E%3Cscript%3Ex%3C%2Fscript%3E+%26+co&amp;page=3"' in page
    )


@pytest.mark.parametrize(
    ("page", "prev", "next_", "summary"),
    [
        (1, False, True, "Showing 1–24 of 50 products"),
        (2, True, True, "Showing 25–48 of 50 products"),
        (3, True, False, "Showing 49–50 of 50 products"),
    ],
)
def test_pagination_links(templates, page, prev, next_, summary):
    shown = 2 if page == 3 else PAGE_SIZE
    products = [_hostile(sku=f"2000{i}", name="MUG") for i in range(shown)]

    text = render_search(templates, "mug", products, total=50, page=page)

    assert ('rel="prev"' in text) is prev
    assert ('rel="next"' in text) is next_
    assert f"Page {page} of 3" in text
    assert summary in text


def test_a_page_past_the_end_says_so(templates):
    text = render_search(templates, "mug", [], total=50, page=9)

    assert "Page 9 is past the end" in text
    assert 'href="/search?q=mug&amp;page=3"' in text


def test_page_count():
    assert [page_count(n, 24) for n in (0, 1, 24, 25, 48, 49)] == [1, 1, 1, 2, 2, 3]


def test_home_and_message_pages_render(templates):
    home = render_home(templates, [_hostile()])
    missing = render_message(templates, "Page not found", "Nothing <here>.")

    assert "Best sellers" in home
    assert 'href="/product/85123A"' in home
    assert "Nothing &lt;here&gt;." in missing


def test_display_name_tames_capitals_only():
    assert display_name("WHITE METAL LANTERN ") == "White Metal Lantern"
    assert display_name("SET/3 RED T-LIGHT") == "Set/3 Red T-Light"
    assert display_name("Retro Spot Mug") == "Retro Spot Mug"


def test_tiles_are_stable_and_escaped():
    tile = tile_svg("85123A", HOSTILE, 'x" onload="y')

    assert tile_colour("85123A") == tile_colour("85123A")
    assert initials("White Metal Lantern") == "WM"
    assert initials("3 Tier Cake Tin") == "TC"
    assert initials("!!") == "?"
    assert "<script>" not in tile
    assert 'onload="y"' not in tile


def test_site_files_serve_only_assets():
    files = load_site_files()

    assert sorted(files.static) == ["favicon.svg", "shop.css", "shop.js"]
    assert files.static["shop.js"].content_type == "text/javascript; charset=utf-8"
