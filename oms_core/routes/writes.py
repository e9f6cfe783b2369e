"""A write transaction for the inventory routes."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, Engine

from oms_core.db.engine import WRITE

logger = logging.getLogger(__name__)


@contextmanager
def write_transaction(engine: Engine) -> Iterator[Connection]:
    """One write transaction: committed on success, rolled back on any error."""
    with engine.connect().execution_options(**WRITE) as connection:
        with connection.begin():
            yield connection
