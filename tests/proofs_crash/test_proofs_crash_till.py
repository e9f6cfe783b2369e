"""Kill the till with SIGKILL, again and again: nothing lost, nothing doubled.

Given a till child (device store, sync worker, the app's sender, the real
engine served over loopback) filling and submitting baskets, when it is
killed at random moments and at chosen points (before a send, after the
engine committed but before the answer was stored, between a submit and
its confirmation) and restarted each time, then after every kill each
confirmed basket edit and submit is on the device, and at the end the
engine holds every submitted order exactly once and reserved exactly the
units ordered.
"""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest

from tests.proofs_crash.checks import check_device, payload_lines, reserved_units
from tests.proofs_crash.crash_child import ChildPlan
from tests.proofs_crash.harness import kill_until
from tests.support_faults.engine_process import EngineProcess
from tests.support_faults.figures import record
from tests.support_faults.orders import engine_orders

KILLS = int(os.environ.get("OPENAISLE_CRASH_KILLS", "100"))
ORDERS = int(os.environ.get("OPENAISLE_CRASH_ORDERS", "100000"))


@pytest.fixture
def engine_server(engine_db_template: Path, tmp_path: Path):
    with EngineProcess(engine_db_template, tmp_path / "engine") as server:
        yield server


def test_a_killed_till_loses_and_doubles_nothing(
    engine_server: EngineProcess, tmp_path: Path
) -> None:
    seed = 20101201
    rng = random.Random(seed)
    reserved_before = reserved_units(engine_server.database_url)
    plan = ChildPlan(
        db_path=tmp_path / "device.sqlite3",
        journal=tmp_path / "journal.jsonl",
        engine_url=engine_server.url,
        token=engine_server.token,
        seed=seed,
        orders=ORDERS,
    )

    tally = kill_until(plan, KILLS, rng)

    outbox = check_device(plan.db_path, plan.journal, seed)
    held = engine_orders(engine_server.database_url)
    sent = {entry.order_id: payload_lines(entry) for entry in outbox}
    ordered_units = sum(q for lines in sent.values() for _sku, q in lines)
    reserved = reserved_units(engine_server.database_url) - reserved_before
    record(
        "crash harness",
        kills=tally.total,
        by_point=dict(sorted(tally.kills.items())),
        orders_submitted=len(outbox),
        orders_at_engine=len(held),
        lost=len(set(sent) - set(held)),
        doubled=len(set(held) - set(sent)),
        units_ordered=ordered_units,
        units_reserved=reserved,
    )
    assert tally.total >= KILLS
    assert outbox
    assert {entry.state.value for entry in outbox} == {"accepted"}
    assert {i: sorted(lines) for i, lines in held.items()} == sent
    assert reserved == ordered_units
