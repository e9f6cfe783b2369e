"""Hostile pages against the real bridge: redirects, framing, odd messages.

Given the bridge allowed on one origin, a page on another origin, or one
that redirects, or frames the allowed site, never gets ``window.openAisle``
where it must not; messages forged straight onto the relay's event with
huge ids or wrong types get a clear refusal (a call past the size limit is
refused by the page API before it leaves the page), and an id past 2^53
sent as text comes back exactly.
"""

from __future__ import annotations

import asyncio
import json

import pytest

from bridge.allowlist import AllowList
from bridge.install import PageBridge
from bridge.messages import MAX_MESSAGE_BYTES

from .conftest import FakeHost, evaluate, load, settle

pytestmark = pytest.mark.webengine

ALLOWED = "oatest://allowed"
FOREIGN = "oatest://foreign"
PLAIN = "<!doctype html><html><head><title>t</title></head><body>shop</body></html>"


@pytest.fixture
def host() -> FakeHost:
    return FakeHost()


@pytest.fixture
def bridge(page, host, loop) -> PageBridge:
    return PageBridge(page, host, AllowList([ALLOWED]), loop=loop)


async def wait_for_host(page, host: str) -> None:
    for _ in range(250):
        if page.url().host() == host:
            await evaluate(page, "document.readyState")
            return
        await asyncio.sleep(0.02)
    raise TimeoutError(f"the page never reached {host}")


def test_a_redirect_to_a_foreign_origin_leaves_no_bridge(page, bridge, test_pages, run):
    test_pages.pages.update(
        {
            "allowed/": (
                "<!doctype html><meta http-equiv=refresh "
                "content='0; url=oatest://foreign/'><body>moving</body>"
            ),
            "foreign/": PLAIN,
        }
    )

    async def scenario():
        await load(page, f"{ALLOWED}/")
        await wait_for_host(page, "foreign")
        return await evaluate(page, "typeof window.openAisle + '/' + typeof qt")

    assert run(scenario()) == "undefined/undefined"


def test_a_redirect_to_the_allowed_origin_gives_one_working_bridge(
    page, bridge, host, test_pages, run
):
    test_pages.pages.update(
        {
            "foreign/": (
                "<!doctype html><body><script>"
                "location.replace('oatest://allowed/');</script></body>"
            ),
            "allowed/": PLAIN,
        }
    )

    async def scenario():
        await load(page, f"{FOREIGN}/")
        await wait_for_host(page, "allowed")
        await settle(page, "window.openAisle.ready")
        return await settle(page, "openAisle.addToBasket({sku: 'A1', quantity: 1})")

    assert run(scenario())["value"]["count"] == 1
    assert host.calls == [("add_to_basket", "A1", "1")]


def test_a_foreign_page_framing_the_allowed_site_gets_no_bridge(
    page, bridge, host, test_pages, run
):
    test_pages.pages.update(
        {
            "foreign/": (
                "<!doctype html><body>"
                "<iframe id=shop src='oatest://allowed/'></iframe></body>"
            ),
            "allowed/": PLAIN,
        }
    )

    async def scenario():
        assert await load(page, f"{FOREIGN}/")
        await asyncio.sleep(0.3)
        top = await evaluate(page, "typeof window.openAisle")
        framed = await evaluate(
            page,
            "(() => { try { return typeof frames[0].openAisle; }"
            " catch (e) { return 'cross-origin'; } })()",
        )
        return top, framed

    top, framed = run(scenario())

    assert top == "undefined"
    assert framed in ("undefined", "cross-origin")
    assert host.calls == []


def test_odd_messages_are_refused_and_big_ids_stay_exact(
    page, bridge, host, test_pages, run, allow_log
):
    allow_log(r"Refused a page message")
    test_pages.pages["allowed/"] = PLAIN
    big = str(2**64 + 1)
    messages = [
        {"id": big, "type": "get_basket"},
        {"id": 1, "type": "add_to_basket", "sku": "A1", "quantity": "1"},
        {"id": 2, "type": "add_to_basket", "sku": "A1", "quantity": 2**60},
        {"id": 3, "type": "add_to_basket", "sku": ["A1"], "quantity": 1},
        {"id": 4, "type": "get_stock", "sku": "../../etc/passwd"},
        {"id": -1, "type": "get_basket"},
    ]
    listen = (
        "window.replies = [];"
        "addEventListener('openaisle:reply', (e) => replies.push(e.detail)); true"
    )
    forge = (
        f"for (const text of {json.dumps([json.dumps(m) for m in messages])}) {{"
        "  dispatchEvent(new CustomEvent('openaisle:request', {detail: text}));"
        "} true"
    )

    async def scenario():
        assert await load(page, f"{ALLOWED}/")
        await settle(page, "window.openAisle.ready")
        await evaluate(page, listen)
        await evaluate(page, forge)
        while await evaluate(page, "replies.length") < len(messages):
            await asyncio.sleep(0.02)
        texts = json.loads(await evaluate(page, "JSON.stringify(replies)"))
        oversized = await settle(
            page,
            f"openAisle.addToBasket({{sku: 'x'.repeat({MAX_MESSAGE_BYTES}), "
            "quantity: 1})",
        )
        return [json.loads(text) for text in texts], oversized

    replies, oversized = run(scenario())

    by_id = {json.dumps(reply["id"]): reply for reply in replies}
    assert by_id[json.dumps(big)]["ok"] is True
    assert by_id[json.dumps(big)]["id"] == big
    for request_id in ("1", "2", "3", "4"):
        assert by_id[request_id]["error"]["code"] == "invalid", request_id
    codes = sorted(r["error"]["code"] for r in replies if r["id"] is None)
    assert codes == ["invalid_id"]
    assert oversized["error"]["code"] == "too_large"
    assert host.calls == [("get_basket",)]
