"""A due timer fires once with several engine processes; orders keep their version."""

from __future__ import annotations

import os
import threading
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from oms_core import orders
from oms_core.api_models import FoundLine, OrderRequest
from oms_core.db.engine import WRITE, make_engine
from oms_core.db.process_schema import events, process_tasks
from oms_core.migrations import upgrade
from oms_core.process import registry as registry_module
from oms_core.process import tasks
from oms_core.process.engine import view
from oms_core.process.registry import STANDARD_FOLDER, Registry
from oms_core.process.runner import run_due_work
from tests.pg_schema import seeded_schema

PG_URL = os.environ.get("OPENAISLE_TEST_PG_URL")
SKU = "85123A"
STORE = "store-0001"
RUNNERS = 4
_PACKING = """  packing:
    title: Packing
    task: {kind: pack, at: source}
    exits: {done: ready}
"""


def _collect_order(engine) -> uuid.UUID:
    order_id = uuid.uuid4()
    request = OrderRequest.model_validate(
        {
            "selling_location_id": STORE,
            "lines": [
                {
                    "sku": SKU,
                    "quantity": 1,
                    "fulfilment": {"method": "collect", "location_id": STORE},
                }
            ],
        }
    )
    orders.place_order(engine, order_id, request)
    return order_id


def _finish_tasks(engine, order_id: uuid.UUID, count: int) -> None:
    for _ in range(count):
        with engine.connect().execution_options(**WRITE) as conn, conn.begin():
            task_id = conn.scalar(
                select(process_tasks.c.id).where(
                    process_tasks.c.order_id == order_id,
                    process_tasks.c.status == "open",
                )
            )
            tasks.complete_task(conn, task_id, "s1", [], datetime.now(UTC))


def _count(engine, order_id: uuid.UUID, kind: str) -> int:
    with engine.connect() as conn:
        return len(
            conn.execute(
                select(events.c.id).where(
                    events.c.order_id == order_id, events.c.kind == kind
                )
            ).all()
        )


def _race(url: str, when: datetime) -> None:
    """``RUNNERS`` engines (as separate processes would have) run at once."""
    engines = [make_engine(url) for _ in range(RUNNERS)]
    barrier = threading.Barrier(RUNNERS)
    failures: list[BaseException] = []

    def run(engine) -> None:
        try:
            barrier.wait()
            run_due_work(engine, when, worker=str(id(engine)), deliver=False)
        except BaseException as exc:  # reported by the main thread
            failures.append(exc)

    threads = [threading.Thread(target=run, args=(e,)) for e in engines]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    for engine in engines:
        engine.dispose()
    assert failures == []


def _check_timers_fire_once(url: str) -> None:
    engine = make_engine(url)
    try:
        order_id = _collect_order(engine)
        run_due_work(engine, datetime.now(UTC), deliver=False)
        _finish_tasks(engine, order_id, 2)  # pick and pack: now ready

        _race(url, datetime.now(UTC) + timedelta(days=3, minutes=1))
        assert _count(engine, order_id, "customer.notify") == 2
        _race(url, datetime.now(UTC) + timedelta(days=7, minutes=1))

        assert _count(engine, order_id, "customer.notify") == 2
        assert _count(engine, order_id, "stock.released") == 1
        with engine.connect() as conn:
            assert view(conn, order_id).state == "cancelled"
    finally:
        engine.dispose()


def test_a_due_timer_fires_once_with_several_runners_on_sqlite(engine_database_url):
    upgrade(make_engine(engine_database_url))

    _check_timers_fire_once(engine_database_url)


@pytest.mark.postgres
@pytest.mark.skipif(not PG_URL, reason="OPENAISLE_TEST_PG_URL is not set")
def test_a_due_timer_fires_once_with_several_runners_on_postgresql(shared_data):
    with seeded_schema(shared_data, [STORE]) as url:
        _check_timers_fire_once(url)


def test_an_order_runs_on_the_version_it_started_with(
    engine_database_url, tmp_path, monkeypatch
):
    source = (STANDARD_FOLDER / "collect_here.yaml").read_text()
    (tmp_path / "collect_here.yaml").write_text(source)
    registry = Registry(tmp_path)
    monkeypatch.setattr(registry_module, "_default", registry)
    engine = make_engine(engine_database_url)
    try:
        upgrade(engine)
        old = _collect_order(engine)
        (tmp_path / "collect_here-v2.yaml").write_text(
            source.replace("version: 1", "version: 2")
            .replace("exits: {done: packing}", "exits: {done: ready}")
            .replace(_PACKING, "")
        )
        registry.reload()
        new = _collect_order(engine)
        run_due_work(engine, datetime.now(UTC), deliver=False)

        _finish_tasks(engine, old, 1)
        _finish_tasks(engine, new, 1)

        with engine.connect() as conn:
            assert (view(conn, old).version, view(conn, old).state) == (1, "packing")
            assert (view(conn, new).version, view(conn, new).state) == (2, "ready")
    finally:
        engine.dispose()


def test_a_changed_file_under_the_same_version_is_refused(
    engine_database_url, tmp_path, monkeypatch
):
    source = (STANDARD_FOLDER / "collect_here.yaml").read_text()
    (tmp_path / "collect_here.yaml").write_text(source)
    registry = Registry(tmp_path)
    monkeypatch.setattr(registry_module, "_default", registry)
    engine = make_engine(engine_database_url)
    try:
        upgrade(engine)
        _collect_order(engine)
        (tmp_path / "collect_here.yaml").write_text(
            source.replace("title: Packing", "title: Wrapping")
        )
        registry.reload()

        with pytest.raises(ValueError, match="new version number"):
            _collect_order(engine)
    finally:
        engine.dispose()


def test_a_pick_reporting_more_than_asked_is_refused(engine_database_url):
    engine = make_engine(engine_database_url)
    try:
        upgrade(engine)
        order_id = _collect_order(engine)
        run_due_work(engine, datetime.now(UTC), deliver=False)
        with engine.connect().execution_options(**WRITE) as conn, conn.begin():
            task_id = conn.scalar(
                select(process_tasks.c.id).where(process_tasks.c.order_id == order_id)
            )
            with pytest.raises(Exception, match="found 5, asked for 1"):
                tasks.complete_task(
                    conn, task_id, "s1", [FoundLine(seq=0, found=5)], datetime.now(UTC)
                )
    finally:
        engine.dispose()
