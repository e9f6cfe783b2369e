"""Prices from integer minor units to text, without floating point."""

from __future__ import annotations

# ISO 4217 currencies whose minor unit is not a hundredth.
_MINOR_DIGITS = {
    "BHD": 3,
    "CLP": 0,
    "ISK": 0,
    "JOD": 3,
    "JPY": 0,
    "KRW": 0,
    "KWD": 3,
    "OMR": 3,
    "TND": 3,
    "VND": 0,
}
_SYMBOLS = {"GBP": "£", "EUR": "€", "USD": "$", "JPY": "¥"}


def minor_digits(currency: str) -> int:
    """How many decimal digits the minor unit of ``currency`` has."""
    return _MINOR_DIGITS.get(currency, 2)


def currency_symbol(currency: str) -> str | None:
    """The well-known symbol of ``currency`` (``£`` for GBP), if it has one."""
    return _SYMBOLS.get(currency)


def decimal_price(amount_minor: int, currency: str) -> str:
    """The amount as a plain decimal string, e.g. ``1250`` GBP -> ``"12.50"``."""
    digits = minor_digits(currency)
    sign = "-" if amount_minor < 0 else ""
    whole, fraction = divmod(abs(amount_minor), 10**digits)
    if digits == 0:
        return f"{sign}{whole}"
    return f"{sign}{whole}.{fraction:0{digits}d}"


def format_price(amount_minor: int, currency: str) -> str:
    """The amount as a shopper reads it, e.g. ``1250`` GBP -> ``"£12.50"``.

    Currencies without a well-known symbol get their code: ``"CHF 12.50"``.
    """
    number = decimal_price(amount_minor, currency)
    symbol = currency_symbol(currency)
    if symbol is None:
        return f"{currency} {number}"
    if number.startswith("-"):
        return f"-{symbol}{number[1:]}"
    return f"{symbol}{number}"
