"""One owner for the app's background coroutines.

Every coroutine the GUI starts goes through :class:`BackgroundTasks`, which
keeps a reference (so the task is not garbage collected mid-flight), logs a
failure once and reports it to the user through a signal, and cancels what is
left when the window closes. The app keeps working after a failed task.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any

from PySide6.QtCore import QObject, Signal

logger = logging.getLogger(__name__)


class BackgroundTasks(QObject):
    """Starts coroutines on the running loop and reports their failures.

    Signals:
        failed(str, str): a task failed; carries what it was doing and a
            message for the associate.
    """

    failed = Signal(str, str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._tasks: set[asyncio.Task[Any]] = set()

    def spawn(self, coro: Coroutine[Any, Any, Any], what: str) -> asyncio.Task[Any]:
        """Run ``coro`` in the background; ``what`` names it for the user."""
        task = asyncio.get_running_loop().create_task(coro, name=what)
        self._tasks.add(task)
        task.add_done_callback(self._on_task_done)
        return task

    def _on_task_done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if task.cancelled():
            return
        error = task.exception()
        if error is None:
            return
        logger.error("Background task %r failed", task.get_name(), exc_info=error)
        self.failed.emit(task.get_name(), str(error) or type(error).__name__)

    async def shutdown(self) -> None:
        """Cancel what is still running and wait for it to stop."""
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    @property
    def pending(self) -> int:
        """How many tasks are still running."""
        return len(self._tasks)
