"""Orders taken offline that the engine accepted with a broken promise.

An order queued while the engine was out of reach carries, per line, the
promise the till showed. When the engine can no longer keep one, it still
accepts the order and puts the line in an exception with a task for the
store (see ``LineException`` in the API). The sync worker stores that
answer in the outbox; :class:`BrokenPromiseWatch` finds such answers, each
order once, and :class:`BrokenPromiseNotices` tells the associate on the
till which order and line, what changed, and that a task was made.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError
from PySide6.QtCore import QObject, Signal

from offline_store import AsyncDeviceStore, SyncWorker
from offline_store.models import OutboxState
from oms_client.models import LineException, LineExceptionStatus, Order
from pos_app.background import BackgroundTasks

if TYPE_CHECKING:
    from pos_app.main_window import MainWindow
    from pos_app.widgets.outbox_dialog import OutboxDialog

logger = logging.getLogger(__name__)

REASON_WORDS = {
    "unavailable": "none can be had now",
    "partial": "only some can be had now",
    "later": "it will be later than promised",
    "other_place": "it is no longer on this store's shelf",
}


@dataclass(frozen=True, slots=True)
class BrokenPromise:
    """One line of an accepted order whose shown promise broke."""

    order_id: uuid.UUID
    line_no: int
    sku: str
    name: str
    exception: LineException

    def text(self) -> str:
        """What the associate reads: order, line, what changed, the task."""
        reason = REASON_WORDS.get(self.exception.reason.value, "it changed")
        return (
            f"Order {reference(self.order_id)}, line {self.line_no + 1} "
            f"({self.name}): the promise cannot be kept: {reason} "
            f"({self.exception.message}). A task to contact the customer was "
            "added to this store's tasks."
        )


def reference(order_id: uuid.UUID) -> str:
    """The receipt's reference of an order: ``OA-`` and eight hex digits."""
    return f"OA-{order_id.hex[:8].upper()}"


def broken_promises(answer: dict[str, Any] | None) -> list[BrokenPromise]:
    """The open line exceptions in an engine's order answer (none if unreadable)."""
    if not answer:
        return []
    try:
        order = Order.model_validate(answer)
    except ValidationError:
        logger.warning("an accepted order's answer does not validate")
        return []
    return [
        BrokenPromise(order.id, number, line.sku, line.name, line.exception)
        for number, line in enumerate(order.lines)
        if line.exception is not None
        and line.exception.status is LineExceptionStatus.OPEN
    ]


class BrokenPromiseWatch:
    """Finds accepted outbox orders with broken promises, each order once.

    Only orders accepted at or after ``since`` (the device's clock, as the
    outbox stamps them) count: what was accepted before the till started
    was told then.
    """

    def __init__(self, store: AsyncDeviceStore, since: datetime) -> None:
        self._store = store
        self._since = since
        self._told: set[uuid.UUID] = set()

    async def check(self) -> list[BrokenPromise]:
        """Lines of newly accepted orders whose promise broke, oldest first."""
        found: list[BrokenPromise] = []
        entries = await self._store.entries(OutboxState.ACCEPTED)
        for entry in sorted(entries, key=lambda e: e.created_at):
            if entry.order_id in self._told:
                continue
            if entry.accepted_at is not None and entry.accepted_at < self._since:
                continue
            self._told.add(entry.order_id)
            found.extend(broken_promises(entry.answer))
        if found:
            logger.info("%d accepted lines carry a broken promise", len(found))
        return found


class BrokenPromiseNotices(QObject):
    """Tells the associate, on the till, of each broken promise once.

    After every change of the sync worker it looks for orders the engine
    accepted with a line exception, puts a lasting notice in the status bar
    and lists it in the outbox dialog.

    Signals:
        told(str): the text of a notice just shown.
    """

    told = Signal(str)

    def __init__(
        self,
        store: AsyncDeviceStore,
        worker: SyncWorker,
        tasks: BackgroundTasks,
        window: MainWindow,
        outbox: OutboxDialog,
    ) -> None:
        super().__init__(window)
        self._watch = BrokenPromiseWatch(store, datetime.now(UTC))
        self._tasks = tasks
        self._window = window
        self._outbox = outbox
        worker.add_listener(self._on_worker_changed)

    async def check(self) -> list[BrokenPromise]:
        """Look once and show what is new."""
        found = await self._watch.check()
        for broken in found:
            text = broken.text()
            self._window.notify(text, 0)
            self._outbox.add_notice(text)
            self.told.emit(text)
        return found

    def _on_worker_changed(self, *_: object) -> None:
        self._tasks.spawn(self.check(), "Looking for broken promises")
