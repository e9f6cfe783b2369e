"""The product detector in the real browser, on saved retailer pages."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from bridge.detect_cli import main as detect_main
from bridge.detect_runner import SavedPageDetector
from bridge.detection import detect_product

from .conftest import load

pytestmark = pytest.mark.webengine

IKEA_JSONLD = "0666abebc0d5f9647f4e11a90bd35de706903e8eeedec1dabd50be49ee0e39a2"
OTTO_MICRODATA = "040c3ea5ea32019274df30d79e4417c4a46f3fc6bc253e697463a99ee263593c"
JOHN_LEWIS_LOWERCASE = (
    "1bb3781745f7c8411b13585d741195a0f94c70f9ec15162cbb16caa65f40f492"
)
OPENGRAPH_ONLY = "2342b61d6831e854da88adb1b7c87e52621dea510523436ee0bc565159ab1ba5"
AMAZON_NONE = "0094967f37c647407d92b624202736e3272231cf61f8ccaeca0b19aeb631ab28"


@pytest.fixture(scope="module")
def detector(qapp) -> Iterator[SavedPageDetector]:
    detector = SavedPageDetector()
    yield detector
    detector.close()


def _page(shared_data: Path, page_id: str) -> Path:
    return shared_data / "product_pages" / "html" / f"{page_id}.html.gz"


def test_json_ld_product(detector, shared_data):
    found = detector.detect(_page(shared_data, IKEA_JSONLD))

    assert found.error is None
    assert found.product is not None
    assert found.product.sku == "002.937.72"
    assert (found.product.price, found.product.currency) == (45000, "GBP")
    assert found.product.availability == "InStock"
    assert "jsonld" in found.product.sources


def test_microdata_product(detector, shared_data):
    product = detector.detect(_page(shared_data, OTTO_MICRODATA)).product

    assert product is not None
    assert product.gtin == "4054278533728"
    assert product.sku == "2800395267"
    assert (product.price, product.currency) == (11901, "EUR")
    assert product.availability == "InStock"
    assert "microdata" in product.sources


def test_wrongly_cased_json_ld_type(detector, shared_data):
    product = detector.detect(_page(shared_data, JOHN_LEWIS_LOWERCASE)).product

    assert product is not None
    assert (product.price, product.currency) == (4900, "GBP")
    assert product.name.startswith("Google Nest Mini")


def test_opengraph_only_page(detector, shared_data):
    product = detector.detect(_page(shared_data, OPENGRAPH_ONLY)).product

    assert product is not None
    assert "opengraph" in product.sources
    assert product.name


def test_page_without_markup(detector, shared_data):
    found = detector.detect(_page(shared_data, AMAZON_NONE))

    assert found.error is None
    assert found.product is None


def test_detect_product_on_a_live_page(page, test_pages, run):
    test_pages.pages["allowed/p"] = (
        "<!doctype html><script type='application/ld+json'>"
        '{"@context": "https://schema.org", "@graph": [{"@type": "WebPage"},'
        ' {"@type": "PRODUCT", "name": "Mug", "sku": "22423",'
        ' "offers": [{"@type": "Offer", "price": 1500, "priceCurrency": "JPY",'
        ' "availability": "https://schema.org/PreOrder"}, {"@type": "Offer"}]}]}'
        "</script>"
    )

    async def scenario():
        assert await load(page, "oatest://allowed/p")
        return await detect_product(page)

    product = run(scenario())

    assert product is not None
    assert (product.sku, product.price, product.currency) == ("22423", 1500, "JPY")
    assert product.availability == "PreOrder"
    assert product.offers_count == 2
    assert page.console_errors() == []


def test_the_command_line_writes_one_json_line_per_page(
    qapp, shared_data, tmp_path, capsys
):
    plain = tmp_path / "plain.html"
    plain.write_text(
        "<html><head><meta property='og:type' content='product'>"
        "<meta property='og:title' content='Lamp'>"
        "<meta property='product:price:amount' content='12.50'>"
        "<meta property='product:price:currency' content='GBP'>"
        "<meta property='product:retailer_item_id' content='L-1'></head></html>",
        encoding="utf-8",
    )
    missing = tmp_path / "missing.html.gz"

    status = detect_main(
        [str(_page(shared_data, IKEA_JSONLD)), str(plain), str(missing)]
    )

    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert status == 1
    assert [line["price"] for line in lines] == [45000, 1250, None]
    assert lines[1]["sku"] == "L-1"
    assert lines[1]["currency"] == "GBP"
    assert lines[2]["error"].startswith("cannot read missing.html.gz")
    assert lines[0]["error"] is None
