"""Holds past their time give their units back by themselves, exactly once.

On SQLite and PostgreSQL: the job loop's pass expires them with no write
in between; several processes sweeping at once release each hold once; a
served engine's job runner does it on its own timer.
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from oms_core import holds
from oms_core.api_models import HoldRequest
from oms_core.db.engine import WRITE, make_engine
from oms_core.db.inventory_schema import holds as holds_table
from oms_core.db.process_schema import events
from oms_core.db.schema import stock
from oms_core.process.runner import JobRunner, run_due_work

from .test_inventory_cases import HERE, SKU, _only_at

KIOSK_MINUTES = 15


def _hold(engine, now: datetime, quantity: int = 1):
    request = HoldRequest.model_validate(
        {
            "selling_location_id": HERE,
            "channel": "kiosk",
            "lines": [
                {
                    "sku": SKU,
                    "quantity": quantity,
                    "fulfilment": {"method": "collect", "location_id": HERE},
                }
            ],
        }
    )
    with engine.connect().execution_options(**WRITE) as connection:
        with connection.begin():
            return holds.create(connection, request, now)


def _reserved(engine) -> int:
    with engine.connect() as connection:
        return connection.scalar(
            select(stock.c.reserved).where(
                stock.c.sku == SKU, stock.c.location_id == HERE
            )
        )


def _expired_events(engine) -> int:
    with engine.connect() as connection:
        return connection.scalar(
            select(func.count()).where(events.c.kind == "hold.expired")
        )


def test_a_pass_of_the_job_loop_expires_holds_with_no_write_between(pool):
    _only_at(pool, {HERE: 10})
    created = datetime.now(UTC) - timedelta(minutes=KIOSK_MINUTES + 1)
    hold = _hold(pool, created, quantity=3)
    assert _reserved(pool) == 3
    before = _expired_events(pool)

    done = run_due_work(pool, deliver=False)

    assert done.holds_expired == 1
    assert _reserved(pool) == 0
    assert _expired_events(pool) == before + 1
    with pool.connect() as connection:
        assert holds.get(connection, hold.id).status == "expired"


def test_a_hold_not_yet_due_stays(pool):
    _only_at(pool, {HERE: 10})
    _hold(pool, datetime.now(UTC), quantity=2)

    done = run_due_work(pool, deliver=False)

    assert done.holds_expired == 0
    assert _reserved(pool) == 2


def test_several_processes_sweeping_at_once_release_each_hold_once(pool):
    _only_at(pool, {HERE: 40})
    created = datetime.now(UTC) - timedelta(hours=1)
    count = 12
    for _ in range(count):
        _hold(pool, created, quantity=2)
    assert _reserved(pool) == 2 * count
    before = _expired_events(pool)

    # Each "process" has its own engine, as uvicorn workers do.
    url = pool.url.render_as_string(hide_password=False)
    engines = [make_engine(url) for _ in range(4)]
    ended: list[int] = []
    start = threading.Barrier(len(engines))

    def sweep(engine) -> None:
        start.wait()
        ended.append(holds.sweep(engine))

    threads = [threading.Thread(target=sweep, args=(e,)) for e in engines]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    for engine in engines:
        engine.dispose()

    assert sum(ended) == count
    assert _reserved(pool) == 0
    assert _expired_events(pool) == before + count


def test_a_served_engines_job_runner_expires_holds_on_its_own(pool):
    _only_at(pool, {HERE: 10})
    # Due a moment from now: nothing but the runner's timer can end it.
    created = datetime.now(UTC) - timedelta(minutes=KIOSK_MINUTES, seconds=-1)
    hold = _hold(pool, created)
    runner = JobRunner(pool, interval=0.1)

    runner.start()
    try:
        deadline = time.monotonic() + 20
        while _reserved(pool) and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        runner.stop()

    assert _reserved(pool) == 0
    with pool.connect() as connection:
        status = connection.scalar(
            select(holds_table.c.status).where(holds_table.c.id == hold.id)
        )
    assert status == "expired"
