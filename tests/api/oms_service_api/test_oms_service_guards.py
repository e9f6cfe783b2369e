"""The served engine: device tokens, store scope, kiosk limits, 413 and 429."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI

from oms_core.device_tokens import DeviceRole, issue_token, revoke_token, token_digest
from oms_core.service_app import create_service_app
from oms_core.service_settings import ServiceSettings
from tests.api.oms_core_api.helpers import collect_line, order_body

HEART = "85123A"
HOME = "store-0001"
OTHER = "store-0002"


def _service(url: str, **changes: object) -> FastAPI:
    return create_service_app(ServiceSettings(database_url=url, **changes))


@pytest.fixture
async def served(engine_database_url: str) -> AsyncIterator[FastAPI]:
    app = _service(engine_database_url)
    yield app
    app.state.engine.dispose()


def _http(app: FastAPI, token: str | None = None) -> httpx.AsyncClient:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url="http://engine.test",
        headers=headers,
    )


def _key() -> dict[str, str]:
    return {"Idempotency-Key": str(uuid.uuid4())}


async def test_a_request_without_a_valid_token_is_refused(served: FastAPI) -> None:
    async with _http(served) as http:
        missing = await http.get(f"/v1/products/{HEART}")
    async with _http(served, "oat_" + "x" * 43) as http:
        unknown = await http.get(f"/v1/products/{HEART}")

    for answer in (missing, unknown):
        assert answer.status_code == 401
        assert answer.json()["code"] == "device_unauthorized"


async def test_an_issued_token_works_until_it_is_revoked(served: FastAPI) -> None:
    token, token_id = issue_token(served.state.engine, HOME, DeviceRole.TILL)

    async with _http(served, token) as http:
        before = await http.get(f"/v1/products/{HEART}")
        assert revoke_token(served.state.engine, token_id)
        after = await http.get(f"/v1/products/{HEART}")

    assert before.status_code == 200
    assert after.status_code == 401
    assert not revoke_token(served.state.engine, token_id)


async def test_the_token_is_stored_only_as_its_digest(served: FastAPI) -> None:
    token, _ = issue_token(served.state.engine, HOME, DeviceRole.TILL)

    with served.state.engine.connect() as connection:
        from sqlalchemy import text

        stored = (
            connection.execute(text("SELECT token_sha256 FROM device_tokens"))
            .scalars()
            .all()
        )

    assert stored == [token_digest(token)]
    assert token not in stored


async def test_a_device_sells_only_for_its_own_store(served: FastAPI) -> None:
    token, _ = issue_token(served.state.engine, HOME, DeviceRole.TILL)

    async with _http(served, token) as http:
        foreign = await http.post(
            "/v1/orders",
            json=order_body(collect_line(HEART, OTHER), selling=OTHER),
            headers=_key(),
        )
        own = await http.post(
            "/v1/orders",
            json=order_body(collect_line(HEART, HOME), selling=HOME),
            headers=_key(),
        )
        other_list = await http.get("/v1/orders", params={"location": OTHER})
        own_list = await http.get("/v1/orders", params={"location": HOME})

    assert foreign.status_code == 403
    assert foreign.json()["code"] == "not_permitted"
    assert own.status_code == 201, own.text
    assert other_list.status_code == 403
    assert [o["id"] for o in own_list.json()["items"]] == [own.json()["id"]]


async def test_a_kiosk_cannot_override_a_price(served: FastAPI) -> None:
    kiosk, _ = issue_token(served.state.engine, HOME, DeviceRole.KIOSK)
    till, _ = issue_token(served.state.engine, HOME, DeviceRole.TILL)
    override = {
        "kind": "price_override",
        "sku": HEART,
        "amount": {"amount": 100, "currency": "GBP"},
        "reason": "damaged box",
        "requested_by": "1001",
        "supervisor_number": "2002",
        "supervisor_pin": "9999",
    }
    order_id = uuid.uuid4()

    async with _http(served, kiosk) as http:
        refused = await http.post(f"/v1/orders/{order_id}/approvals", json=override)
        sale = await http.post(
            "/v1/orders",
            json=order_body(collect_line(HEART, HOME), selling=HOME),
            headers=_key(),
        )
    async with _http(served, till) as http:
        passed_on = await http.post(f"/v1/orders/{order_id}/approvals", json=override)

    assert refused.status_code == 403
    assert "kiosk" in refused.json()["message"]
    assert sale.status_code == 201
    # A till's request reaches the approval rules (which judge the PIN).
    assert "kiosk" not in passed_on.json()["message"]


async def test_a_configured_token_is_accepted(engine_database_url: str) -> None:
    token = "oat_" + "k" * 43
    app = _service(
        engine_database_url,
        device_tokens=[
            {
                "name": "kiosk-1",
                "store_id": HOME,
                "role": "kiosk",
                "sha256": token_digest(token),
            }
        ],
    )
    try:
        async with _http(app, token) as http:
            answer = await http.get(f"/v1/products/{HEART}")
    finally:
        app.state.engine.dispose()
    assert answer.status_code == 200


async def test_an_oversized_body_gets_413(engine_database_url: str) -> None:
    app = _service(engine_database_url, max_body_bytes=2048)
    token, _ = issue_token(app.state.engine, HOME, DeviceRole.TILL)
    try:
        async with _http(app, token) as http:
            answer = await http.post(
                "/v1/orders", content=b"{" + b" " * 4096 + b"}", headers=_key()
            )
    finally:
        app.state.engine.dispose()
    assert answer.status_code == 413
    assert answer.json()["code"] == "payload_too_large"


async def test_too_many_requests_get_429_with_retry_after(
    engine_database_url: str,
) -> None:
    app = _service(engine_database_url, rate_limit_per_minute=6, rate_limit_burst=3)
    try:
        async with _http(app, "oat_" + "z" * 43) as http:
            answers = [await http.get(f"/v1/products/{HEART}") for _ in range(5)]
            health = await http.get("/healthz")
    finally:
        app.state.engine.dispose()

    assert [a.status_code for a in answers] == [401, 401, 401, 429, 429]
    assert answers[3].json()["code"] == "rate_limited"
    assert 1 <= int(answers[3].headers["retry-after"]) <= 10
    assert health.status_code == 200


async def test_ready_when_the_schema_is_at_the_newest_migration(
    served: FastAPI,
) -> None:
    async with _http(served) as http:
        ready = await http.get("/readyz")
    body = ready.json()
    assert ready.status_code == 200, body
    assert body["checks"]["migrations"]["ok"] is True


async def test_not_ready_when_the_schema_is_behind(served: FastAPI) -> None:
    from sqlalchemy import text

    with served.state.engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '0001'"))
    async with _http(served) as http:
        ready = await http.get("/readyz")
    assert ready.status_code == 503
    assert ready.json()["checks"]["migrations"]["current"] == "0001"


async def test_without_tokens_only_when_settings_say_so(
    engine_database_url: str, allow_log
) -> None:
    allow_log("serving WITHOUT device tokens")
    app = _service(engine_database_url, auth="none")
    try:
        async with _http(app) as http:
            answer = await http.get(f"/v1/products/{HEART}")
    finally:
        app.state.engine.dispose()
    assert answer.status_code == 200
