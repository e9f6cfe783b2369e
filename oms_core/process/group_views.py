"""What the API shows of an order's shipment groups, and what is left in each.

Each group of an order runs its own process (see
:mod:`oms_core.process.engine`); these reads answer where each group is,
which lines it carries, and whether anything is left for it to deliver.
"""

from __future__ import annotations

import logging
import uuid

from sqlalchemy import Connection, select

from oms_core.api_models import ErrorCode, ProcessView
from oms_core.db.process_schema import fulfilment_lines
from oms_core.errors import not_found
from oms_core.process.engine import allowed_events, is_final, running_groups

logger = logging.getLogger(__name__)


def view(
    conn: Connection, order_id: uuid.UUID, group_no: int | None = None
) -> ProcessView:
    """Where a group is, as the API shows it.

    Without a group: the first group still running (group 0 once all ended).
    """
    groups = views(conn, order_id)
    if group_no is None:
        running = [item for item in groups if not item.final]
        return (running or groups)[0]
    for item in groups:
        if item.group == group_no:
            return item
    raise not_found(
        ErrorCode.NOT_FOUND, "no process for this order and group", group=group_no
    )


def views(conn: Connection, order_id: uuid.UUID) -> list[ProcessView]:
    """Every group of the order with its lines and where it is."""
    groups = running_groups(conn, order_id)
    line_rows = conn.execute(
        select(fulfilment_lines.c.group_no, fulfilment_lines.c.line_no).where(
            fulfilment_lines.c.order_id == order_id
        )
    ).all()
    line_nos: dict[int, set[int]] = {}
    for group_no, line_no in line_rows:
        line_nos.setdefault(group_no, set()).add(line_no)
    return [
        ProcessView(
            order_id=order_id,
            process=running.definition.name,
            version=running.definition.version,
            state=running.state,
            state_title=running.definition.states[running.state].title,
            final=is_final(running),
            allowed_events=allowed_events(running.definition, running.state),
            group=running.group_no,
            groups=len(groups),
            lines=sorted(line_nos.get(running.group_no, ())),
            collection_location_id=running.collection_location_id,
        )
        for running in groups
    ]


def live_units(conn: Connection, order_id: uuid.UUID, group_no: int) -> int:
    """Units of the group the customer still gets (not short, cancelled, returned)."""
    rows = conn.execute(
        select(fulfilment_lines).where(
            fulfilment_lines.c.order_id == order_id,
            fulfilment_lines.c.group_no == group_no,
        )
    ).all()
    return sum(row.quantity - row.short - row.cancelled - row.returned for row in rows)


def others_final(conn: Connection, order_id: uuid.UUID, group_no: int) -> bool:
    """True when every group of the order but ``group_no`` has ended."""
    return all(
        is_final(running)
        for running in running_groups(conn, order_id)
        if running.group_no != group_no
    )
