"""Available-to-promise: the one definition.

ATP = on hand - reserved - buffer, never below zero. The plain function is
the rule; :func:`atp_sql` builds the same rule as a SQL expression for
queries that filter or sort by it. A test checks that both agree.
"""

from __future__ import annotations

import logging

from sqlalchemy import ColumnElement, case

logger = logging.getLogger(__name__)


def atp(on_hand: int, reserved: int, buffer: int) -> int:
    """Units that can still be promised to a new order."""
    return max(0, on_hand - reserved - buffer)


def atp_sql(
    on_hand: ColumnElement[int],
    reserved: ColumnElement[int],
    buffer: ColumnElement[int],
) -> ColumnElement[int]:
    """The same rule as :func:`atp`, as a SQL expression over three columns."""
    free = on_hand - reserved - buffer
    return case((free > 0, free), else_=0)


def can_reserve_sql(
    on_hand: ColumnElement[int],
    reserved: ColumnElement[int],
    buffer: ColumnElement[int],
    quantity: int,
) -> ColumnElement[bool]:
    """The guard of a reservation: ATP stays at or above zero after it."""
    return on_hand - reserved - buffer >= quantity
