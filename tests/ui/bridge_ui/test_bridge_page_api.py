"""window.openAisle in the real browser: present where allowed, nowhere else."""

from __future__ import annotations

import asyncio
import json
import os
import signal

import pytest

from bridge.allowlist import AllowList
from bridge.install import PageBridge
from bridge.scripts import PAGE_API_SCRIPT_NAME, RELAY_SCRIPT_NAME

from .conftest import FakeHost, evaluate, load, reload, settle

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


@pytest.fixture
def pages(test_pages):
    test_pages.pages.update(
        {
            "allowed/": PLAIN,
            "allowed/other": PLAIN,
            "foreign/": PLAIN,
        }
    )
    return test_pages


def test_api_works_on_an_allowed_origin(page, bridge, host, pages, run):
    async def scenario():
        assert await load(page, f"{ALLOWED}/")
        await settle(page, "window.openAisle.ready")
        added = await settle(
            page, "window.openAisle.addToBasket({sku: '85123A', quantity: 2})"
        )
        stock = await settle(page, "window.openAisle.getStock('85123A')")
        frozen = await evaluate(page, "Object.isFrozen(window.openAisle)")
        version = await evaluate(page, "window.openAisle.version")
        return added, stock, frozen, version

    added, stock, frozen, version = run(scenario())

    assert added["value"]["count"] == 2
    assert added["value"]["total"] == {"amount": 500, "currency": "GBP"}
    assert stock["value"]["stale"] is True
    assert stock["value"]["here"][0]["atp"] == 4
    assert stock["value"]["as_of"].startswith("2024-05-01T10:00:00")
    assert frozen is True
    assert version == "1.0"
    assert host.calls == [("add_to_basket", "85123A", "2"), ("get_stock", "85123A")]
    assert page.console_errors() == []


def test_api_is_absent_on_a_foreign_origin(page, bridge, pages, run):
    async def scenario():
        assert await load(page, f"{FOREIGN}/")
        return (
            await evaluate(page, "typeof window.openAisle"),
            await evaluate(page, "typeof qt"),
        )

    assert run(scenario()) == ("undefined", "undefined")
    assert page.console_errors() == []


def test_page_code_cannot_reach_the_channel(page, bridge, pages, run):
    async def scenario():
        assert await load(page, f"{ALLOWED}/")
        await settle(page, "window.openAisle.ready")
        return (
            await evaluate(page, "typeof qt"),
            await evaluate(page, "typeof QWebChannel"),
            await evaluate(page, "Object.keys(window.openAisle).sort().join()"),
        )

    transport, channel, keys = run(scenario())

    assert transport == "undefined"
    assert channel == "undefined"
    assert keys == "addToBasket,getBasket,getStock,onBasketChanged,ready,version"


def test_api_is_absent_inside_frames(page, bridge, pages, run):
    pages.pages["allowed/"] = (
        "<!doctype html><body>"
        "<iframe id=a src='oatest://allowed/other'></iframe>"
        "<iframe id=b srcdoc='<p>inline</p>'></iframe></body>"
    )

    async def scenario():
        assert await load(page, f"{ALLOWED}/")
        await settle(page, "window.openAisle.ready")
        return await evaluate(
            page,
            "[0, 1].map((i) => typeof frames[i].openAisle + '/' + "
            "typeof frames[i].qt).join()",
        )

    assert run(scenario()) == "undefined/undefined,undefined/undefined"
    assert page.console_errors() == []


def test_api_goes_away_when_leaving_for_a_foreign_origin(page, bridge, pages, run):
    async def scenario():
        assert await load(page, f"{ALLOWED}/")
        await settle(page, "window.openAisle.ready")
        assert await load(page, f"{FOREIGN}/")
        after_load = await evaluate(page, "typeof window.openAisle")
        assert await load(page, f"{ALLOWED}/")
        await settle(page, "window.openAisle.ready")
        await evaluate(page, f"location.href = '{FOREIGN}/'; true")
        while page.url().host() != "foreign":
            await asyncio.sleep(0.02)
        await evaluate(page, "document.readyState")
        return after_load, await evaluate(page, "typeof window.openAisle")

    assert run(scenario()) == ("undefined", "undefined")
    assert not page.scripts().find(PAGE_API_SCRIPT_NAME)


def test_api_arrives_when_a_link_leads_to_an_allowed_origin(
    page, bridge, host, pages, run
):
    pages.pages["foreign/"] = f"<!doctype html><a id=go href='{ALLOWED}/other'>shop</a>"

    async def scenario():
        assert await load(page, f"{FOREIGN}/")
        await evaluate(page, "document.getElementById('go').click(); true")
        while page.url().host() != "allowed":
            await asyncio.sleep(0.02)
        while await evaluate(page, "typeof window.openAisle") != "object":
            await asyncio.sleep(0.02)
        return await settle(page, "openAisle.addToBasket({sku: 'B2', quantity: 1})")

    assert run(scenario())["value"]["count"] == 1
    assert page.console_errors() == []


def test_calls_before_ready_are_not_lost(page, bridge, host, pages, run):
    pages.pages["allowed/"] = (
        "<!doctype html><script>"
        "window.early = openAisle.addToBasket({sku: 'A1', quantity: 3})"
        "  .then((basket) => basket.count);"
        "</script>"
    )

    async def scenario():
        assert await load(page, f"{ALLOWED}/")
        return await settle(page, "window.early")

    assert run(scenario()) == {"value": 3}
    assert host.calls == [("add_to_basket", "A1", "3")]
    assert page.console_errors() == []


@pytest.mark.parametrize(
    ("call", "code"),
    [
        ("openAisle.addToBasket({sku: 'no spaces', quantity: 1})", "invalid"),
        ("openAisle.addToBasket({sku: 'A1', quantity: 1000})", "invalid"),
        ("openAisle.addToBasket({sku: 'A1', quantity: 1.5})", "invalid"),
        ("openAisle.addToBasket({sku: 'A1'})", "invalid"),
        ("openAisle.addToBasket(null)", "invalid"),
        ("openAisle.getStock('x'.repeat(40))", "invalid"),
        ("openAisle.getStock('x'.repeat(20000))", "too_large"),
    ],
)
def test_invalid_calls_get_a_clear_error(
    page, bridge, host, pages, run, allow_log, call, code
):
    allow_log(r"Refused a page message")

    async def scenario():
        assert await load(page, f"{ALLOWED}/")
        return await settle(page, call)

    outcome = run(scenario())

    assert outcome["error"]["code"] == code
    assert outcome["error"]["message"]
    assert host.calls == []


def test_forged_messages_are_refused(page, bridge, host, pages, run, allow_log):
    allow_log(r"Refused a page message")
    listen = (
        "window.replies = [];"
        "addEventListener('openaisle:reply', (e) => replies.push(e.detail));"
    )
    forge = (
        "for (const text of ['nonsense', '[1]', '{\"id\": 1, \"type\": \"rm\"}',"
        ' \'{"id": 9007199254740993, "type": "get_basket"}\']) {'
        "  dispatchEvent(new CustomEvent('openaisle:request', {detail: text}));"
        "} true"
    )

    async def scenario():
        assert await load(page, f"{ALLOWED}/")
        await settle(page, "window.openAisle.ready")
        await evaluate(page, listen)
        await evaluate(page, forge)
        while await evaluate(page, "replies.length") < 4:
            await asyncio.sleep(0.02)
        texts = json.loads(await evaluate(page, "JSON.stringify(replies)"))
        return [json.loads(text) for text in texts]

    replies = run(scenario())

    codes = [reply["error"]["code"] for reply in replies]
    assert codes == ["not_json", "not_json", "unknown_type", "invalid_id"]
    assert host.calls == []


def test_a_failing_host_gives_a_generic_error(
    page, bridge, host, pages, run, allow_log
):
    allow_log(r"bridge host failed")
    host.fail_with = RuntimeError("database on fire")

    async def scenario():
        assert await load(page, f"{ALLOWED}/")
        return await settle(page, "openAisle.addToBasket({sku: 'A1', quantity: 1})")

    outcome = run(scenario())

    assert outcome["error"] == {
        "code": "internal",
        "message": "openAisle: the app could not answer",
    }


def test_basket_changes_reach_every_listener_until_unsubscribed(
    page, bridge, host, pages, run
):
    subscribe = (
        "window.seen = [];"
        "const stop = openAisle.onBasketChanged((b) => seen.push('a' + b.count));"
        "openAisle.onBasketChanged((b) => seen.push('b' + b.count));"
        "window.stopA = stop; true"
    )

    async def scenario():
        assert await load(page, f"{ALLOWED}/")
        await settle(page, "window.openAisle.ready")
        await evaluate(page, subscribe)
        host.quantities["A1"] = 1
        bridge.notify_basket_changed(host.basket())
        while await evaluate(page, "seen.length") < 2:
            await asyncio.sleep(0.02)
        await evaluate(page, "stopA(); true")
        host.quantities["A1"] = 2
        bridge.notify_basket_changed(host.basket())
        while await evaluate(page, "seen.length") < 3:
            await asyncio.sleep(0.02)
        return await evaluate(page, "seen.join()")

    assert run(scenario()) == "a1,b1,b2"
    assert page.console_errors() == []


def test_ten_reloads_leave_exactly_one_bridge(page, bridge, host, pages, run):
    async def scenario():
        assert await load(page, f"{ALLOWED}/")
        for _ in range(10):
            assert await reload(page)
        await settle(page, "window.openAisle.ready")
        return await settle(page, "openAisle.addToBasket({sku: 'A1', quantity: 1})")

    outcome = run(scenario())

    assert outcome["value"]["count"] == 1
    assert host.calls == [("add_to_basket", "A1", "1")]
    assert len(page.scripts().find(PAGE_API_SCRIPT_NAME)) == 1
    assert len(page.scripts().find(RELAY_SCRIPT_NAME)) == 1


def test_the_bridge_survives_a_crashed_renderer(page, bridge, host, pages, run):
    async def scenario():
        assert await load(page, f"{ALLOWED}/")
        await settle(page, "window.openAisle.ready")
        ended = asyncio.get_running_loop().create_future()
        page.renderProcessTerminated.connect(
            lambda *_: ended.done() or ended.set_result(True)
        )
        os.kill(page.renderProcessPid(), signal.SIGKILL)
        await ended
        assert await load(page, f"{ALLOWED}/")
        await settle(page, "window.openAisle.ready")
        return await settle(page, "openAisle.addToBasket({sku: 'A1', quantity: 1})")

    assert run(scenario())["value"]["count"] == 1
    assert host.calls == [("add_to_basket", "A1", "1")]
