"""Placing orders and turning the job runner for the process API tests."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import httpx
from fastapi import FastAPI

from oms_core.process.runner import WorkDone, run_due_work
from tests.api.oms_core_api.helpers import collect_line, deliver_line

HEART = "85123A"
STORE = "store-0001"
OTHER_STORE = "store-0002"


# One definition of an order line, under the short names these tests use.
collect = collect_line
deliver = deliver_line


async def place(
    client: httpx.AsyncClient,
    *lines: dict,
    selling: str = STORE,
    customer: dict | None = None,
) -> dict:
    body: dict = {"selling_location_id": selling, "lines": list(lines)}
    if customer is not None:
        body["customer"] = customer
    answer = await client.post(
        "/v1/orders", json=body, headers={"Idempotency-Key": str(uuid.uuid4())}
    )
    assert answer.status_code == 201, answer.text
    return answer.json()


def turn(app: FastAPI, *, after: timedelta = timedelta(0)) -> WorkDone:
    """One pass of the job runner, ``after`` from now."""
    return run_due_work(
        app.state.engine,
        datetime.now(UTC) + after,
        providers=app.state.payment_providers,
    )


async def state_of(client: httpx.AsyncClient, order_id: str) -> str:
    answer = await client.get(f"/v1/orders/{order_id}/process")
    assert answer.status_code == 200, answer.text
    return answer.json()["state"]


async def tasks_at(client: httpx.AsyncClient, location_id: str) -> list[dict]:
    answer = await client.get(f"/v1/locations/{location_id}/tasks")
    assert answer.status_code == 200, answer.text
    return answer.json()["items"]


async def do_task(
    client: httpx.AsyncClient, task: dict, staff: str = "s1001", found=None
) -> dict:
    claimed = await client.post(f"/v1/tasks/{task['id']}/claim", json={"staff": staff})
    assert claimed.status_code == 200, claimed.text
    body: dict = {"staff": staff}
    if found is not None:
        body["found"] = found
    done = await client.post(f"/v1/tasks/{task['id']}/complete", json=body)
    assert done.status_code == 200, done.text
    return done.json()
