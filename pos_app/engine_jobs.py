"""The bundled engine's timers and jobs, run from the app's asyncio loop.

An engine served by ``openaisle-oms serve`` runs its own job runner; the
engine bundled in the app has no server lifespan, so the app turns it:
:class:`BundledJobLoop` calls the engine's one-pass function on a worker
thread every few seconds, never on the Qt thread.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

logger = logging.getLogger(__name__)

DEFAULT_INTERVAL = 5.0


def _one_pass(engine: Any) -> int:
    # Imported on the worker thread, as the engine itself is built there.
    from oms_core.process.runner import run_due_work

    return run_due_work(engine).fired


class BundledJobLoop:
    """Runs the bundled engine's due work every ``interval`` seconds."""

    def __init__(self, engine_app: Any, interval: float = DEFAULT_INTERVAL) -> None:
        self._engine = engine_app.state.engine
        self._interval = interval
        self._task: asyncio.Task | None = None

    def start(self) -> None:
        """Start on the running loop (a second call does nothing)."""
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._loop())

    async def stop(self) -> None:
        """Stop and wait for a pass in progress to end."""
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def run_once(self) -> int:
        """One pass now; the number of timers fired."""
        return await asyncio.to_thread(_one_pass, self._engine)

    async def _loop(self) -> None:
        while True:
            try:
                await self.run_once()
            except asyncio.CancelledError:
                raise
            except Exception:
                # One failed pass must not end the loop; the next one retries.
                logger.exception("a pass of the bundled engine's jobs failed")
            await asyncio.sleep(self._interval)
