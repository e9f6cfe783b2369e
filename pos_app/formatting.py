"""How amounts, distances and ages read on screen."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from pos_app.storefront.prices import currency_symbol, minor_digits


def format_money(amount: int, currency: str) -> str:
    """``255, "GBP"`` → ``£2.55``; integer arithmetic only."""
    exponent = minor_digits(currency)
    sign = "-" if amount < 0 else ""
    units, minor = divmod(abs(amount), 10**exponent)
    number = f"{units:,}" if exponent == 0 else f"{units:,}.{minor:0{exponent}d}"
    symbol = currency_symbol(currency)
    return f"{sign}{symbol}{number}" if symbol else f"{sign}{number} {currency}"


def format_distance(km: float | None) -> str:
    """A distance as an associate says it: ``0.4 km``, ``12 km``."""
    if km is None:
        return ""
    return f"{km:.1f} km" if km < 10 else f"{km:.0f} km"


def format_age(then: datetime, now: datetime | None = None) -> str:
    """How long ago ``then`` was, in the largest unit that fits."""
    now = now or datetime.now(UTC)
    seconds = max(0, int((now - then) / timedelta(seconds=1)))
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        return f"{seconds // 60} min ago"
    if seconds < 86400:
        return f"{seconds // 3600} h ago"
    return f"{seconds // 86400} d ago"
