"""Stand-ins the store tests drive by hand."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

START = datetime(2010, 12, 1, 8, 26, tzinfo=UTC)


class FakeClock:
    """An aware UTC clock that only moves when told."""

    def __init__(self, start: datetime = START) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> datetime:
        self.now += timedelta(seconds=seconds)
        return self.now


class TopOfRangeRng:
    """A random source whose jitter always picks the top of the range."""

    def uniform(self, low: float, high: float) -> float:
        return high
