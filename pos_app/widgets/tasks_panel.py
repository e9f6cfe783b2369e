"""The store's tasks on a device: pick, pack, hand over, broken promises.

:class:`TasksPanel` shows tasks and emits what the associate asks for; it
does no I/O. :class:`TasksController` binds a panel to the engine client
and the device's store: it loads the list, claims and completes tasks on
the asyncio loop (qasync), and refreshes after each step.
"""

from __future__ import annotations

import asyncio
import logging
import uuid

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from oms_client import OmsError
from oms_client.models import ExceptionResolution, FoundLine, StoreTask

logger = logging.getLogger(__name__)

KIND_TITLES = {
    "pick": "Pick",
    "pack": "Pack",
    "hand_over": "Hand over",
    "receive_transfer": "Receive transfer",
    "contact_customer": "Contact customer",
    "line_exception": "Promise broken: contact customer",
}
# How the store may resolve a line whose shown promise broke.
RESOLUTION_WORDS = {
    "resource": "Re-source now (stock arrived)",
    "accept": "Customer accepts what can be done now",
    "cancel_line": "Cancel the line and refund it",
}


class TasksPanel(QWidget):
    """A list of the store's tasks with claim, done and short-pick actions.

    A broken-promise task (``line_exception``) is done with one of its
    resolutions, chosen beside the Done button.

    Signals:
        refresh_requested(): reload the list.
        claim_requested(str): a task id to claim.
        complete_requested(str, int): a task id and the quantity found for a
            pick (-1: everything was found).
        resolve_requested(str, str): a broken-promise task id and the
            resolution chosen (``resource``, ``accept``, ``cancel_line``).
    """

    refresh_requested = Signal()
    claim_requested = Signal(str)
    complete_requested = Signal(str, int)
    resolve_requested = Signal(str, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("tasksPanel")
        self._tasks: dict[str, StoreTask] = {}

        self.list = QListWidget()
        self.list.setObjectName("taskList")
        self.list.currentItemChanged.connect(self._on_list_current_changed)
        self.status = QLabel("")
        self.found = QSpinBox()
        self.found.setPrefix("Found ")
        self.found.setEnabled(False)
        self.claim_button = QPushButton("Claim")
        self.done_button = QPushButton("Done")
        self.done_button.setObjectName("primary")
        self.short_button = QPushButton("Short pick")
        self.resolution = QComboBox()
        self.resolution.setObjectName("exceptionResolution")
        self.resolution.setAccessibleName("How the broken promise is resolved")
        refresh = QPushButton("Refresh")
        self.claim_button.clicked.connect(self._on_claim_clicked)
        self.done_button.clicked.connect(self._on_done_clicked)
        self.short_button.clicked.connect(self._on_short_clicked)
        refresh.clicked.connect(self.refresh_requested)

        actions = QHBoxLayout()
        for widget in (
            self.claim_button,
            self.done_button,
            self.found,
            self.short_button,
            self.resolution,
            refresh,
        ):
            actions.addWidget(widget)
        layout = QVBoxLayout(self)
        layout.addWidget(self.list, 1)
        layout.addLayout(actions)
        layout.addWidget(self.status)
        self._update_buttons()

    def show_tasks(self, tasks: list[StoreTask]) -> None:
        """Show ``tasks``, keeping the selection when the task is still there."""
        current = self.selected_task_id()
        self._tasks = {str(task.id): task for task in tasks}
        self.list.clear()
        for task in tasks:
            units = sum(line.quantity for line in task.lines)
            who = f" · {task.claimed_by}" if task.claimed_by else ""
            text = (
                f"{KIND_TITLES.get(task.kind, task.kind)} · {units} unit(s) · "
                f"order {str(task.order_id)[:8]} · {task.status.value}{who}"
            )
            if task.notes:
                text += f"\nNotes: {task.notes}"
            if task.exception is not None:
                text += f"\nLine {task.exception.line_no + 1}: {task.exception.message}"
            item = QListWidgetItem(text)
            item.setData(256, str(task.id))
            self.list.addItem(item)
            if str(task.id) == current:
                self.list.setCurrentItem(item)
        self.status.setText(f"{len(tasks)} task(s)")
        self._update_buttons()

    def show_message(self, text: str) -> None:
        """A line under the list (an error or what just happened)."""
        self.status.setText(text)

    def selected_task_id(self) -> str | None:
        """The id of the selected task, if any."""
        item = self.list.currentItem()
        return item.data(256) if item is not None else None

    def _selected(self) -> StoreTask | None:
        task_id = self.selected_task_id()
        return self._tasks.get(task_id) if task_id else None

    def _update_buttons(self) -> None:
        task = self._selected()
        self.claim_button.setEnabled(task is not None and task.status.value == "open")
        self.done_button.setEnabled(task is not None)
        is_pick = task is not None and task.kind == "pick" and len(task.lines) == 1
        self.found.setEnabled(is_pick)
        self.short_button.setEnabled(is_pick)
        if is_pick:
            assert task is not None
            self.found.setRange(0, max(0, task.lines[0].quantity - 1))
        self.resolution.clear()
        broken = task is not None and task.exception is not None
        if broken:
            assert task is not None and task.exception is not None
            for option in task.exception.options:
                self.resolution.addItem(RESOLUTION_WORDS[option.value], option.value)
        self.resolution.setVisible(broken)

    def _on_list_current_changed(self, *_args: object) -> None:
        self._update_buttons()

    def _on_claim_clicked(self) -> None:
        task_id = self.selected_task_id()
        if task_id:
            self.claim_requested.emit(task_id)

    def _on_done_clicked(self) -> None:
        task = self._selected()
        if task is not None and task.exception is not None:
            chosen = self.resolution.currentData()
            if chosen:
                self.resolve_requested.emit(str(task.id), chosen)
        elif task is not None:
            self.complete_requested.emit(str(task.id), -1)

    def _on_short_clicked(self) -> None:
        task_id = self.selected_task_id()
        if task_id:
            self.complete_requested.emit(task_id, self.found.value())


class TasksController(QObject):
    """Drives a :class:`TasksPanel` from the engine for one store and person.

    Claiming and completing need someone signed in: asked with nobody, the
    controller asks for a sign-in and carries the step out once someone has
    signed in, under their own staff number.

    Signals:
        task_completed(str): the id of a task the associate finished.
        sign_in_needed(): a claim or completion waits for someone to sign in.
    """

    task_completed = Signal(str)
    sign_in_needed = Signal()

    def __init__(
        self, panel: TasksPanel, client, location_id: str, staff: str | None
    ) -> None:
        super().__init__(panel)
        self._panel = panel
        self._client = client
        self._location_id = location_id
        self._staff = staff
        # The claim (found None) or completion (with its resolution, for a
        # broken promise) waiting for a sign-in.
        self._waiting: tuple[str, int | None, str | None] | None = None
        self._pending: set[asyncio.Task] = set()
        panel.refresh_requested.connect(self._on_panel_refresh_requested)
        panel.claim_requested.connect(self._on_panel_claim_requested)
        panel.complete_requested.connect(self._on_panel_complete_requested)
        panel.resolve_requested.connect(self._on_panel_resolve_requested)

    @property
    def staff(self) -> str | None:
        """The staff number tasks are claimed under (``None``: nobody)."""
        return self._staff

    def set_staff(self, staff: str | None) -> None:
        """Claim and complete as ``staff`` from now on; ``None``: signed out.

        A step that waited for the sign-in is carried out now.
        """
        self._staff = staff
        waiting, self._waiting = self._waiting, None
        if staff is None or waiting is None:
            return
        task_id, found, resolution = waiting
        if found is None:
            self._spawn(self.claim(task_id))
        else:
            self._spawn(self.complete(task_id, found, resolution))

    async def refresh(self) -> None:
        """Load the store's tasks into the panel."""
        try:
            tasks = await self._client.list_tasks(self._location_id)
        except OmsError as exc:
            self._panel.show_message(f"Tasks could not be loaded: {exc}")
            return
        self._panel.show_tasks(tasks)

    async def claim(self, task_id: str) -> None:
        """Claim a task for this person, then reload."""
        if self._needs_sign_in(task_id, None):
            return
        try:
            await self._client.claim_task(uuid.UUID(task_id), self._staff)
        except OmsError as exc:
            self._panel.show_message(f"Not claimed: {exc}")
        await self.refresh()

    async def complete(
        self, task_id: str, found: int, resolution: str | None = None
    ) -> None:
        """Finish a task (claiming it first if nobody has), then reload.

        A broken-promise task is finished with ``resolution``.
        """
        if self._needs_sign_in(task_id, found, resolution):
            return
        try:
            await self._client.claim_task(uuid.UUID(task_id), self._staff)
            lines = []
            if found >= 0:
                task = next(
                    t
                    for t in await self._client.list_tasks(self._location_id)
                    if str(t.id) == task_id
                )
                lines = [FoundLine(seq=task.lines[0].seq, found=found)]
            await self._client.complete_task(
                uuid.UUID(task_id),
                self._staff,
                lines,
                ExceptionResolution(resolution) if resolution else None,
            )
        except (OmsError, StopIteration) as exc:
            self._panel.show_message(f"Not completed: {exc}")
        else:
            self.task_completed.emit(task_id)
        await self.refresh()

    def _needs_sign_in(
        self, task_id: str, found: int | None, resolution: str | None = None
    ) -> bool:
        if self._staff is not None:
            return False
        self._waiting = (task_id, found, resolution)
        self._panel.show_message("Sign in (F2) to take this task: it is kept.")
        self.sign_in_needed.emit()
        return True

    async def wait_idle(self) -> None:
        """Wait until every call started from the panel has finished."""
        while self._pending:
            await asyncio.gather(*list(self._pending), return_exceptions=True)

    def _spawn(self, coroutine) -> None:
        task = asyncio.ensure_future(coroutine)
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)

    def _on_panel_refresh_requested(self) -> None:
        self._spawn(self.refresh())

    def _on_panel_claim_requested(self, task_id: str) -> None:
        self._spawn(self.claim(task_id))

    def _on_panel_complete_requested(self, task_id: str, found: int) -> None:
        self._spawn(self.complete(task_id, found))

    def _on_panel_resolve_requested(self, task_id: str, resolution: str) -> None:
        self._spawn(self.complete(task_id, -1, resolution))
