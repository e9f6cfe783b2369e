"""Money as integer minor units with an ISO 4217 currency.

No float ever holds an amount: text is parsed with :class:`decimal.Decimal`
and turned into minor units by the currency's exponent (2 for GBP, 0 for
JPY, 3 for BHD).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

logger = logging.getLogger(__name__)

# Currencies whose exponent is not 2. Every other ISO 4217 code uses 2.
_EXPONENTS = {
    "BHD": 3,
    "CLP": 0,
    "ISK": 0,
    "JOD": 3,
    "JPY": 0,
    "KRW": 0,
    "KWD": 3,
    "OMR": 3,
    "TND": 3,
    "UGX": 0,
    "VND": 0,
}


class MoneyError(ValueError):
    """An amount or a currency that cannot be used."""


@dataclass(frozen=True, slots=True)
class Amount:
    """An amount of minor units in one currency."""

    minor: int
    currency: str

    def __post_init__(self) -> None:
        check_currency(self.currency)
        if isinstance(self.minor, bool) or not isinstance(self.minor, int):
            raise MoneyError("an amount is a whole number of minor units")


def check_currency(currency: str) -> str:
    """Return ``currency`` if it looks like an ISO 4217 code, else raise."""
    if len(currency) != 3 or not currency.isascii() or not currency.isupper():
        raise MoneyError(f"not an ISO 4217 currency code: {currency!r}")
    return currency


def exponent(currency: str) -> int:
    """The number of decimal places of ``currency``'s minor unit."""
    return _EXPONENTS.get(check_currency(currency), 2)


def parse_minor(text: str, currency: str, *, round_half_up: bool = False) -> int:
    """Parse a decimal string in major units (``"2.55"``) into minor units.

    More decimal places than the currency has are refused, unless
    ``round_half_up`` is set, in which case they are rounded half up.
    """
    places = exponent(currency)
    try:
        value = Decimal(text.strip())
    except InvalidOperation as exc:
        raise MoneyError(f"not a decimal amount: {text!r}") from exc
    if not value.is_finite():
        raise MoneyError(f"not a finite amount: {text!r}")

    scaled = value.scaleb(places)
    whole = scaled.to_integral_value(rounding=ROUND_HALF_UP)
    if whole != scaled and not round_half_up:
        raise MoneyError(f"{text!r} has more than {places} decimal places")
    return int(whole)


def sum_amounts(amounts: Iterable[Amount], currency: str) -> Amount:
    """Add amounts that must all be in ``currency``."""
    total = 0
    for amount in amounts:
        if amount.currency != currency:
            raise MoneyError(f"cannot add {amount.currency} to a {currency} total")
        total += amount.minor
    return Amount(total, currency)


def format_minor(minor: int, currency: str) -> str:
    """Show minor units as a plain decimal with the code: ``"2.55 GBP"``."""
    places = exponent(currency)
    sign = "-" if minor < 0 else ""
    units, rest = divmod(abs(minor), 10**places)
    if places == 0:
        return f"{sign}{units} {currency}"
    return f"{sign}{units}.{rest:0{places}d} {currency}"
