"""Splitting amounts without losing a minor unit, and cash rounding.

Shares are found by largest remainder: each part gets the floor of its
exact share, and the units left over go one each to the parts with the
largest remainders (ties to the earlier part). Cash rounding applies only
to a cash tender and only in currencies whose smallest coins are larger
than the minor unit; the difference is recorded on that tender, never
moved to another one.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from oms_core.money import MoneyError, check_currency

logger = logging.getLogger(__name__)

# Smallest cash step in minor units where it is larger than one unit.
CASH_STEPS = {"CHF": 5, "AUD": 5, "CAD": 5, "NZD": 10, "SEK": 100, "DKK": 50}


def allocate(total: int, weights: Sequence[int]) -> list[int]:
    """Split ``total`` minor units by ``weights``; the parts sum to ``total``."""
    if not weights:
        raise MoneyError("nothing to allocate to")
    if any(isinstance(w, bool) or not isinstance(w, int) or w < 0 for w in weights):
        raise MoneyError("weights are whole numbers from zero")
    whole = sum(weights)
    if whole == 0:
        raise MoneyError("the weights add up to zero")

    sign = -1 if total < 0 else 1
    magnitude = abs(total)
    floors = [magnitude * w // whole for w in weights]
    remainders = [magnitude * w % whole for w in weights]
    left = magnitude - sum(floors)
    order = sorted(range(len(weights)), key=lambda i: (-remainders[i], i))
    for index in order[:left]:
        floors[index] += 1
    return [sign * part for part in floors]


def cash_step(currency: str) -> int:
    """The smallest cash amount in minor units (1 where coins match units)."""
    return CASH_STEPS.get(check_currency(currency), 1)


def round_cash(amount: int, currency: str) -> int:
    """``amount`` rounded to the nearest cash step, halves away from zero."""
    step = cash_step(currency)
    if step == 1:
        return amount
    sign = -1 if amount < 0 else 1
    steps, rest = divmod(abs(amount), step)
    if rest * 2 >= step:
        steps += 1
    return sign * steps * step
