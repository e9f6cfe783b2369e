"""The storefront drawn off screen: a picture to look at, and not blank.

Set STOREFRONT_SCREENSHOT_DIR to keep the pictures; otherwise they go to
the test's temporary folder.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtWebEngineWidgets import QWebEngineView

from pos_app.storefront.scheme import STOREFRONT_ORIGIN

pytestmark = pytest.mark.webengine


@pytest.fixture
def view(bridged_page):
    view = QWebEngineView()
    view.setPage(bridged_page)
    view.resize(1280, 900)
    view.show()
    yield view
    view.hide()
    shiboken6.delete(view)


@pytest.mark.parametrize("path", ["/product/{sku}", "/", "/search?q=lantern"])
def test_pages_draw_like_a_shop(
    qloop, view, bridged_page, real_products, tmp_path, path
):
    page = bridged_page
    url = STOREFRONT_ORIGIN + path.format(sku=real_products[2].sku)

    async def scenario():
        assert await page.open(url)
        await page.wait_for_js("document.body.dataset.shopReady")
        await page.wait_for_js("document.fonts.status == 'loaded'")
        await asyncio.sleep(0.3)

    qloop.run_until_complete(scenario())
    picture = view.grab().toImage()

    folder = Path(os.environ.get("STOREFRONT_SCREENSHOT_DIR", tmp_path))
    name = path.strip("/").split("/")[0].split("?")[0] or "home"
    picture.save(str(folder / f"storefront_{name}.png"))
    colours = {
        picture.pixel(x, y)
        for x in range(0, picture.width(), 40)
        for y in range(0, picture.height(), 40)
    }
    assert picture.width() == 1280
    assert len(colours) > 10
    assert page.errors() == []
