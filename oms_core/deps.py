"""Dependencies shared by the route modules."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import Connection, Engine

logger = logging.getLogger(__name__)


def get_engine(request: Request) -> Engine:
    """The database engine of the app serving this request."""
    return request.app.state.engine


def read_connection(request: Request) -> Iterator[Connection]:
    """A connection for the length of one request (read-only work)."""
    with get_engine(request).connect() as connection:
        yield connection


DbEngine = Annotated[Engine, Depends(get_engine)]
ReadConnection = Annotated[Connection, Depends(read_connection)]
