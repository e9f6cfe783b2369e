"""Column types that keep the engine's rules in the database."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import DateTime
from sqlalchemy.dialects import sqlite
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

logger = logging.getLogger(__name__)


class UtcDateTime(TypeDecorator[datetime]):
    """An aware datetime, stored as UTC and always returned aware in UTC.

    SQLite keeps no zone, so values are converted to UTC on the way in and
    marked as UTC on the way out. Naive values are refused.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(
        self, value: datetime | None, dialect: Dialect
    ) -> datetime | None:
        """Convert to UTC; a naive datetime is a programming error."""
        if value is None:
            return None
        if value.utcoffset() is None:
            raise ValueError("naive datetime given where aware UTC is required")
        utc = value.astimezone(UTC)
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(
        self, value: datetime | None, dialect: Dialect
    ) -> datetime | None:
        """Return the stored instant as an aware UTC datetime."""
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_SECOND = timedelta(seconds=1)


class UtcSeconds(UtcDateTime):
    """An aware UTC time to the whole second; on SQLite, Unix seconds.

    For the stock pool's count times, one per row of 800,000: SQLite's text
    form of a time takes 26 bytes a row, an integer 4. PostgreSQL keeps its
    own timestamp, as :class:`UtcDateTime` does. On SQLite, times are cut to
    the second before the microseconds (never rounded up), and text written
    before the column held integers is still read.
    """

    cache_ok = True

    def bind_processor(self, dialect: Dialect) -> Callable[[Any], Any] | None:
        """On SQLite, an aware time becomes its Unix second."""
        if dialect.name != "sqlite":
            return super().bind_processor(dialect)

        def process(value: datetime | None) -> int | None:
            if value is None:
                return None
            if value.utcoffset() is None:
                raise ValueError("naive datetime given where aware UTC is required")
            return (value - _EPOCH) // _SECOND

        return process

    def result_processor(
        self, dialect: Dialect, coltype: object
    ) -> Callable[[Any], Any] | None:
        """On SQLite, a Unix second (or older text) becomes an aware time."""
        if dialect.name != "sqlite":
            return super().result_processor(dialect, coltype)
        parse_text = sqlite.DATETIME().result_processor(dialect, coltype)

        def process(value: object) -> datetime | None:
            if value is None:
                return None
            if isinstance(value, int | float):
                return _EPOCH + timedelta(seconds=value)
            parsed = parse_text(value) if parse_text else value
            return parsed.replace(tzinfo=UTC)

        return process
