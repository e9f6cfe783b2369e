"""Helpers for tests that drive a whole till on the real QtWebEngine.

Scenarios run on one qasync loop for the session, turned by a local
QEventLoop: qasync's own run_until_complete quits the application, and
QtWebEngine does not survive that. The ``loop`` and ``run`` fixtures are
registered for the whole suite (``tests/conftest.py``); folders that need
another loop define their own.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator
from typing import Any, TypeVar

import pytest
import qasync
from PySide6.QtCore import QEventLoop, QUrl

from oms_client.models import CollectFulfilment, OrderLineRequest, OrderRequest
from oms_core.staff import DEMO_STAFF
from pos_app.till import Till

T = TypeVar("T")

# A very large store among the test template's real stores.
STORE_ID = "store-0006"


@pytest.fixture(scope="session")
def loop(qapp: Any) -> Iterator[asyncio.AbstractEventLoop]:
    """One asyncio loop on Qt's event loop, as the app runs it."""
    event_loop = qasync.QEventLoop(qapp, already_running=False)
    yield event_loop
    event_loop.close()


@pytest.fixture
def run(loop: asyncio.AbstractEventLoop) -> Iterator[Callable[[Awaitable[T]], T]]:
    """Run one scenario to its end, with a time limit.

    The loop counts as running for the whole test, as it does for the whole
    life of the app: a thread's answer (an engine call in flight when a
    scenario ends) may be delivered while Qt turns events between
    scenarios, and must find its loop there.
    """

    def run_scenario(scenario: Awaitable[T], timeout: float = 90) -> T:
        task = loop.create_task(asyncio.wait_for(scenario, timeout=timeout))
        waiter = QEventLoop()
        task.add_done_callback(lambda _: waiter.quit())
        if not task.done():
            waiter.exec()
        return task.result()

    asyncio.events._set_running_loop(loop)
    try:
        yield run_scenario
        # Engine calls cancelled at shut-down still finish on their threads;
        # let their answers land while the loop is there to take them.
        run_scenario(asyncio.sleep(0.3))
    finally:
        asyncio.events._set_running_loop(None)


async def until(
    condition: Callable[[], Any], *, timeout: float = 20, what: str = ""
) -> Any:
    """Wait until ``condition()`` is truthy (sync or async), or fail."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        value = condition()
        if asyncio.iscoroutine(value):
            value = await value
        if value:
            return value
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"timed out waiting for {what or condition}")
        await asyncio.sleep(0.05)


async def run_js(till: Till, code: str) -> Any:
    """Run ``code`` in the page's own world and return its value."""
    result: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
    till.page.runJavaScript(
        code, 0, lambda value: result.done() or result.set_result(value)
    )
    return await asyncio.wait_for(result, 10)


async def open_page(till: Till, url: str) -> None:
    """Load ``url`` in the till's web view and wait for the page."""
    finished: asyncio.Future[bool] = asyncio.get_running_loop().create_future()

    def on_finished(ok: bool) -> None:
        if not finished.done():
            finished.set_result(ok)

    till.page.loadFinished.connect(on_finished)
    try:
        till.view.setUrl(QUrl(url))
        assert await asyncio.wait_for(finished, 20), f"{url} did not load"
    finally:
        till.page.loadFinished.disconnect(on_finished)


async def page_loaded(till: Till) -> None:
    """Wait for the page to finish loading, and for what it asked the engine."""
    await until(lambda: not till.page.isLoading() and till.page.url().isValid())
    await asyncio.sleep(0.3)


async def settled(till: Till, order_id: object) -> None:
    """Wait until the order placed is open in the order view and the till's
    background calls are done, so none is in flight when the scenario ends."""
    await until(
        lambda: till.window.order_view.order_id == str(order_id),
        timeout=30,
        what="the order placed in the order view",
    )
    await until(lambda: till.tasks.pending == 0, what="the background calls")


async def sign_in_associate(till: Till) -> None:
    """Sign the demonstration associate in: a till sells under a person."""
    associate = DEMO_STAFF[0]
    await till.session.sign_in(associate.staff_number, associate.pin)


def collect_here(sku: str, **fields: Any) -> OrderRequest:
    """An order of one unit of ``sku`` collected at the till's store."""
    line = OrderLineRequest(
        sku=sku, quantity=1, fulfilment=CollectFulfilment(location_id=STORE_ID)
    )
    return OrderRequest(selling_location_id=STORE_ID, lines=[line], **fields)
