"""What the store acknowledged survives a process killed with SIGKILL."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from offline_store import BasketState, DeviceStore, OutboxState
from tests.unit.offline_store_unit.real_data import real_basket

REPO_ROOT = Path(__file__).resolve().parents[3]

# The child writes, reports each acknowledged write on stdout, then idles
# until it is killed.
CHILD = """
import json, sys, time, uuid
from offline_store import DeviceStore

path, plan = sys.argv[1], json.loads(sys.argv[2])
store = DeviceStore(path)
for step in plan:
    if step["op"] == "add":
        store.add_item(step["sku"], step["name"], step["price"], "GBP", step["qty"])
        print("ack", step["sku"], flush=True)
    elif step["op"] == "count_up":
        store.add_item(step["sku"], step["name"], step["price"], "GBP", 1)
        for quantity in range(2, 10000):
            store.set_quantity(step["sku"], quantity)
            print("ack", quantity, flush=True)
    elif step["op"] == "submit":
        store.submit_basket(uuid.UUID(step["order_id"]), step["payload"])
        print("ack submitted", flush=True)
print("idle", flush=True)
while True:
    time.sleep(1)
"""


@contextmanager
def child_writer(db_path: Path, plan: list[dict[str, object]]) -> Iterator[object]:
    """Run the writer child; the caller reads its acks, then it is killed."""
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    process = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(db_path), json.dumps(plan)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=REPO_ROOT,
    )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
        process.stdout.close()
        process.stderr.close()


def read_ack(process: subprocess.Popen[str]) -> str:
    line = process.stdout.readline()
    if not line:
        pytest.fail(f"the writer died: {process.stderr.read()}")
    return line.strip()


def kill(process: subprocess.Popen[str]) -> None:
    process.send_signal(signal.SIGKILL)
    assert process.wait(timeout=30) == -signal.SIGKILL


def test_acknowledged_items_survive_sigkill(db_path: Path, shared_data: Path) -> None:
    lines = real_basket(shared_data, "536365")
    plan = [
        {
            "op": "add",
            "sku": line.sku,
            "name": line.name,
            "price": line.unit_price,
            "qty": line.quantity,
        }
        for line in lines
    ]

    with child_writer(db_path, plan) as process:
        acks = [read_ack(process) for _ in plan]
        kill(process)

    reopened = DeviceStore(db_path)
    basket = reopened.current_basket()
    reopened.close()
    assert acks == [f"ack {line.sku}" for line in lines]
    assert [(x.sku, x.quantity) for x in basket.lines] == [
        (line.sku, line.quantity) for line in lines
    ]
    assert basket.total == 13_912


def test_a_kill_in_the_middle_of_writes_loses_no_acknowledged_write(
    db_path: Path,
) -> None:
    plan = [
        {
            "op": "count_up",
            "sku": "85123A",
            "name": "WHITE HANGING HEART T-LIGHT HOLDER",
            "price": 255,
        }
    ]

    with child_writer(db_path, plan) as process:
        last_ack = 0
        while last_ack < 40:
            last_ack = int(read_ack(process).split()[1])
        kill(process)

    reopened = DeviceStore(db_path)
    basket = reopened.current_basket()
    reopened.close()
    (line,) = basket.lines
    assert line.quantity >= last_ack
    assert basket.total == line.quantity * 255


def test_an_acknowledged_submit_survives_sigkill(
    db_path: Path, shared_data: Path
) -> None:
    heart = real_basket(shared_data, "536365")[0]
    order_id = uuid.uuid4()
    payload = {"selling_location_id": "store-0001", "lines": []}
    plan = [
        {
            "op": "add",
            "sku": heart.sku,
            "name": heart.name,
            "price": heart.unit_price,
            "qty": heart.quantity,
        },
        {"op": "submit", "order_id": str(order_id), "payload": payload},
    ]

    with child_writer(db_path, plan) as process:
        assert [read_ack(process) for _ in plan][-1] == "ack submitted"
        kill(process)

    reopened = DeviceStore(db_path)
    entry = reopened.get_entry(order_id)
    closed = reopened.basket_for_order(order_id)
    fresh = reopened.current_basket()
    reopened.close()
    assert entry.state is OutboxState.PENDING
    assert entry.payload == payload
    assert closed.state is BasketState.SUBMITTED
    assert closed.lines[0].sku == heart.sku
    assert fresh.lines == ()
