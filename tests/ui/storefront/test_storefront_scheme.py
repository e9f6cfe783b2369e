"""The storefront served by the real QtWebEngine, off screen."""

from __future__ import annotations

import asyncio
import json

import pytest
import shiboken6
from PySide6.QtWebEngineCore import (
    QWebEngineProfile,
    QWebEngineScript,
    QWebEngineUrlScheme,
)

from pos_app.storefront.catalogue import InMemoryCatalogue, StoreProduct
from pos_app.storefront.prices import format_price
from pos_app.storefront.render import display_name
from pos_app.storefront.scheme import (
    STOREFRONT_ORIGIN,
    STOREFRONT_SCHEME,
    install_storefront,
    register_storefront_scheme,
)

from .storefront_pages import ShopPage
from .storefront_support import fake_bridge_script

pytestmark = pytest.mark.webengine


def test_home_page_shows_best_sellers(qloop, page, real_products):
    async def scenario():
        assert await page.open(STOREFRONT_ORIGIN + "/")
        return await page.js(
            "[document.title, document.querySelectorAll('.card').length,"
            " document.querySelector('.card-name').textContent,"
            " location.origin,"
            " [...document.querySelectorAll('.departments-nav a')].length,"
            " getComputedStyle(document.querySelector('.site-header')).position]"
        )

    title, cards, first, origin, departments, font = qloop.run_until_complete(
        scenario()
    )

    assert title == "Aisle & Co. Gifts"
    assert cards == 12
    assert first == display_name(real_products[0].name)
    assert origin == STOREFRONT_ORIGIN
    assert departments >= 5
    assert font == "sticky", "the stylesheet did not load"
    assert page.errors() == []


def test_product_page_with_bridge_shows_stock_and_adds(
    qloop, bridged_page, real_products, real_stock
):
    product = real_products[1]
    page = bridged_page

    async def scenario():
        assert await page.open(f"{STOREFRONT_ORIGIN}/product/{product.sku}")
        await page.wait_for_js("document.body.dataset.shopReady")
        before = await page.js(
            "[document.querySelector('.product-title').textContent,"
            " document.querySelector('[data-price]').textContent,"
            " document.querySelector('script[type=\"application/ld+json\"]').text,"
            " [...document.querySelectorAll('.stock-place')]"
            "   .map(e => e.firstChild.textContent),"
            " document.querySelector('[data-stock-status]').textContent,"
            " document.getElementById('app-notice').hidden]"
        )

        await page.js(
            "(document.querySelector('[data-step=\"1\"]').click(),"
            " document.querySelector('[data-step=\"1\"]').click(),"
            " document.querySelector('[data-add-button]').click(), 0)"
        )
        await page.wait_for_js("!document.querySelector('[data-add-feedback]').hidden")
        after = await page.js(
            "[document.querySelector('[data-add-feedback]').textContent,"
            " document.querySelector('[data-basket-count]').textContent,"
            " document.querySelector('[data-basket-count]').hidden,"
            " window.__aisleCalls,"
            " document.querySelector('[data-basket-count]').closest('a')"
            ".getAttribute('aria-label')]"
        )
        return before, after

    before, after = qloop.run_until_complete(scenario())

    title, price, json_ld, places, stock_status, notice_hidden = before
    assert title == display_name(product.name)
    assert price == format_price(product.price_minor, "GBP")
    data = json.loads(json_ld)
    assert data["sku"] == product.sku
    assert data["offers"]["priceCurrency"] == "GBP"
    expected_places = [s["name"] for s in real_stock["here"] + real_stock["nearby"]]
    assert places == expected_places
    assert stock_status == "Live stock"
    assert notice_hidden

    feedback, badge, badge_hidden, calls, basket_label = after
    assert feedback.startswith("Added 3 × ")
    assert feedback.endswith(" to the basket.")
    assert "£7.50" in basket_label and basket_label.startswith("Basket: 3 items")
    assert (badge, badge_hidden) == ("3", False)
    assert ["getStock", product.sku] in calls
    assert ["getBasket"] in calls
    assert ["addToBasket", {"sku": product.sku, "quantity": 3}] in calls
    assert page.errors() == []


def test_failed_add_to_basket_is_shown(qloop, bridged_page, real_products):
    page = bridged_page

    async def scenario():
        assert await page.open(f"{STOREFRONT_ORIGIN}/product/{real_products[0].sku}")
        await page.wait_for_js("document.body.dataset.shopReady")
        await page.js(
            "(document.querySelector('[data-quantity]').value = '60',"
            " document.querySelector('[data-add-button]').click(), 0)"
        )
        await page.wait_for_js("!document.querySelector('[data-add-feedback]').hidden")
        return await page.js(
            "[document.querySelector('[data-add-feedback]').textContent,"
            " document.querySelector('[data-add-feedback]').className]"
        )

    text, css = qloop.run_until_complete(scenario())

    assert text == "Could not add to basket: only 4 left in stock"
    assert "error" in css
    assert page.errors() == []


def test_stale_stock_is_shown_with_its_age(qloop, page, real_products, real_stock):
    stale = dict(real_stock, stale=True)
    script = QWebEngineScript()
    script.setSourceCode(fake_bridge_script(stale))
    script.setInjectionPoint(QWebEngineScript.InjectionPoint.DocumentCreation)
    script.setWorldId(QWebEngineScript.ScriptWorldId.MainWorld)
    page.scripts().insert(script)

    async def scenario():
        assert await page.open(f"{STOREFRONT_ORIGIN}/product/{real_products[0].sku}")
        await page.wait_for_js("document.body.dataset.shopReady")
        return await page.js(
            "[document.querySelector('[data-stock-status]').textContent,"
            " document.querySelector('[data-stock-status]').className]"
        )

    text, css = qloop.run_until_complete(scenario())

    # Shown in the device's own time zone, so only the date is certain here.
    assert text.startswith("Last known stock from ")
    assert "Dec 2026" in text
    assert text.endswith("; it may have changed.")
    assert "stale" in css
    assert page.errors() == []


def test_plain_browser_says_the_app_is_missing(qloop, page, real_products):
    async def scenario():
        assert await page.open(f"{STOREFRONT_ORIGIN}/product/{real_products[0].sku}")
        await page.wait_for_js("document.body.dataset.shopReady")
        return await page.js(
            "[document.body.dataset.bridge,"
            " document.getElementById('app-notice').textContent,"
            " document.querySelector('[data-stock-status]').textContent]"
        )

    bridge, notice, stock = qloop.run_until_complete(scenario())

    assert bridge == "absent"
    assert "OpenAisle app" in notice
    assert "OpenAisle app" in stock
    assert page.errors() == []


def test_search_finds_lanterns_and_pages(qloop, page, catalogue):
    async def scenario():
        assert await page.open(f"{STOREFRONT_ORIGIN}/search?q=lantern")
        first = await page.js(
            "[[...document.querySelectorAll('.card-name')].map(e => e.textContent),"
            " document.querySelector('.summary').textContent,"
            " document.getElementById('q').value]"
        )
        assert await page.open(f"{STOREFRONT_ORIGIN}/search?q=bag&page=2")
        second = await page.js(
            "[document.querySelectorAll('.card').length,"
            " document.querySelector('.page-of').textContent,"
            " document.querySelector('a[rel=prev]').getAttribute('href')]"
        )
        return first, second

    (names, summary, box), second = qloop.run_until_complete(scenario())
    _, lantern_total = asyncio.run(catalogue.search("lantern", limit=0, offset=0))
    _, bag_total = asyncio.run(catalogue.search("bag", limit=0, offset=0))

    assert names and all("lantern" in n.casefold() for n in names)
    assert summary.endswith(f"of {lantern_total} products")
    assert box == "lantern"
    assert bag_total > 24
    cards, page_of, prev = second
    assert cards == min(24, bag_total - 24)
    assert page_of.startswith("Page 2 of ")
    assert prev == "/search?q=bag"
    assert page.errors() == []


def test_unknown_pages_get_a_friendly_not_found(qloop, page):
    async def scenario():
        headings = []
        for path in ("/no/such/page", "/product/NOSUCH99", "/search?page=abc"):
            assert await page.open(STOREFRONT_ORIGIN + path)
            headings.append(await page.js("document.querySelector('h1').textContent"))
        return headings

    headings = qloop.run_until_complete(scenario())

    assert headings == ["Page not found", "Page not found", "Search problem"]
    assert page.errors() == []


def test_traversal_and_unknown_static_files_are_refused(qloop, page):
    probes = [
        "/static/shop.css",
        "/static/..%2f..%2fpyproject.toml",
        "/static/%2e%2e/%2e%2e/pyproject.toml",
        "/static/%2e%2e%2f%2e%2e%2fpyproject.toml",
        "/static/..%5c..%5cpyproject.toml",
        "/static/%252e%252e%252fpyproject.toml",
        "/static/__init__.py",
        "/static/missing.js",
    ]

    async def scenario():
        assert await page.open(STOREFRONT_ORIGIN + "/static/../../pyproject.toml")
        direct = await page.js("[location.pathname, document.body.innerText]")
        await page.js(
            "(window.__probe = {}, "
            + json.dumps(probes)
            + ".forEach(u => fetch(u).then("
            "  r => r.ok ? r.text().then(t => window.__probe[u] = 'served:' + t)"
            "    : window.__probe[u] = 'refused',"
            "  () => window.__probe[u] = 'refused')), 0)"
        )
        await page.wait_for_js(f"Object.keys(window.__probe).length == {len(probes)}")
        await page.js("(window.__post = 'pending', 0)")
        await page.js(
            "(fetch('/', {method: 'POST', body: 'x'}).then("
            " r => window.__post = r.ok ? 'served' : 'refused',"
            " () => window.__post = 'refused'), 0)"
        )
        await page.wait_for_js("window.__post != 'pending'")
        post = await page.js("window.__post")
        return direct, await page.js("window.__probe"), post

    (path, text), results, post = qloop.run_until_complete(scenario())

    assert path == "/pyproject.toml"
    assert "Page not found" in text
    assert "[build-system]" not in text
    assert results.pop("/static/shop.css").startswith("served:/* Aisle")
    for probe, result in results.items():
        assert "[build-system]" not in result, probe
        assert result == "refused" or "Page not found" in result, probe
    assert post == "refused"
    assert all("Failed to load resource" in e for e in page.errors())


def test_content_security_policy_blocks_inline_script(qloop, page):
    async def scenario():
        assert await page.open(STOREFRONT_ORIGIN + "/")
        await page.js(
            "(() => { const s = document.createElement('script');"
            " s.textContent = 'window.__inline = 1';"
            " document.head.append(s); return 0; })()"
        )
        return await page.js("window.__inline === undefined")

    assert qloop.run_until_complete(scenario()) is True
    assert any("Content Security Policy" in e for e in page.errors())


class _GatedCatalogue(InMemoryCatalogue):
    """Holds every product lookup until the test opens the gate."""

    def __init__(self, products: list[StoreProduct]) -> None:
        super().__init__(products)
        self.gate = asyncio.Event()
        self.asked = asyncio.Event()
        self.cancelled = False

    async def product(self, sku: str) -> StoreProduct | None:
        self.asked.set()
        try:
            await self.gate.wait()
        except asyncio.CancelledError:
            self.cancelled = True
            raise
        return await super().product(sku)


def test_request_cancelled_while_catalogue_answers(qloop, qapp, real_products):
    async def scenario(page, catalogue):
        catalogue.gate = asyncio.Event()
        catalogue.asked = asyncio.Event()
        loading = asyncio.ensure_future(
            page.open(f"{STOREFRONT_ORIGIN}/product/{real_products[0].sku}")
        )
        await asyncio.wait_for(catalogue.asked.wait(), 10)
        page.triggerAction(page.WebAction.Stop)
        assert await loading is False
        assert await page.open(STOREFRONT_ORIGIN + "/") is True
        for _ in range(20):
            if catalogue.cancelled:
                break
            await asyncio.sleep(0.05)
        catalogue.gate.set()
        await asyncio.sleep(0.1)
        return await page.js("document.body.dataset.page")

    catalogue = _GatedCatalogue(real_products[:50])
    profile = QWebEngineProfile()
    install_storefront(profile, catalogue, loop=qloop.loop)
    page = ShopPage(profile)
    try:
        kind = qloop.run_until_complete(scenario(page, catalogue))
    finally:
        shiboken6.delete(page)
        shiboken6.delete(profile)

    assert kind == "home"
    assert catalogue.cancelled


class _BrokenCatalogue(InMemoryCatalogue):
    async def featured(self, limit: int) -> list[StoreProduct]:
        raise ConnectionError("engine away")


def test_a_failing_catalogue_gets_an_apology_page(qloop, real_products, allow_log):
    allow_log(r"storefront page failed")
    profile = QWebEngineProfile()
    install_storefront(profile, _BrokenCatalogue(real_products[:5]), loop=qloop.loop)
    page = ShopPage(profile)

    async def scenario():
        assert await page.open(STOREFRONT_ORIGIN + "/")
        return await page.js("document.querySelector('h1').textContent")

    try:
        heading = qloop.run_until_complete(scenario())
    finally:
        shiboken6.delete(page)
        shiboken6.delete(profile)

    assert heading == "Something went wrong"


def test_registering_again_is_harmless(qapp):
    register_storefront_scheme()

    scheme = QWebEngineUrlScheme.schemeByName(STOREFRONT_SCHEME)
    assert scheme.syntax() == QWebEngineUrlScheme.Syntax.Host
    assert scheme.flags() & QWebEngineUrlScheme.Flag.SecureScheme
