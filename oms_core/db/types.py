"""Column types that keep the engine's rules in the database."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from sqlalchemy import DateTime
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
