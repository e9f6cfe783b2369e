"""Orders reach the engine exactly once, whatever the network does.

The engine is served over real HTTP on loopback, in a child process. One
scenario stops it (as an unplugged cable or a crashed server would) while
the associate submits; the other loses the engine's answer after it has
committed the order.
"""

from __future__ import annotations

import asyncio
import uuid

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLabel, QPushButton, QTableWidget

from oms_client import OmsClient
from tests.e2e.answer_dropping_proxy import AnswerDroppingProxy
from tests.e2e.engine_server import EngineServer
from tests.till_support import (
    STORE_ID,
    open_page,
    run_js,
    settled,
    sign_in_associate,
    until,
)

pytestmark = pytest.mark.webengine

SKU = "84879"  # ASSORTED COLOUR BIRD ORNAMENT, a real best seller


@pytest.fixture
def engine_server(engine_database_url):
    server = EngineServer(engine_database_url)
    server.start()
    yield server
    server.stop()


def test_order_submitted_while_engine_down_arrives_once(
    open_till, run, engine_server, allow_log
):
    allow_log(r"sync_worker: .*(retry|back|unreachable|offline)")
    till = open_till(OmsClient.remote(engine_server.url))

    async def scenario() -> None:
        await sign_in_associate(till)  # a till sells under a person
        # Given a product in the basket, added from the page while online.
        await open_page(till, f"aisle://shop/product/{SKU}")
        await run_js(till, "document.querySelector('[data-add-button]').click()")
        basket = till.window.findChild(QTableWidget, "basketTable")
        await until(lambda: basket.rowCount() == 1, what="the basket line")

        # When the engine goes away and the associate submits.
        await asyncio.get_running_loop().run_in_executor(None, engine_server.stop)
        QTest.mouseClick(
            till.window.findChild(QPushButton, "submit"), Qt.MouseButton.LeftButton
        )

        # Then the order waits on the device and the till says it is offline.
        store = till.services.store
        await until(lambda: _outbox_tries(store), what="a failed send")
        online = till.window.findChild(QLabel, "onlineState")
        await until(lambda: "Offline" in online.text(), what="the offline state")
        assert "1 waiting" in till.window.outbox_button.text()
        await asyncio.sleep(1.5)  # several retries against a dead engine
        (entry,) = await store.entries()
        assert str(entry.state) == "pending"

        # When the engine is back.
        await asyncio.get_running_loop().run_in_executor(None, engine_server.start)
        till.services.worker.wake()

        # Then the order is accepted, and the engine holds it exactly once.
        await until(lambda: _accepted(store, 1), timeout=30, what="acceptance")
        async with OmsClient.remote(engine_server.url) as fresh:
            orders = await fresh.list_orders(STORE_ID)
        assert [order.id for order in orders] == [entry.order_id]
        await until(lambda: "Online" in online.text(), what="the online state")
        await settled(till, entry.order_id)

    run(scenario())


def test_answer_lost_after_commit_is_retried_into_the_same_order(
    open_till, run, engine_server, allow_log
):
    allow_log(r"sync_worker: .*(retry|back|unreachable|offline)")

    async def start_proxy() -> AnswerDroppingProxy:
        proxy = AnswerDroppingProxy(
            engine_server.port, method="POST", path="/v1/orders", drops=1
        )
        await proxy.start()
        return proxy

    proxy = run(start_proxy())
    till = open_till(OmsClient.remote(proxy.url))

    async def scenario() -> None:
        await sign_in_associate(till)  # a till sells under a person
        async with OmsClient.remote(engine_server.url) as direct:
            before = (await direct.stock_at(SKU, STORE_ID))[0].atp

        # Given a basket with two of the product.
        await till.session.add_to_basket(SKU, 2)

        # When the associate submits and the engine's answer is lost.
        QTest.mouseClick(
            till.window.findChild(QPushButton, "submit"), Qt.MouseButton.LeftButton
        )

        # Then the retry gets the same order back and the device accepts it.
        store = till.services.store
        await until(lambda: _accepted(store, 1), timeout=30, what="acceptance")
        assert proxy.dropped == 1
        (entry,) = await store.entries()
        assert entry.attempts >= 2
        assert uuid.UUID(entry.answer["id"]) == entry.order_id

        # And the engine holds one order, with stock reserved once.
        async with OmsClient.remote(engine_server.url) as direct:
            orders = await direct.list_orders(STORE_ID)
            after = (await direct.stock_at(SKU, STORE_ID))[0].atp
        assert [order.id for order in orders] == [entry.order_id]
        assert after == before - 2
        await settled(till, entry.order_id)
        await proxy.stop()

    run(scenario())


async def _outbox_tries(store) -> bool:
    entries = await store.entries()
    return bool(entries) and entries[0].attempts >= 1 and entries[0].last_error


async def _accepted(store, count: int) -> bool:
    summary = await store.outbox_summary()
    return summary.get("accepted", 0) == count and summary.get("pending", 0) == 0
