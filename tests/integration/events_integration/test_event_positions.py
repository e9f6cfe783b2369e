"""A cursor over event positions never passes an event that commits late.

On PostgreSQL two transactions can commit in the other order than their
event ids: the later id is visible first. These tests hold one writer open
while another commits, as happens under load, and read with a cursor.
"""

from __future__ import annotations

import os
import threading
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from oms_core.db.engine import WRITE, make_engine
from oms_core.events import read_positioned, record_event
from oms_core.events.positions import position_committed
from oms_core.migrations import upgrade

PG_URL = os.environ.get("OPENAISLE_TEST_PG_URL")
WRITERS = 2
EVENTS_EACH = 150


@pytest.fixture
def sqlite_engine(tmp_path) -> Iterator[Engine]:
    engine = make_engine(f"sqlite:///{tmp_path / 'events.sqlite3'}")
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def pg_engine() -> Iterator[Engine]:
    if not PG_URL:
        pytest.skip("OPENAISLE_TEST_PG_URL is not set")
    schema = f"oms_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(PG_URL).update_query_dict({"options": f"-csearch_path={schema}"})
    engine = make_engine(url.render_as_string(hide_password=False))
    try:
        upgrade(engine)
        yield engine
    finally:
        engine.dispose()
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def _read(engine: Engine, after: int) -> list:
    position_committed(engine)
    with engine.connect() as conn:
        return read_positioned(conn, after, 1000)


@pytest.mark.postgres
def test_an_event_that_commits_after_a_higher_id_is_still_read(pg_engine):
    # Given writer A holding event a open while writer B commits event b > a.
    slow = pg_engine.connect().execution_options(**WRITE)
    slow.begin()
    a = record_event(slow, "test.slow", {})
    with pg_engine.connect().execution_options(**WRITE) as fast, fast.begin():
        b = record_event(fast, "test.fast", {})
    assert b > a

    # When a reader takes what is there, then only b, and its cursor is b's.
    first = _read(pg_engine, 0)
    assert [event.id for event in first] == [b]
    cursor = first[-1].position

    # When A commits, then a comes after the cursor: an id cursor would
    # have passed it.
    slow.commit()
    slow.close()
    second = _read(pg_engine, cursor)
    assert [event.id for event in second] == [a]
    assert second[0].position > cursor


@pytest.mark.postgres
def test_a_reader_with_a_cursor_sees_every_event_of_two_writers_once(pg_engine):
    _two_writers_and_a_reader(pg_engine)


def test_a_reader_with_a_cursor_sees_every_event_of_two_writers_once_on_sqlite(
    sqlite_engine,
):
    _two_writers_and_a_reader(sqlite_engine)


def test_positions_follow_ids_when_nothing_commits_out_of_order(sqlite_engine):
    with sqlite_engine.connect().execution_options(**WRITE) as conn, conn.begin():
        ids = [record_event(conn, "test.ping", {"n": n}) for n in range(3)]

    read = _read(sqlite_engine, 0)

    assert [event.position for event in read] == ids
    assert _read(sqlite_engine, read[-1].position) == []


def _two_writers_and_a_reader(engine: Engine) -> None:
    done = threading.Event()
    failures: list[BaseException] = []
    seen: list[int] = []

    def write(name: str) -> None:
        try:
            for n in range(EVENTS_EACH):
                with engine.connect().execution_options(**WRITE) as conn:
                    with conn.begin():
                        record_event(conn, "test.write", {"writer": name, "n": n})
                        # Work after the event keeps the transaction open,
                        # so the other writer's later ids commit first.
                        conn.execute(text("SELECT 1"))
        except BaseException as exc:  # reported by the main thread
            failures.append(exc)

    def read() -> None:
        cursor = 0
        try:
            while True:
                finished = done.is_set()
                batch = _read(engine, cursor)
                seen.extend(event.id for event in batch)
                if batch:
                    cursor = batch[-1].position
                elif finished:
                    return
        except BaseException as exc:  # reported by the main thread
            failures.append(exc)

    writers = [threading.Thread(target=write, args=(f"w{i}",)) for i in range(2)]
    reader = threading.Thread(target=read)
    reader.start()
    for thread in writers:
        thread.start()
    for thread in writers:
        thread.join(120)
    done.set()
    reader.join(120)

    assert failures == []
    assert len(seen) == WRITERS * EVENTS_EACH
    assert len(set(seen)) == len(seen)
