"""Who may call which write of the served engine, judged in the routes.

:class:`~oms_core.service_guards.DeviceAuth` puts the calling device on the
request; the routes then ask here, once they know the location a write
touches:

- network administration (location state, opening hours, sourcing rules,
  network-wide buffers, process reload, webhooks) needs an ``admin`` token;
- store operations (stock adjustments, a buffer at one store, claiming and
  completing tasks) need a ``till`` of that store, or an ``admin``;
- a ``kiosk`` does neither, and reads no store's tasks, no event feed and
  no order sold at another store: it faces customers, and those carry
  other customers' notes and addresses.

With no device on the request (the bundled in-process engine, or a served
engine with ``auth = "none"``) everything is allowed, as before.
"""

from __future__ import annotations

import logging
import uuid

from fastapi import Request
from sqlalchemy import Engine, select

from oms_core.api_models import ErrorCode
from oms_core.db.process_schema import process_tasks
from oms_core.device_tokens import DeviceIdentity, DeviceRole
from oms_core.errors import EngineError

logger = logging.getLogger(__name__)


def device_in(request: Request) -> DeviceIdentity | None:
    """The device the request was authenticated as, if tokens are on."""
    return request.scope.get("state", {}).get("device")


def not_permitted(message: str) -> EngineError:
    """A 403 ``not_permitted`` refusal."""
    return EngineError(403, ErrorCode.NOT_PERMITTED, message)


def require_admin(request: Request) -> None:
    """Refuse unless tokens are off or the device holds an ``admin`` token.

    Usable as a route dependency.
    """
    device = device_in(request)
    if device is None or device.role is DeviceRole.ADMIN:
        return

    logger.info("device %s refused a network administration call", device.token_id)
    raise not_permitted("network administration needs an admin token")


def require_store_operator(request: Request, location_id: str) -> None:
    """Refuse unless the device may run store operations at ``location_id``."""
    device = device_in(request)
    if device is None or device.role is DeviceRole.ADMIN:
        return

    if device.role is DeviceRole.KIOSK:
        logger.info("kiosk %s refused a store operation", device.token_id)
        raise not_permitted("a kiosk cannot change stock or work on tasks")
    if device.store_id != location_id:
        logger.info("device %s refused a store operation elsewhere", device.token_id)
        raise not_permitted(f"this device works for {device.store_id} only")


def require_task_operator(request: Request, engine: Engine, task_id: uuid.UUID) -> None:
    """Refuse unless the device may work on the task (a till of its store).

    An unknown task passes: the task route answers it with 404.
    """
    if device_in(request) is None:
        return

    with engine.connect() as connection:
        location_id = connection.scalar(
            select(process_tasks.c.location_id).where(process_tasks.c.id == task_id)
        )
    if location_id is not None:
        require_store_operator(request, location_id)
        return
    # A kiosk is refused even for a task that does not exist.
    require_store_operator(request, device_in(request).store_id)


def require_task_reader(request: Request, location_id: str) -> None:
    """Refuse unless the device may read ``location_id``'s task list."""
    require_store_operator(request, location_id)


def refuse_kiosk(request: Request, what: str) -> None:
    """Refuse a kiosk ``what`` (tills and admins pass)."""
    device = device_in(request)
    if device is not None and device.role is DeviceRole.KIOSK:
        logger.info("kiosk %s refused a staff read", device.token_id)
        raise not_permitted(f"a kiosk cannot read {what}")


def require_order_reader(request: Request, selling_location_id: str) -> None:
    """Refuse a kiosk an order sold at another store (staff find any order)."""
    device = device_in(request)
    if device is None or device.role is not DeviceRole.KIOSK:
        return
    if device.store_id != selling_location_id:
        logger.info("kiosk %s refused another store's order", device.token_id)
        raise not_permitted(f"a kiosk reads orders of {device.store_id} only")
