"""BridgeObject without a browser: origin check, dispatch and replies."""

from __future__ import annotations

import asyncio
import json

import pytest
import shiboken6

from bridge.channel import BridgeObject
from bridge.messages import BasketView, BridgeRefusedError, ErrorCode, MoneyView


class Host:
    def __init__(self) -> None:
        self.calls: list[tuple] = []
        self.refuse = False

    async def add_to_basket(self, sku: str, quantity: int) -> BasketView:
        self.calls.append((sku, quantity))
        if self.refuse:
            raise BridgeRefusedError(ErrorCode.REFUSED, "unknown SKU")
        money = MoneyView(amount=0, currency="GBP")
        return BasketView(lines=[], total=money, count=quantity)

    async def get_stock(self, sku: str):
        return {"not": "a stock view"}

    async def get_basket(self) -> BasketView:
        raise AssertionError("not called")


def _run(bridge: BridgeObject, message: str) -> dict:
    replies: list[str] = []
    bridge.reply_ready.connect(replies.append)

    async def scenario() -> None:
        bridge.post(message)
        while not replies:
            await asyncio.sleep(0)

    asyncio.run(asyncio.wait_for(scenario(), timeout=5))
    return json.loads(replies[0])


@pytest.fixture
def host() -> Host:
    return Host()


def test_a_valid_call_reaches_the_host_and_is_answered(qapp, host):
    bridge = BridgeObject(host, lambda: True)

    reply = _run(
        bridge, '{"id": 3, "type": "add_to_basket", "sku": "A1", "quantity": 2}'
    )

    assert reply["ok"] is True
    assert reply["id"] == 3
    assert reply["result"]["count"] == 2
    assert host.calls == [("A1", 2)]


def test_every_call_checks_the_origin(qapp, host, allow_log):
    allow_log("Refused a page message: origin_not_allowed")
    bridge = BridgeObject(host, lambda: False)

    reply = _run(
        bridge, '{"id": 3, "type": "add_to_basket", "sku": "A1", "quantity": 2}'
    )

    assert reply["error"]["code"] == "origin_not_allowed"
    assert host.calls == []


def test_a_host_refusal_reaches_the_page(qapp, host, allow_log):
    allow_log("Refused a page message: refused: unknown SKU")
    host.refuse = True
    bridge = BridgeObject(host, lambda: True)

    reply = _run(
        bridge, '{"id": 1, "type": "add_to_basket", "sku": "Z", "quantity": 1}'
    )

    assert reply == {
        "id": 1,
        "ok": False,
        "error": {"code": "refused", "message": "unknown SKU"},
    }


def test_a_wrong_answer_from_the_host_is_a_generic_error(qapp, host, allow_log):
    allow_log("bridge host failed")
    bridge = BridgeObject(host, lambda: True)

    reply = _run(bridge, '{"id": 1, "type": "get_stock", "sku": "Z"}')

    assert reply["error"]["code"] == "internal"


def test_without_a_running_loop_the_page_is_told_to_wait(qapp, host, allow_log):
    allow_log("Refused a page message: unavailable")
    bridge = BridgeObject(host, lambda: True)
    replies: list[str] = []
    bridge.reply_ready.connect(replies.append)

    bridge.post('{"id": 1, "type": "get_basket"}')

    assert json.loads(replies[0])["error"]["code"] == "unavailable"


def test_an_answer_for_a_page_that_went_meanwhile_is_dropped_quietly(qapp, host):
    # Given a call whose host answer is still on its way.
    gate = asyncio.Event()
    slow_add = host.add_to_basket

    async def add_when_released(sku: str, quantity: int) -> BasketView:
        await gate.wait()
        return await slow_add(sku, quantity)

    host.add_to_basket = add_when_released
    bridge = BridgeObject(host, lambda: True)

    async def scenario() -> None:
        bridge.post('{"id": 1, "type": "add_to_basket", "sku": "A1", "quantity": 1}')
        await asyncio.sleep(0)

        # When the page and its bridge object go (a kiosk wipe, a closed
        # window) before the answer is ready.
        (answer,) = [
            task
            for task in asyncio.all_tasks()
            if task.get_coro().__qualname__ == "BridgeObject._answer"
        ]
        shiboken6.delete(bridge)
        gate.set()
        await asyncio.wait([answer])

        # Then the answer is dropped without an error escaping.
        assert answer.exception() is None

    asyncio.run(asyncio.wait_for(scenario(), timeout=5))
    assert host.calls == [("A1", 1)]
