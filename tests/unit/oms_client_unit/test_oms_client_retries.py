"""GETs are retried a bounded number of times; order creation never."""

from __future__ import annotations

import random
import uuid

import httpx
import pytest

from oms_client import (
    OmsClient,
    OmsNotFound,
    OmsServerError,
    OmsUnreachable,
    RetryPolicy,
)
from oms_client.models import CollectFulfilment, OrderLineRequest, OrderRequest
from tests.unit.oms_client_unit.mock_engine import (
    ScriptedEngine,
    SleepRecorder,
    api_error,
    client_for,
    json_answer,
)

DOWN = api_error(503, "internal", "down")


async def test_a_get_recovers_after_transient_failures() -> None:
    engine = ScriptedEngine(
        httpx.ConnectError("refused"), DOWN, json_answer({"items": []})
    )
    sleep = SleepRecorder()

    async with client_for(engine, sleep=sleep) as client:
        assert await client.list_locations() == []

    assert len(engine.requests) == 3
    assert len(sleep.waits) == 2


async def test_get_retries_are_bounded_with_jittered_growing_waits() -> None:
    engine = ScriptedEngine(DOWN)
    sleep = SleepRecorder()
    policy = RetryPolicy(attempts=4, base_delay=0.5, max_delay=1.5)
    client = OmsClient.remote(
        "http://127.0.0.1:8765",
        transport=httpx.MockTransport(engine),
        retry=policy,
        sleep=sleep,
        rng=random.Random(7),
    )

    with pytest.raises(OmsUnreachable):
        await client.list_locations()
    await client.aclose()

    assert len(engine.requests) == 4
    assert len(sleep.waits) == 3
    for wait, ceiling in zip(sleep.waits, [0.5, 1.0, 1.5], strict=True):
        assert 0 <= wait <= ceiling


async def test_retry_after_is_waited_for_when_it_is_short() -> None:
    engine = ScriptedEngine(
        api_error(429, "invalid_request", "slow down", **{"Retry-After": "2"}),
        json_answer([]),
    )
    sleep = SleepRecorder()

    async with client_for(engine, sleep=sleep) as client:
        await client.list_locations()

    assert sleep.waits == [2.0]


async def test_a_long_retry_after_goes_to_the_caller_at_once() -> None:
    engine = ScriptedEngine(
        api_error(503, "internal", "maintenance", **{"Retry-After": "600"})
    )
    sleep = SleepRecorder()

    async with client_for(engine, sleep=sleep) as client:
        with pytest.raises(OmsUnreachable) as caught:
            await client.list_locations()

    assert caught.value.retry_after == 600
    assert len(engine.requests) == 1
    assert sleep.waits == []


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        (api_error(500, "internal", "bug"), OmsServerError),
        (api_error(404, "unknown_sku", "no such sku"), OmsNotFound),
    ],
)
async def test_other_failures_are_not_retried(
    answer: httpx.Response, expected: type[Exception]
) -> None:
    engine = ScriptedEngine(answer)

    async with client_for(engine) as client:
        with pytest.raises(expected):
            await client.get_product("85123A")

    assert len(engine.requests) == 1


@pytest.mark.parametrize(
    "failure", [DOWN, httpx.ReadTimeout("no answer"), httpx.ConnectError("refused")]
)
async def test_order_creation_is_sent_once(failure: object) -> None:
    engine = ScriptedEngine(failure, json_answer({}))
    sleep = SleepRecorder()
    request = OrderRequest(
        selling_location_id="store-0000",
        lines=[
            OrderLineRequest(
                sku="85123A",
                quantity=6,
                fulfilment=CollectFulfilment(location_id="store-0000"),
            )
        ],
    )

    async with client_for(engine, sleep=sleep) as client:
        with pytest.raises(OmsUnreachable):
            await client.create_order(uuid.uuid4(), request)

    assert len(engine.requests) == 1
    assert sleep.waits == []
