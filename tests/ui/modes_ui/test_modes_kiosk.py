"""The kiosk, tried as a curious customer would, then left alone.

Given a kiosk on the real storefront, when the customer follows a link to
another site, starts a download, opens a new window or asks for a context
menu, each is refused and the page stays on the shop; when the customer
walks away, nothing of them remains: basket, cookies, web storage, history.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from oms_client.models import HANDOVER_CODE_PATTERN
from oms_core.staff import DEMO_STAFF
from tests.till_support import page_loaded, run_js, until

pytestmark = pytest.mark.webengine

SKU = "85123A"
ASSOCIATE = DEMO_STAFF[0]


def test_the_kiosk_refuses_every_way_out(open_till, run):
    kiosk = open_till("kiosk")

    async def scenario() -> None:
        refused: list[str] = []
        kiosk.page.refused.connect(refused.append)

        await run_js(
            kiosk,
            "const a = document.createElement('a');"
            " a.href = 'https://example.com/'; a.id = 'away';"
            " document.body.appendChild(a); a.click();",
        )
        await until(lambda: "navigation to another site" in refused)
        await run_js(kiosk, "window.open('aisle://shop/'); 1")
        await run_js(
            kiosk,
            "const d = document.createElement('a'); d.href = '/';"
            " d.download = 'shop.html'; document.body.appendChild(d); d.click();",
        )
        await page_loaded(kiosk)

        assert "a new window" in refused
        assert kiosk.page.url().toString().startswith("aisle://shop")
        assert kiosk.view.contextMenuPolicy() == Qt.ContextMenuPolicy.NoContextMenu
        assert kiosk.window.isFullScreen() or not kiosk.window.allow_close

    run(scenario())


def test_the_idle_wipe_leaves_nothing_of_the_customer(open_till, run):
    kiosk = open_till("kiosk")

    async def scenario() -> None:
        await kiosk.session.add_to_basket(SKU, 2)
        # (The aisle:// shop gets no cookies or web storage at all; whatever
        # another allowed origin stores lives in the profile that is dropped.)
        kiosk.view.setUrl(kiosk.start_url.resolved("/search?q=heart"))
        await until(lambda: "search" in kiosk.page.url().toString())
        await page_loaded(kiosk)
        old_profile = kiosk._profile

        # When nobody touches the kiosk for its idle time.
        kiosk.modes.idle.restart(200)
        await until(lambda: kiosk.modes.wipes == 1, what="the idle wipe")
        await page_loaded(kiosk)

        # Then nothing of the previous customer remains: the profile that
        # held their cookies, storage and cache is gone with them.
        assert kiosk._profile is not old_profile
        assert kiosk._profile.isOffTheRecord()
        assert kiosk.window.basket_panel.lines == ()
        assert (await kiosk.session.basket()).lines == ()
        assert kiosk.session.customer is None
        # (The fresh page may not have started loading when the wipe ends.)
        await until(lambda: kiosk.page.history().count() >= 1, what="a fresh page")
        assert kiosk.page.history().count() == 1

    run(scenario())


def test_a_kiosk_hand_over_is_taken_over_at_a_till(open_till, run):
    kiosk = open_till("kiosk")
    till = open_till("till")

    async def scenario() -> None:
        await kiosk.session.add_to_basket(SKU, 2)

        code = await kiosk.modes.hand_over_basket()
        kiosk.modes.hand_over.accept()
        await until(lambda: kiosk.modes.wipes == 1, what="the next customer")

        assert code is not None
        import re

        assert re.match(HANDOVER_CODE_PATTERN, code)
        await till.session.sign_in(ASSOCIATE.staff_number, ASSOCIATE.pin)
        await till.modes.handle_code(code)
        assert [(x.sku, x.quantity) for x in till.window.basket_panel.lines] == [
            (SKU, 2)
        ]
        assert kiosk.window.basket_panel.lines == ()

    run(scenario())


def test_the_kiosk_shows_a_customer_no_staff_chrome(open_till):
    # Given a kiosk, when a customer looks at it, then nothing speaks of staff.
    kiosk = open_till("kiosk")
    window = kiosk.window

    assert not window.staff_label.isVisible()
    assert window.search.placeholderText() == "Search the shop"
    assert "signIn" not in window.mode_actions
