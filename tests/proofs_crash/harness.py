"""Start, kill and restart the till child; count what happened."""

from __future__ import annotations

import multiprocessing
import os
import random
import signal
from collections import Counter
from dataclasses import dataclass, field, replace

from tests.proofs_crash.checks import check_device
from tests.proofs_crash.crash_child import KILL_POINTS, ChildPlan, run

START_TIMEOUT = 20.0
RUN_TIMEOUT = 60.0

_context = multiprocessing.get_context("forkserver")
# Children fork from a server that has already imported the app's parts, so a
# restart costs milliseconds, not the imports.
_context.set_forkserver_preload(["tests.proofs_crash.crash_child"])


@dataclass
class KillTally:
    """Kills by where they landed, and clean finishes."""

    kills: Counter[str] = field(default_factory=Counter)
    finished: int = 0

    @property
    def total(self) -> int:
        return sum(self.kills.values())


def run_child(plan: ChildPlan, rng: random.Random, tally: KillTally) -> bool:
    """Run one child; kill it at a random moment or let it kill itself.

    Returns whether it finished its work on its own.
    """
    external = plan.kill_point is None and not plan.drain_only
    ready = _context.Event()
    child = _context.Process(target=run, args=(plan, ready), daemon=True)
    child.start()
    try:
        if not ready.wait(START_TIMEOUT):
            raise RuntimeError("the till child did not start")
        if external:
            child.join(rng.uniform(0.0, 0.25))
            if child.exitcode is None:
                os.kill(child.pid, signal.SIGKILL)
        child.join(RUN_TIMEOUT)
        if child.exitcode is None:
            raise RuntimeError("the till child hung")
    finally:
        if child.exitcode is None:
            child.kill()
            child.join()

    if child.exitcode == -signal.SIGKILL:
        tally.kills[plan.kill_point or "random moment"] += 1
        return False
    if child.exitcode != 0:
        raise RuntimeError(f"the till child failed with exit code {child.exitcode}")
    tally.finished += 1
    return True


def kill_until(base: ChildPlan, kills: int, rng: random.Random) -> KillTally:
    """Kill children until ``kills`` kills, checking the device after each,
    then let one finish and drain the outbox."""
    tally = KillTally()
    while tally.total < kills:
        point = rng.choice((None, None, *KILL_POINTS))
        plan = replace(base, kill_point=point, kill_chance=0.35 if point else 0.0)
        finished = run_child(plan, rng, tally)
        check_device(base.db_path, base.journal, base.seed)
        if finished:
            break

    run_child(replace(base, drain_only=True), rng, tally)
    return tally
