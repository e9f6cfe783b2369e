"""Events: a transactional outbox, read in order and delivered outward.

Every change of an order, a task, a payment or stock calls
:func:`record_event` on the connection of the transaction that makes the
change, so the event exists exactly when the change does. Readers follow a
cursor (the event's position, given after its commit); webhooks and Kafka
are fed from the same table.
"""

from oms_core.events.outbox import (
    StoredEvent,
    note_new_order,
    read_events,
    read_positioned,
    record_event,
    record_events,
)

__all__ = [
    "StoredEvent",
    "note_new_order",
    "read_events",
    "read_positioned",
    "record_event",
    "record_events",
]
