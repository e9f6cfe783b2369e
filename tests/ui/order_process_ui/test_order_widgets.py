"""The order view and the tasks panel on real engine data, off screen."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from fastapi import FastAPI

from oms_client import OmsClient
from oms_client.models import CollectFulfilment, OrderLineRequest, OrderRequest
from oms_core.process.runner import run_due_work
from pos_app.widgets.order_view import OrderView
from pos_app.widgets.tasks_panel import TasksController, TasksPanel

STORE = "store-0001"
HEART = "85123A"


@pytest.fixture
async def client(engine_app: FastAPI) -> AsyncIterator[OmsClient]:
    async with OmsClient.in_process(engine_app) as oms:
        yield oms


async def _order(client: OmsClient, engine_app: FastAPI, quantity: int = 2):
    request = OrderRequest(
        selling_location_id=STORE,
        lines=[
            OrderLineRequest(
                sku=HEART,
                quantity=quantity,
                fulfilment=CollectFulfilment(location_id=STORE),
            )
        ],
    )
    order = await client.create_order(uuid.uuid4(), request)
    run_due_work(engine_app.state.engine, datetime.now(UTC), deliver=False)
    return order


async def test_the_order_view_shows_timeline_payments_and_picture(
    qtbot, client, engine_app
):
    order = await _order(client, engine_app)
    view = OrderView()
    qtbot.addWidget(view)

    view.show_tracking(
        await client.get_tracking(order.id), await client.process_picture(order.id)
    )

    assert view.order_id == str(order.id)
    assert view.timeline.rowCount() >= 3
    assert view.timeline.item(0, 2).text() == "Order placed"
    assert view.picture.renderer().isValid()
    assert view.picture.renderer().defaultSize().width() > 100
    with qtbot.waitSignal(view.cancel_requested) as blocker:
        view._cancel.click()
    assert blocker.args == [str(order.id)]


async def test_an_associate_picks_packs_and_hands_over_from_the_tasks_panel(
    qtbot, client, engine_app
):
    order = await _order(client, engine_app)
    panel = TasksPanel()
    qtbot.addWidget(panel)
    controller = TasksController(panel, client, STORE, "s3001")
    finished: list[str] = []
    controller.task_completed.connect(finished.append)

    for kind in ("Pick", "Pack", "Hand over"):
        await controller.refresh()
        row = next(
            i
            for i in range(panel.list.count())
            if str(order.id)[:8] in panel.list.item(i).text()
        )
        assert panel.list.item(row).text().startswith(kind)
        panel.list.setCurrentRow(row)
        await controller.complete(panel.selected_task_id(), -1)
    run_due_work(engine_app.state.engine, datetime.now(UTC), deliver=False)

    assert len(finished) == 3
    assert (await client.get_process(order.id)).state == "completed"


async def test_a_short_pick_from_the_panel_sends_the_found_quantity(
    qtbot, client, engine_app
):
    order = await _order(client, engine_app, quantity=3)
    panel = TasksPanel()
    qtbot.addWidget(panel)
    controller = TasksController(panel, client, STORE, "s3002")
    await controller.refresh()
    row = next(
        i
        for i in range(panel.list.count())
        if str(order.id)[:8] in panel.list.item(i).text()
    )
    panel.list.setCurrentRow(row)
    assert panel.short_button.isEnabled()
    panel.found.setValue(1)

    with qtbot.waitSignal(panel.complete_requested) as blocker:
        panel.short_button.click()
    await controller.wait_idle()

    assert blocker.args == [panel.selected_task_id() or blocker.args[0], 1]
    tracking = await client.get_tracking(order.id)
    kinds = [event.kind for event in tracking.timeline]
    assert "order.line_resourced" in kinds or "order.line_short" in kinds
