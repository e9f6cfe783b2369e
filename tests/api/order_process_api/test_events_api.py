"""The outbox read by cursor, signed webhooks with back-off and replay."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from oms_core.events import webhooks
from oms_core.events.signing import HEADER, verify
from tests.api.order_process_api.helpers import HEART, STORE, collect, place, turn

SECRET = "a-shared-secret-of-length"


class Receiver:
    """A scripted subscriber: answers from a list of statuses, then 200."""

    def __init__(self, statuses: list[int]) -> None:
        self.statuses = statuses
        self.received: list[tuple[bytes, dict[str, str]]] = []

    def __call__(self, url: str, body: bytes, headers: dict[str, str]) -> int:
        status = self.statuses.pop(0) if self.statuses else 200
        if status == 200:
            self.received.append((body, headers))
        return status


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    found = Receiver([])
    webhooks.set_sender(found)
    yield found
    webhooks.set_sender(None)


async def test_events_are_read_in_order_after_a_cursor(client, engine_app):
    first = await place(client, collect(HEART, STORE, 1))
    second = await place(client, collect(HEART, STORE, 1))

    everything = (await client.get("/v1/events", params={"after": 0})).json()["items"]
    cursor = everything[-1]["id"]
    turn(engine_app)
    later = (await client.get("/v1/events", params={"after": cursor})).json()["items"]

    ids = [e["id"] for e in everything + later]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    assert all(e["id"] > cursor for e in later)
    for order in (first, second):
        seqs = [
            e["order_seq"] for e in everything + later if e["order_id"] == order["id"]
        ]
        assert seqs == list(range(1, len(seqs) + 1))


async def test_webhooks_are_signed_retried_with_back_off_and_replayable(
    client, engine_app, receiver
):
    created = await client.post(
        "/v1/webhooks", json={"url": "http://127.0.0.1:9/hook", "secret": SECRET}
    )
    assert created.status_code == 201
    hook = created.json()
    assert "secret" not in hook
    await place(client, collect(HEART, STORE, 1))
    receiver.statuses = [500]
    now = datetime.now(UTC)

    from oms_core.events.webhooks import deliver_due

    assert deliver_due(engine_app.state.engine, now) == 0
    waiting = (await client.get("/v1/webhooks")).json()["items"][0]
    assert waiting["attempts"] == 1 and waiting["last_error"] == "status 500"
    assert deliver_due(engine_app.state.engine, now + timedelta(seconds=1)) == 0
    sent = deliver_due(engine_app.state.engine, now + timedelta(seconds=3))

    assert sent == len(receiver.received) > 0
    for body, headers in receiver.received:
        assert verify(SECRET, body, headers[HEADER], int(now.timestamp()) + 3)
        assert not verify(
            "another-secret-entirely", body, headers[HEADER], int(now.timestamp())
        )
    ids = [int(h["OpenAisle-Event-Id"]) for _b, h in receiver.received]
    assert ids == sorted(ids)

    replayed = await client.post(
        f"/v1/webhooks/{hook['id']}/replay", json={"after": ids[0]}
    )
    assert replayed.json()["cursor"] == ids[0]
    again = deliver_due(engine_app.state.engine, now + timedelta(seconds=4))
    assert again == len(ids) - 1


async def test_a_webhook_url_must_be_http(client):
    answer = await client.post(
        "/v1/webhooks", json={"url": "file:///etc/passwd", "secret": SECRET}
    )

    assert answer.status_code == 422


async def test_events_go_to_a_kafka_producer_keyed_by_order(client, engine_app):
    from oms_core.events.kafka import publish_due

    class Producer:
        def __init__(self) -> None:
            self.sent: list[tuple[str, bytes, bytes]] = []
            self.flushed = 0

        def send(self, topic: str, key: bytes, value: bytes) -> None:
            self.sent.append((topic, key, value))

        def flush(self) -> None:
            self.flushed += 1

    order = await place(client, collect(HEART, STORE, 1))
    producer = Producer()

    count = publish_due(engine_app.state.engine, producer, "orders")
    again = publish_due(engine_app.state.engine, producer, "orders")

    assert count == len(producer.sent) > 0 and again == 0
    assert {key for _t, key, _v in producer.sent} == {order["id"].encode()}
    assert producer.flushed == 1


async def test_an_order_is_found_by_email_or_phone_from_any_store(client):
    customer = {
        "name": "Ann Example",
        "email": "Ann@Example.org",
        "phone": "07700 900123",
    }
    order = await place(client, collect(HEART, STORE, 1), customer=customer)

    by_email = await client.get("/v1/tracking", params={"email": "ann@example.org"})
    by_phone = await client.get("/v1/tracking", params={"phone": "+44 7700 900123"})
    nothing = await client.get("/v1/tracking", params={"email": "bob@example.org"})
    neither = await client.get("/v1/tracking")

    for answer in (by_email, by_phone):
        [found] = answer.json()["items"]
        assert found["order"]["id"] == order["id"]
        assert found["timeline"][0]["kind"] == "order.created"
        assert found["process"]["process"] == "collect_here"
    assert nothing.json()["items"] == []
    assert neither.status_code == 422


async def test_the_process_picture_of_an_order_outlines_its_state(client, engine_app):
    order = await place(client, collect(HEART, STORE, 1))
    turn(engine_app)

    answer = await client.get(f"/v1/orders/{order['id']}/process.svg")
    picture = await client.get("/v1/processes/collect_here.svg")
    unknown = await client.get("/v1/processes/nothing_here.svg")

    assert answer.headers["content-type"].startswith("image/svg+xml")
    assert 'data-state="picking"><rect' in answer.text
    assert "#c62828" in answer.text and "#c62828" not in picture.text
    assert unknown.status_code == 404
