"""Every failed answer becomes the right exception, cause chained."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest

from oms_client import (
    OmsConflict,
    OmsError,
    OmsNotFound,
    OmsProtocolError,
    OmsRejected,
    OmsServerError,
    OmsUnreachable,
    RetryPolicy,
    parse_retry_after,
)
from oms_core.api_models import ErrorCode
from tests.unit.oms_client_unit.mock_engine import (
    ScriptedEngine,
    api_error,
    client_for,
)

NO_RETRY = RetryPolicy(attempts=1)


@pytest.mark.parametrize(
    ("status", "code", "expected"),
    [
        (400, "idempotency_key_missing", OmsRejected),
        (401, "invalid_request", OmsRejected),
        (403, "invalid_request", OmsRejected),
        (404, "unknown_sku", OmsNotFound),
        (409, "idempotency_key_reused", OmsConflict),
        (413, "payload_too_large", OmsRejected),
        (422, "invalid_request", OmsRejected),
        (429, "invalid_request", OmsUnreachable),
        (500, "internal", OmsServerError),
        (501, "internal", OmsServerError),
        (502, "internal", OmsUnreachable),
        (503, "internal", OmsUnreachable),
        (504, "internal", OmsUnreachable),
    ],
)
async def test_each_status_maps_to_its_exception(
    status: int, code: str, expected: type[OmsError]
) -> None:
    engine = ScriptedEngine(api_error(status, code, "as the engine said"))

    async with client_for(engine, retry=NO_RETRY) as client:
        with pytest.raises(expected) as caught:
            await client.get_product("85123A")

    error = caught.value
    assert type(error) is expected
    assert error.status == status
    assert error.error.code == ErrorCode(code)
    assert "as the engine said" in str(error)
    assert isinstance(error.__cause__, httpx.HTTPStatusError)


async def test_a_body_that_is_not_an_api_error_still_gives_a_clear_error() -> None:
    page = httpx.Response(
        502, text="<html>Bad gateway</html>", headers={"content-type": "text/html"}
    )
    engine = ScriptedEngine(page)

    async with client_for(engine, retry=NO_RETRY) as client:
        with pytest.raises(OmsUnreachable) as caught:
            await client.list_locations()

    assert caught.value.error is None
    assert "502 with a body that is not an API error (text/html" in str(caught.value)


async def test_a_redirect_is_not_followed_and_not_mistaken_for_success() -> None:
    engine = ScriptedEngine(httpx.Response(302, headers={"location": "/elsewhere"}))

    async with client_for(engine, retry=NO_RETRY) as client:
        with pytest.raises(OmsProtocolError, match="302"):
            await client.list_locations()

    assert len(engine.requests) == 1


@pytest.mark.parametrize(
    ("exception", "message"),
    [
        (httpx.ConnectError("connection refused"), "could not be reached"),
        (httpx.ReadTimeout("read timed out"), "did not answer in time"),
        (httpx.ConnectTimeout("connect timed out"), "did not answer in time"),
        (httpx.RemoteProtocolError("peer closed"), "could not be reached"),
    ],
)
async def test_transport_failures_are_unreachable(
    exception: Exception, message: str
) -> None:
    engine = ScriptedEngine(exception)

    async with client_for(engine, retry=NO_RETRY) as client:
        with pytest.raises(OmsUnreachable, match=message) as caught:
            await client.get_location("store-0001")

    assert caught.value.status is None
    assert caught.value.__cause__ is exception


async def test_retry_after_travels_with_the_error() -> None:
    engine = ScriptedEngine(
        api_error(503, "internal", "maintenance", **{"Retry-After": "30"})
    )

    async with client_for(engine, retry=NO_RETRY) as client:
        with pytest.raises(OmsUnreachable) as caught:
            await client.list_locations()

    assert caught.value.retry_after == 30


NOW = datetime(2010, 12, 1, 8, 26, tzinfo=UTC)


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ("120", 120.0),
        (" 0 ", 0.0),
        ("Wed, 01 Dec 2010 08:27:30 GMT", 90.0),
        ("Wed, 01 Dec 2010 08:00:00 GMT", 0.0),
        ("Wednesday, 01-Dec-10 08:26:10 GMT", 10.0),
        ("-5", None),
        ("1.5", None),
        ("soon", None),
        ("", None),
        ("٣", None),
        (None, None),
    ],
)
def test_retry_after_parsing(header: str | None, seconds: float | None) -> None:
    assert parse_retry_after(header, NOW) == seconds
