"""How far the device's clock is from the engine's, read from ``Date``.

The engine's clock decides business dates and promises; the device's clock
only stamps what it shows and the advisory ``placed_at``. A till whose
clock is days off still sells correctly, but the associate should be told,
so the client measures the gap on every answer and the app can warn.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

import httpx

logger = logging.getLogger(__name__)

# The Date header has whole seconds and the answer takes time to arrive;
# below this the gap is noise, above it the app warns.
SKEW_WARNING = timedelta(minutes=2)


def server_date(response: httpx.Response) -> datetime | None:
    """The answer's ``Date`` header as aware UTC, or ``None``."""
    value = response.headers.get("date")
    if value is None:
        return None
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.astimezone(UTC)


class ClockSkew:
    """The last measured gap, device clock minus engine clock.

    ``listeners`` are called with the new gap whenever it crosses
    :data:`SKEW_WARNING` either way (and on the first measurement).
    """

    def __init__(self, clock: Callable[[], datetime]) -> None:
        self._clock = clock
        self.skew: timedelta | None = None
        self.listeners: list[Callable[[timedelta], None]] = []

    @property
    def is_off(self) -> bool:
        """Whether the device clock is further off than :data:`SKEW_WARNING`."""
        return self.skew is not None and abs(self.skew) > SKEW_WARNING

    def observe(self, response: httpx.Response) -> None:
        """Measure the gap from one answer."""
        engine_now = server_date(response)
        if engine_now is None:
            return
        was_off, first = self.is_off, self.skew is None
        self.skew = self._clock() - engine_now
        if first or self.is_off != was_off:
            if self.is_off:
                logger.warning(
                    "device clock is %.0f s off the engine's",
                    self.skew.total_seconds(),
                )
            for listener in self.listeners:
                listener(self.skew)
