"""The served engine holds each write to a role and a store.

Network administration needs an admin token; stock adjustments and tasks
need a till of the store (or an admin); a kiosk does neither. Each route is
called with a wrong token, the right one and none.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import httpx
import pytest
from fastapi import FastAPI

from oms_core.device_tokens import DeviceRole, TokenError, issue_token
from oms_core.process.runner import run_due_work
from oms_core.process.service import providers_or_default
from oms_core.service_app import create_service_app
from oms_core.service_settings import ServiceSettings
from tests.api.oms_core_api.helpers import collect_line, order_body

HEART = "85123A"
HOME = "store-0001"
OTHER = "store-0002"
DEPOT = "dc-doncaster"


@pytest.fixture
async def served(engine_database_url: str) -> AsyncIterator[FastAPI]:
    app = create_service_app(ServiceSettings(database_url=engine_database_url))
    yield app
    app.state.engine.dispose()


@pytest.fixture
def tokens(served: FastAPI) -> dict[str, str]:
    """A till and a kiosk of HOME, a till of OTHER and an admin."""
    engine = served.state.engine
    return {
        "till": issue_token(engine, HOME, DeviceRole.TILL)[0],
        "kiosk": issue_token(engine, HOME, DeviceRole.KIOSK)[0],
        "other_till": issue_token(engine, OTHER, DeviceRole.TILL)[0],
        "admin": issue_token(engine, HOME, DeviceRole.ADMIN)[0],
    }


def _http(app: FastAPI, token: str | None = None) -> httpx.AsyncClient:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url="http://engine.test",
        headers=headers,
    )


async def _call(app: FastAPI, token: str | None, request: tuple) -> httpx.Response:
    method, path, body = request
    async with _http(app, token) as http:
        return await http.request(method, path, json=body)


ADMIN_CALLS = {
    "location state": ("PUT", f"/v1/locations/{OTHER}/state", {"state": "open"}),
    "opening hours": (
        "PUT",
        f"/v1/locations/{OTHER}/opening-hours",
        {"opening_hours": "Mo-Sa 08:00-20:00; Su 10:00-16:00"},
    ),
    "sourcing rules": ("PUT", f"/v1/sourcing/rules/{OTHER}", {"name": "nearest"}),
    "process reload": ("POST", "/v1/processes/reload", None),
    "webhook": (
        "POST",
        "/v1/webhooks",
        {"url": "http://127.0.0.1:9/hook", "secret": "s" * 16},
    ),
    "webhook list": ("GET", "/v1/webhooks", None),
    "network buffer": ("PUT", "/v1/stock/buffers", {"sku": HEART, "units": 1}),
}


@pytest.mark.parametrize("name", list(ADMIN_CALLS))
async def test_network_administration_needs_an_admin_token(
    served: FastAPI, tokens: dict[str, str], name: str
) -> None:
    call = ADMIN_CALLS[name]

    refused = {
        role: await _call(served, tokens[role], call) for role in ("till", "kiosk")
    }
    anonymous = await _call(served, None, call)
    admin = await _call(served, tokens["admin"], call)

    for answer in refused.values():
        assert answer.status_code == 403, answer.text
        assert answer.json()["code"] == "not_permitted"
    assert anonymous.status_code == 401
    assert admin.status_code in (200, 201), admin.text


def _adjustment(location_id: str) -> tuple:
    body = {"location_id": location_id, "kind": "receipt", "quantity": 2}
    return ("POST", f"/v1/stock/{HEART}/adjustments", body)


async def test_stock_is_adjusted_by_a_till_of_its_store_or_an_admin(
    served: FastAPI, tokens: dict[str, str]
) -> None:
    elsewhere = await _call(served, tokens["till"], _adjustment(OTHER))
    kiosk = await _call(served, tokens["kiosk"], _adjustment(HOME))
    anonymous = await _call(served, None, _adjustment(HOME))
    own = await _call(served, tokens["till"], _adjustment(HOME))
    admin = await _call(served, tokens["admin"], _adjustment(OTHER))

    assert elsewhere.status_code == 403
    assert elsewhere.json()["code"] == "not_permitted"
    assert kiosk.status_code == 403
    assert "kiosk" in kiosk.json()["message"]
    assert anonymous.status_code == 401
    assert own.status_code == 201, own.text
    assert admin.status_code == 201, admin.text


async def test_a_store_buffer_is_set_by_a_till_of_that_store(
    served: FastAPI, tokens: dict[str, str]
) -> None:
    def buffer(location_id: str) -> tuple:
        body = {"location_id": location_id, "sku": HEART, "units": 2}
        return ("PUT", "/v1/stock/buffers", body)

    elsewhere = await _call(served, tokens["till"], buffer(OTHER))
    kiosk = await _call(served, tokens["kiosk"], buffer(HOME))
    own = await _call(served, tokens["till"], buffer(HOME))

    assert elsewhere.status_code == 403
    assert kiosk.status_code == 403
    assert own.status_code == 200, own.text


async def _pick_task_at_home(app: FastAPI, till: str) -> dict:
    async with _http(app, till) as http:
        placed = await http.post(
            "/v1/orders",
            json=order_body(collect_line(HEART, HOME), selling=HOME),
            headers={"Idempotency-Key": str(uuid.uuid4())},
        )
        assert placed.status_code == 201, placed.text
        run_due_work(
            app.state.engine, datetime.now(UTC), providers=providers_or_default(None)
        )
        listed = await http.get(f"/v1/locations/{HOME}/tasks")
    tasks = [t for t in listed.json()["items"] if t["order_id"] == placed.json()["id"]]
    assert tasks, listed.text
    return tasks[0]


async def test_a_task_is_worked_by_a_till_of_its_store_only(
    served: FastAPI, tokens: dict[str, str]
) -> None:
    task = await _pick_task_at_home(served, tokens["till"])
    claim = ("POST", f"/v1/tasks/{task['id']}/claim", {"staff": "s1001"})
    seq = task["lines"][0]["seq"]
    complete = (
        "POST",
        f"/v1/tasks/{task['id']}/complete",
        {"staff": "s1001", "found": [{"seq": seq, "found": 1}]},
    )

    claimed_elsewhere = await _call(served, tokens["other_till"], claim)
    claimed_by_kiosk = await _call(served, tokens["kiosk"], claim)
    claimed_anonymously = await _call(served, None, claim)
    claimed = await _call(served, tokens["till"], claim)
    completed_elsewhere = await _call(served, tokens["other_till"], complete)
    completed_by_kiosk = await _call(served, tokens["kiosk"], complete)
    completed = await _call(served, tokens["till"], complete)

    for answer in (
        claimed_elsewhere,
        claimed_by_kiosk,
        completed_elsewhere,
        completed_by_kiosk,
    ):
        assert answer.status_code == 403, answer.text
        assert answer.json()["code"] == "not_permitted"
    assert claimed_anonymously.status_code == 401
    assert claimed.status_code == 200, claimed.text
    assert completed.status_code == 200, completed.text
    assert completed.json()["status"] == "done"


async def test_a_kiosk_is_refused_even_a_task_that_does_not_exist(
    served: FastAPI, tokens: dict[str, str]
) -> None:
    claim = ("POST", f"/v1/tasks/{uuid.uuid4()}/claim", {"staff": "s1001"})

    kiosk = await _call(served, tokens["kiosk"], claim)
    till = await _call(served, tokens["till"], claim)

    assert kiosk.status_code == 403
    assert till.status_code == 404


async def test_a_count_may_name_each_task_line_once(
    served: FastAPI, tokens: dict[str, str]
) -> None:
    task = await _pick_task_at_home(served, tokens["till"])
    seq = task["lines"][0]["seq"]
    path = f"/v1/tasks/{task['id']}"

    async with _http(served, tokens["till"]) as http:
        await http.post(f"{path}/claim", json={"staff": "s1001"})
        twice = await http.post(
            f"{path}/complete",
            json={
                "staff": "s1001",
                "found": [{"seq": seq, "found": 1}, {"seq": seq, "found": 3}],
            },
        )
        after = await http.get(f"/v1/locations/{HOME}/tasks")

    assert twice.status_code == 422
    assert twice.json()["code"] == "invalid_request"
    still = [t for t in after.json()["items"] if t["id"] == task["id"]]
    assert still[0]["status"] == "claimed"


async def test_without_tokens_every_write_stays_allowed(
    engine_database_url: str, allow_log
) -> None:
    allow_log("serving WITHOUT device tokens")
    app = create_service_app(
        ServiceSettings(database_url=engine_database_url, auth="none")
    )
    try:
        answers = [
            await _call(app, None, call)
            for call in (*ADMIN_CALLS.values(), _adjustment(OTHER))
        ]
    finally:
        app.state.engine.dispose()

    assert all(a.status_code in (200, 201) for a in answers), [
        (a.request.url.path, a.status_code) for a in answers
    ]


async def test_an_admin_token_may_belong_to_a_depot_a_till_may_not(
    served: FastAPI,
) -> None:
    token, _ = issue_token(served.state.engine, DEPOT, DeviceRole.ADMIN)

    with pytest.raises(TokenError):
        issue_token(served.state.engine, DEPOT, DeviceRole.TILL)
    answer = await _call(served, token, _adjustment(DEPOT))

    assert answer.status_code == 201, answer.text


DEEP_BODIES = {
    "objects": b'{"a":' * 5000 + b"1" + b"}" * 5000,
    "arrays": b"[" * 100_000 + b"]" * 100_000,
}


@pytest.mark.parametrize("shape", list(DEEP_BODIES))
async def test_an_order_nested_too_deeply_is_refused_not_a_500(
    served: FastAPI, tokens: dict[str, str], shape: str
) -> None:
    async with _http(served, tokens["till"]) as http:
        answer = await http.post(
            "/v1/orders",
            content=DEEP_BODIES[shape],
            headers={
                "Idempotency-Key": str(uuid.uuid4()),
                "Content-Type": "application/json",
            },
        )

    assert answer.status_code == 400, answer.text
    assert answer.json()["code"] == "invalid_request"


async def _order_at(served: FastAPI, token: str, store: str) -> dict:
    async with _http(served, token) as http:
        answer = await http.post(
            "/v1/orders",
            json=order_body(collect_line(HEART, store), selling=store),
            headers={"Idempotency-Key": str(uuid.uuid4())},
        )
    assert answer.status_code == 201, answer.text
    return answer.json()


async def test_a_kiosk_reads_no_other_stores_orders_tasks_or_events(
    served: FastAPI, tokens: dict[str, str]
) -> None:
    here = await _order_at(served, tokens["till"], HOME)
    there = await _order_at(served, tokens["other_till"], OTHER)

    def read(path: str) -> tuple:
        return ("GET", path, None)

    kiosk_there = await _call(
        served, tokens["kiosk"], read(f"/v1/orders/{there['id']}")
    )
    kiosk_by_ref = await _call(
        served, tokens["kiosk"], read(f"/v1/orders/by-reference/{there['reference']}")
    )
    kiosk_here = await _call(served, tokens["kiosk"], read(f"/v1/orders/{here['id']}"))
    staff_there = await _call(served, tokens["till"], read(f"/v1/orders/{there['id']}"))
    kiosk_tasks = await _call(
        served, tokens["kiosk"], read(f"/v1/locations/{HOME}/tasks")
    )
    till_tasks_there = await _call(
        served, tokens["till"], read(f"/v1/locations/{OTHER}/tasks")
    )
    till_tasks = await _call(
        served, tokens["till"], read(f"/v1/locations/{HOME}/tasks")
    )
    admin_tasks = await _call(
        served, tokens["admin"], read(f"/v1/locations/{OTHER}/tasks")
    )
    kiosk_events = await _call(served, tokens["kiosk"], read("/v1/events"))
    till_events = await _call(served, tokens["till"], read("/v1/events"))

    for refused in (kiosk_there, kiosk_by_ref, kiosk_tasks, till_tasks_there):
        assert refused.status_code == 403, refused.text
        assert refused.json()["code"] == "not_permitted"
    assert kiosk_events.status_code == 403
    for allowed in (kiosk_here, staff_there, till_tasks, admin_tasks, till_events):
        assert allowed.status_code == 200, allowed.text
