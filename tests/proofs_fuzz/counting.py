"""Count the inputs a property test tried, for the printed figures."""

from __future__ import annotations

from collections import Counter

from tests.support_faults.figures import record

tried: Counter[str] = Counter()


def tick(name: str) -> None:
    """One more input tried by ``name``."""
    tried[name] += 1


def report(name: str, **figures: object) -> None:
    """Record how many inputs ``name`` tried, with anything else it found."""
    record(f"fuzz: {name}", inputs=tried[name], **figures)
