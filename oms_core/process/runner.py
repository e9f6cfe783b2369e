"""The job runner: fire due timers once, then deliver events outward.

:func:`run_due_work` makes one pass and can be called by anything that
owns a loop: ``openaisle-oms serve`` runs :class:`JobRunner` (a thread), the
app calls it for its bundled engine from a worker thread. Several engine
processes may run it at once: a timer is claimed by a conditional UPDATE
(``fired_at IS NULL``) in the transaction that runs its job, so exactly one
of them fires it, and a job that fails rolls its claim back with it.
"""

from __future__ import annotations

import asyncio
import logging
import os
import threading
import uuid
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi import FastAPI
from sqlalchemy import Engine, select, update

from oms_core import holds
from oms_core.db.engine import WRITE
from oms_core.db.process_schema import order_processes, process_timers
from oms_core.errors import EngineError
from oms_core.events.kafka import EventProducer, producer_from_env, publish_due
from oms_core.payments import intents
from oms_core.payments.providers import PaymentProvider, standard_providers
from oms_core.process import engine as process
from oms_core.process.jobs import JOBS, JobContext, RetryLater

logger = logging.getLogger(__name__)

BATCH = 100
MAX_ROUNDS = 20
RETRY_BASE = timedelta(seconds=30)
RETRY_MAX = timedelta(hours=1)


@dataclass(slots=True)
class WorkDone:
    """What one pass did."""

    fired: int = 0
    retried: int = 0
    stale: int = 0
    webhooks: int = 0
    published: int = 0
    payments: int = 0
    holds_expired: int = 0
    errors: list[str] = field(default_factory=list)


def run_due_work(
    engine: Engine,
    now: datetime | None = None,
    *,
    providers: Mapping[str, PaymentProvider] | None = None,
    worker: str | None = None,
    limit: int = BATCH,
    deliver: bool = True,
    producer: EventProducer | None = None,
) -> WorkDone:
    """Fire every timer due at ``now`` (once each), ask the payment providers
    what the jobs asked of them (:mod:`oms_core.payments.intents`), then
    deliver events.

    Webhooks are delivered unless ``deliver`` is False; events go to Kafka
    when a ``producer`` is given (see :func:`oms_core.events.kafka.producer_from_env`).
    """
    now = now or datetime.now(UTC)
    providers = providers if providers is not None else standard_providers()
    worker = worker or f"{os.getpid()}-{threading.get_ident()}"
    done = WorkDone()

    # A job often makes the next one due at once: go round until none is.
    for _round in range(MAX_ROUNDS):
        with engine.connect() as conn:
            due = conn.execute(
                select(process_timers.c.id)
                .where(
                    process_timers.c.fired_at.is_(None),
                    process_timers.c.due_at <= now,
                )
                .order_by(process_timers.c.due_at, process_timers.c.id)
                .limit(limit)
            ).all()
        if not due:
            break
        for (timer_id,) in due:
            _fire_one(engine, timer_id, now, providers, worker, done)

    # Provider calls outside any order transaction: what the jobs asked.
    done.payments = intents.dispatch(engine, providers, now)

    if deliver:
        from oms_core.events.webhooks import deliver_due

        done.webhooks = deliver_due(engine, now)
    if producer is not None:
        done.published = publish_due(engine, producer)

    # Basket holds past their time give their units back between writes.
    done.holds_expired = holds.sweep(engine, now)
    return done


def _fire_one(
    engine: Engine,
    timer_id: int,
    now: datetime,
    providers: Mapping[str, PaymentProvider],
    worker: str,
    done: WorkDone,
) -> None:
    try:
        with engine.connect().execution_options(**WRITE) as conn, conn.begin():
            claimed = conn.execute(
                update(process_timers)
                .where(
                    process_timers.c.id == timer_id,
                    process_timers.c.fired_at.is_(None),
                )
                .values(fired_at=now, fired_by=worker, outcome="fired")
            )
            if claimed.rowcount != 1:
                return  # another runner fired it first
            timer = conn.execute(
                select(process_timers).where(process_timers.c.id == timer_id)
            ).one()
            state = conn.scalar(
                select(order_processes.c.state).where(
                    order_processes.c.order_id == timer.order_id,
                    order_processes.c.group_no == timer.group_no,
                )
            )
            if state != timer.state:
                conn.execute(
                    update(process_timers)
                    .where(process_timers.c.id == timer_id)
                    .values(outcome="state left")
                )
                done.stale += 1
                return
            _run(conn, timer, now, providers)
            done.fired += 1
    except RetryLater:
        _postpone(engine, timer_id, now)
        done.retried += 1
    except EngineError as exc:
        logger.warning("a timer could not fire: %s", exc.code)
        done.errors.append(exc.message)
        _postpone(engine, timer_id, now)


def _run(conn, timer, now: datetime, providers) -> None:
    order_id: uuid.UUID = timer.order_id
    group = timer.group_no
    if timer.kind == "event":
        process.fire(conn, order_id, timer.action, now=now, group_no=group)
        return

    running = process.load_running(conn, order_id, group_no=group, lock=True)
    result = JOBS[timer.action](JobContext(conn, order_id, now, providers, group))
    state = running.definition.states[running.state]
    if result is not None and state.job == timer.action:
        # The state's own job moves it on; reminders and the like do not.
        process.fire(conn, order_id, result, now=now, group_no=group)


def _postpone(engine: Engine, timer_id: int, now: datetime) -> None:
    with engine.connect().execution_options(**WRITE) as conn, conn.begin():
        attempts = conn.scalar(
            select(process_timers.c.attempts).where(process_timers.c.id == timer_id)
        )
        wait = min(RETRY_MAX, RETRY_BASE * 2 ** min(attempts or 0, 10))
        conn.execute(
            update(process_timers)
            .where(process_timers.c.id == timer_id, process_timers.c.fired_at.is_(None))
            .values(attempts=(attempts or 0) + 1, due_at=now + wait)
        )
    logger.info("a job will be tried again later")


class JobRunner:
    """A thread that calls :func:`run_due_work` every ``interval`` seconds."""

    def __init__(
        self,
        engine: Engine,
        *,
        interval: float = 5.0,
        providers: Mapping[str, PaymentProvider] | None = None,
    ) -> None:
        self._engine = engine
        self._interval = interval
        self._providers = providers
        self._producer = producer_from_env()
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._loop, name="openaisle-jobs", daemon=True
        )

    def start(self) -> None:
        """Start the loop."""
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Ask the loop to end and wait for it."""
        self._stop.set()
        self._thread.join(timeout)

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                run_due_work(
                    self._engine, providers=self._providers, producer=self._producer
                )
            except Exception:
                # The loop must outlive one bad pass; the pass is logged.
                logger.exception("a pass of the job runner failed")
            self._stop.wait(self._interval)


def attach_runner(app: FastAPI, *, interval: float = 5.0) -> None:
    """Run a :class:`JobRunner` for as long as a served ``app`` lives.

    The runner starts and stops with the app's lifespan (uvicorn sends it;
    an in-process ASGI transport does not, so the bundled engine calls
    :func:`run_due_work` itself).
    """
    inner = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(served: Any) -> AsyncIterator[Any]:
        runner = JobRunner(
            app.state.engine,
            interval=interval,
            providers=getattr(app.state, "payment_providers", None),
        )
        runner.start()
        logger.info("job runner started")
        try:
            async with inner(served) as state:
                yield state
        finally:
            await asyncio.to_thread(runner.stop)
            logger.info("job runner stopped")

    app.router.lifespan_context = lifespan
