"""A broken promise on the till: told once, shown on the order, resolved from tasks.

Given an order taken offline whose item sold out at the engine meanwhile,
the engine accepts it with the line in an exception; the till's notice
names the order and the line in the status bar and the outbox dialog, the
order view shows the exception on the line, and the associate resolves the
task from the tasks panel by choosing one of its options.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from fastapi import FastAPI
from PySide6.QtWidgets import QWidget
from sqlalchemy import func, select, update

from offline_store import AsyncDeviceStore, DeviceStore, SyncWorker
from oms_client import OmsClient
from oms_client.models import (
    CollectFulfilment,
    LineExceptionStatus,
    OrderLineRequest,
    OrderRequest,
    ShownPromise,
)
from oms_core.db.schema import stock
from pos_app.background import BackgroundTasks
from pos_app.broken_promises import BrokenPromiseNotices
from pos_app.widgets.order_view import OrderView
from pos_app.widgets.outbox_dialog import OutboxDialog
from pos_app.widgets.tasks_panel import TasksController, TasksPanel

STORE = "store-0001"


class StatusBarWindow(QWidget):
    """The part of the main window the notices use: its status bar line."""

    def __init__(self) -> None:
        super().__init__()
        self.notices: list[tuple[str, int]] = []

    def notify(self, text: str, timeout_ms: int = 6000) -> None:
        self.notices.append((text, timeout_ms))


@pytest.fixture
async def client(engine_app: FastAPI) -> AsyncIterator[OmsClient]:
    async with OmsClient.in_process(engine_app) as oms:
        yield oms


def _sold_out_at_the_engine(app: FastAPI) -> str:
    """A SKU the store holds; the whole network is then sold out of it."""
    with app.state.engine.begin() as conn:
        sku = conn.scalar(
            select(func.min(stock.c.sku)).where(
                stock.c.location_id == STORE,
                stock.c.on_hand - stock.c.reserved - stock.c.buffer > 0,
            )
        )
        conn.execute(
            update(stock)
            .where(stock.c.sku == sku)
            .values(on_hand=stock.c.reserved + stock.c.buffer)
        )
    return sku


def _offline_request(sku: str) -> OrderRequest:
    return OrderRequest(
        selling_location_id=STORE,
        lines=[
            OrderLineRequest(
                sku=sku,
                quantity=2,
                fulfilment=CollectFulfilment(location_id=STORE),
                promise=ShownPromise(
                    location_id=STORE, atp_seen=5, as_of=datetime.now(UTC)
                ),
            )
        ],
    )


async def test_the_associate_is_told_and_resolves_the_broken_promise(
    qtbot, client, engine_app, tmp_path
):
    sku = _sold_out_at_the_engine(engine_app)
    device = AsyncDeviceStore(DeviceStore(tmp_path / "device.sqlite3"))
    window = StatusBarWindow()
    outbox = OutboxDialog(window)
    qtbot.addWidget(window)
    worker = SyncWorker(device, _sender(client))
    notices = BrokenPromiseNotices(device, worker, BackgroundTasks(), window, outbox)
    told: list[str] = []
    notices.told.connect(told.append)

    # The till queued the order offline; the worker sends it now.
    await device.add_item(sku, "An item", 100, "GBP")
    order_id = uuid.uuid4()
    await device.submit_basket(order_id, _offline_request(sku).model_dump(mode="json"))
    await worker.run_pass()
    await notices.check()
    await notices.check()

    [text] = told
    assert f"OA-{order_id.hex[:8].upper()}" in text and "line 1" in text
    assert "task" in text
    assert window.notices == [(text, 0)]
    assert outbox.broken.count() == 1 and outbox.broken.item(0).text() == text

    view = OrderView()
    qtbot.addWidget(view)
    view.show_tracking(await client.get_tracking(order_id), None)
    assert "Line 1: promise broken (open)" in view.details.text()

    panel = TasksPanel()
    qtbot.addWidget(panel)
    controller = TasksController(panel, client, STORE, "s3001")
    await controller.refresh()
    row = next(
        i
        for i in range(panel.list.count())
        if str(order_id)[:8] in panel.list.item(i).text()
    )
    assert panel.list.item(row).text().startswith("Promise broken")
    panel.list.setCurrentRow(row)
    assert not panel.resolution.isHidden()
    assert [panel.resolution.itemData(i) for i in range(panel.resolution.count())] == [
        "resource",
        "cancel_line",
    ]
    panel.resolution.setCurrentIndex(1)
    with qtbot.waitSignal(panel.resolve_requested) as blocker:
        panel.done_button.click()
    await controller.wait_idle()

    assert blocker.args[1] == "cancel_line"
    order = await client.get_order(order_id)
    assert order.lines[0].exception.status is LineExceptionStatus.CANCELLED
    assert (await client.get_process(order_id)).state == "cancelled"
    await device.aclose()


def _sender(client: OmsClient):
    from pos_app.order_sync import engine_sender

    return engine_sender(client)
