"""Error answers: unknown routes, oversized bodies, unexpected failures."""

from __future__ import annotations

import uuid

from oms_core import reads


async def test_an_unknown_route_is_404_with_an_api_error(client):
    answer = await client.get("/v1/nothing-here")

    assert answer.status_code == 404
    assert answer.json()["code"] == "not_found"


async def test_a_body_over_256_kib_is_413(client):
    answer = await client.post(
        "/v1/orders",
        content=b"{" + b" " * (256 * 1024) + b"}",
        headers={
            "Idempotency-Key": str(uuid.uuid4()),
            "Content-Type": "application/json",
        },
    )

    assert answer.status_code == 413
    assert answer.json()["code"] == "payload_too_large"


async def test_an_unexpected_failure_is_500_without_a_traceback(
    client, monkeypatch, allow_log
):
    allow_log(r"oms_core\.http_guards: unhandled error")

    def broken(_connection):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(reads, "list_locations", broken)

    answer = await client.get("/v1/locations")

    assert answer.status_code == 500
    assert answer.json() == {
        "code": "internal",
        "message": "internal error; it has been logged",
        "detail": None,
    }
    assert "secret" not in answer.text


async def test_openapi_is_served(client):
    schema = (await client.get("/openapi.json")).json()

    assert "/v1/orders" in schema["paths"]
    assert "/v1/stock/{sku}/nearby" in schema["paths"]
    assert (await client.get("/docs")).status_code == 200
