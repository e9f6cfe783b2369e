"""The order desk: the store's tasks and the order view, wired to the engine.

:class:`OrderDesk` binds the window's tasks panel, order finder and order
view to the engine client. It opens the order just placed once the outbox
reports it accepted, and refreshes the store's tasks then. Every engine
call runs as a background task on the asyncio loop.
"""

from __future__ import annotations

import logging
import uuid

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QMessageBox

from offline_store import AsyncDeviceStore, SyncWorker
from offline_store.models import OutboxState
from oms_client import OmsClient, OmsError, OmsNotFound, OmsRejected
from oms_client.models import ErrorCode
from pos_app.background import BackgroundTasks
from pos_app.main_window import MainWindow
from pos_app.receipt import order_reference
from pos_app.session import TillSession
from pos_app.widgets.order_finder import OrderQuery
from pos_app.widgets.tasks_panel import TasksController

logger = logging.getLogger(__name__)


class OrderDesk(QObject):
    """Loads tasks and orders for one device's window.

    Signals:
        order_shown(str): the id of the order now in the order view.
    """

    order_shown = Signal(str)

    def __init__(
        self,
        window: MainWindow,
        session: TillSession,
        client: OmsClient,
        store: AsyncDeviceStore,
        worker: SyncWorker,
        tasks: BackgroundTasks,
    ) -> None:
        super().__init__(window)
        assert window.tasks_panel is not None and window.order_view is not None
        assert window.order_finder is not None
        self._window = window
        self._client = client
        self._store = store
        self._tasks = tasks
        self._closed = False
        # Orders queued here whose acceptance by the engine is awaited.
        self._awaiting: set[uuid.UUID] = set()
        # Tasks are claimed and completed only under a signed-in person's
        # number; asked with nobody signed in, the sign-in opens first.
        self.tasks = TasksController(
            window.tasks_panel,
            client,
            session.home.id,
            session.staff.staff_number if session.staff else None,
        )

        session.order_queued.connect(self._on_session_order_queued)
        session.staff_changed.connect(self._on_session_staff_changed)
        self.tasks.sign_in_needed.connect(window.sign_in_requested)
        worker.add_listener(self._on_worker_changed)
        window.tasks_shown.connect(self._on_window_tasks_shown)
        window.order_finder.search_requested.connect(self._on_finder_search_requested)
        window.order_finder.order_chosen.connect(self._on_finder_order_chosen)
        window.order_view.refresh_requested.connect(self._on_finder_order_chosen)
        window.order_view.cancel_requested.connect(self._on_view_cancel_requested)
        self.tasks.task_completed.connect(self._on_tasks_task_completed)

    async def aclose(self) -> None:
        """Stop reacting to the outbox and let the tasks' calls finish."""
        self._closed = True
        await self.tasks.wait_idle()

    # -- the order just placed ----------------------------------------------

    def _on_session_order_queued(self, order_id: str) -> None:
        self._awaiting.add(uuid.UUID(order_id))

    def _on_worker_changed(self, *_: object) -> None:
        if self._awaiting and not self._closed:
            self._tasks.spawn(self.check_accepted(), "Reading the outbox")

    async def check_accepted(self) -> None:
        """Open the last order the engine accepted; refresh the store's tasks."""
        accepted = []
        for order_id in list(self._awaiting):
            entry = await self._store.get_entry(order_id)
            if entry.state == OutboxState.ACCEPTED and order_id in self._awaiting:
                self._awaiting.discard(order_id)
                accepted.append(entry)
        if not accepted or self._closed:
            return

        newest = max(accepted, key=lambda entry: entry.created_at)
        await self.open_order(newest.order_id, reveal=True)
        await self.tasks.refresh()

    # -- finding and showing orders ---------------------------------------------

    async def open_order(self, order_id: uuid.UUID, *, reveal: bool = False) -> None:
        """Load the order's tracking and process picture into the order view."""
        view, finder = self._window.order_view, self._window.order_finder
        try:
            tracking = await self._client.get_tracking(order_id)
            picture = await self._client.process_picture(order_id)
            # One picture per shipment group when the order has several.
            pictures = {
                group.group: await self._client.process_picture(order_id, group.group)
                for group in tracking.groups
                if len(tracking.groups) > 1
            }
        except OmsNotFound:
            finder.show_message(f"No order {order_id} at the order engine.")
            return
        except (OmsError, ValueError) as exc:
            finder.show_message(f"The order could not be loaded: {exc}")
            return
        view.show_tracking(tracking, picture, pictures)
        self._window.show_accepted(tracking.order)
        if reveal:
            self._window.reveal_orders()
        self.order_shown.emit(str(order_id))

    async def find(self, query: OrderQuery) -> None:
        """Look an order up by id or receipt reference, or a customer's orders
        by e-mail or phone."""
        finder = self._window.order_finder
        if query.kind == "order_id":
            finder.show_results([])
            await self.open_order(uuid.UUID(query.value))
            return
        if query.kind == "reference":
            await self.open_reference(query.value)
            return
        try:
            if query.kind == "email":
                found = await self._client.find_orders(email=query.value)
            else:
                found = await self._client.find_orders(phone=query.value)
        except OmsError as exc:
            finder.show_message(f"Orders could not be searched: {exc}")
            return
        finder.show_results(found)
        if len(found) == 1:
            await self.open_order(found[0].order.id)

    async def open_reference(self, reference: str, *, reveal: bool = False) -> None:
        """Open the order a receipt's ``OA-`` reference names."""
        finder = self._window.order_finder
        finder.show_results([])
        try:
            order = await self._client.find_order_by_reference(reference)
        except OmsNotFound:
            finder.show_message(f"No order {reference} at the order engine.")
            return
        except OmsRejected as exc:
            ambiguous = exc.error is not None and exc.error.code == (
                ErrorCode.REFERENCE_AMBIGUOUS
            )
            finder.show_message(
                f"More than one order starts {reference}: type all eight "
                "characters after OA-."
                if ambiguous
                else f"{reference} is not a receipt number."
            )
            return
        except (OmsError, ValueError) as exc:
            finder.show_message(f"The order could not be found: {exc}")
            return
        await self.open_order(order.id, reveal=reveal)

    def _on_finder_search_requested(self, query: OrderQuery) -> None:
        self._tasks.spawn(self.find(query), "Finding orders")

    def _on_finder_order_chosen(self, order_id: str) -> None:
        self._tasks.spawn(self.open_order(uuid.UUID(order_id)), "Loading an order")

    def _on_session_staff_changed(self, member) -> None:
        self.tasks.set_staff(member.staff_number if member is not None else None)

    def _on_window_tasks_shown(self) -> None:
        self._tasks.spawn(self.tasks.refresh(), "Loading the store's tasks")

    def _on_tasks_task_completed(self, _task_id: str) -> None:
        shown = self._window.order_view.order_id
        if shown:
            self._tasks.spawn(self.open_order(uuid.UUID(shown)), "Loading an order")

    # -- cancelling -----------------------------------------------------------

    def _on_view_cancel_requested(self, order_id: str) -> None:
        # Non-modal: a nested event loop would stall the asyncio loop under it.
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Cancel order",
            f"Cancel order {order_reference(uuid.UUID(order_id))}? Units still "
            "held are released and what was paid is refunded.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            self._window,
        )
        box.setObjectName("cancelOrderQuestion")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        yes = box.button(QMessageBox.StandardButton.Yes)
        box.buttonClicked.connect(
            lambda button: (
                button is yes
                and self._tasks.spawn(
                    self.cancel(uuid.UUID(order_id)), "Cancelling an order"
                )
            )
        )
        box.open()

    async def cancel(self, order_id: uuid.UUID) -> None:
        """Cancel the whole order at the engine, then show it again."""
        try:
            await self._client.cancel_order(order_id)
        except OmsError as exc:
            self._window.order_finder.show_message(f"Not cancelled: {exc}")
            return
        await self.open_order(order_id)
        await self.tasks.refresh()
