"""Events of one order written at once still get 1, 2, 3... without a gap."""

from __future__ import annotations

import os
import threading

import pytest
from sqlalchemy import select

from oms_core.db.engine import WRITE, make_engine
from oms_core.db.process_schema import events
from oms_core.events import record_event
from oms_core.migrations import upgrade
from tests.integration.process_integration.test_process_timers_once import (
    STORE,
    _collect_order,
)
from tests.pg_schema import seeded_schema

PG_URL = os.environ.get("OPENAISLE_TEST_PG_URL")
WRITERS = 8


def _write_at_once(url: str) -> list[int]:
    engine = make_engine(url)
    order_id = _collect_order(engine)
    barrier = threading.Barrier(WRITERS)
    failures: list[BaseException] = []

    def write() -> None:
        try:
            barrier.wait()
            with engine.connect().execution_options(**WRITE) as conn, conn.begin():
                record_event(conn, "test.ping", {}, order_id)
        except BaseException as exc:  # reported by the main thread
            failures.append(exc)

    threads = [threading.Thread(target=write) for _ in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    with engine.connect() as conn:
        seqs = list(
            conn.scalars(
                select(events.c.order_seq)
                .where(events.c.order_id == order_id)
                .order_by(events.c.order_seq)
            )
        )
    engine.dispose()
    assert failures == []
    return seqs


def test_concurrent_writers_of_one_order_number_without_gaps_on_sqlite(
    engine_database_url,
):
    upgrade(make_engine(engine_database_url))

    seqs = _write_at_once(engine_database_url)

    assert seqs == list(range(1, len(seqs) + 1))


@pytest.mark.postgres
@pytest.mark.skipif(not PG_URL, reason="OPENAISLE_TEST_PG_URL is not set")
def test_concurrent_writers_of_one_order_number_without_gaps_on_postgresql(
    shared_data,
):
    with seeded_schema(shared_data, [STORE]) as url:
        seqs = _write_at_once(url)

        assert seqs == list(range(1, len(seqs) + 1))
        assert len(seqs) > WRITERS
