"""ISO 4217 currencies: minor-unit exponents and common symbols."""

from __future__ import annotations

import logging

logger = logging.getLogger(__name__)

_EXPONENT_0 = "BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF"
_EXPONENT_3 = "BHD IQD JOD KWD LYD OMR TND"
_EXPONENT_4 = "CLF UYW"
_EXPONENT_2 = (
    "AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BOV "
    "BRL BSD BTN BWP BYN BZD CAD CDF CHE CHF CHW CNY COP COU CRC CUC CUP CVE "
    "CZK DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GTQ GYD HKD "
    "HNL HTG HUF IDR ILS INR IRR JMD KES KGS KHR KPW KYD KZT LAK LBP LKR LRD "
    "LSL MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN NAD NGN "
    "NIO NOK NPR NZD PAB PEN PGK PHP PKR PLN QAR RON RSD RUB SAR SBD SCR SDG "
    "SEK SGD SHP SLE SLL SOS SRD SSP STN SVC SYP SZL THB TJS TMT TOP TRY TTD "
    "TWD TZS UAH USD USN UYU UZS VED VES WST XCD YER ZAR ZMW ZWL"
)

EXPONENTS: dict[str, int] = {
    code: exponent
    for exponent, codes in (
        (0, _EXPONENT_0),
        (2, _EXPONENT_2),
        (3, _EXPONENT_3),
        (4, _EXPONENT_4),
    )
    for code in codes.split()
}

# Every currency a symbol may stand for. A symbol names a currency only when
# it has exactly one candidate; "$" or "¥" alone stay unknown.
SYMBOL_CANDIDATES: dict[str, frozenset[str]] = {
    symbol: frozenset(codes.split())
    for symbol, codes in {
        "€": "EUR",
        "£": "GBP EGP FKP GIP SHP SYP LBP",
        "$": "USD CAD AUD NZD HKD SGD MXN CLP COP ARS TWD UYU",
        "¥": "JPY CNY",
        "￥": "JPY CNY",
        "₹": "INR",
        "₽": "RUB",
        "руб": "RUB",
        "руб.": "RUB",
        "₩": "KRW",
        "₺": "TRY",
        "TL": "TRY",
        "₴": "UAH",
        "грн": "UAH",
        "₪": "ILS",
        "₫": "VND",
        "₱": "PHP",
        "฿": "THB",
        "₦": "NGN",
        "₸": "KZT",
        "₼": "AZN",
        "₾": "GEL",
        "zł": "PLN",
        "Kč": "CZK",
        "Ft": "HUF",
        "lei": "RON",
        "лв": "BGN",
        "лв.": "BGN",
        "RM": "MYR",
        "Rp": "IDR",
        "R$": "BRL",
        "US$": "USD",
        "A$": "AUD",
        "AU$": "AUD",
        "C$": "CAD",
        "CA$": "CAD",
        "NZ$": "NZD",
        "HK$": "HKD",
        "S$": "SGD",
        "NT$": "TWD",
        "Rs": "INR PKR LKR NPR MUR SCR",
        "Rs.": "INR PKR LKR NPR MUR SCR",
        "kr": "SEK NOK DKK ISK",
        "kr.": "SEK NOK DKK ISK",
        "Fr.": "CHF",
    }.items()
}


def is_currency(code: str) -> bool:
    """Whether ``code`` is an active ISO 4217 code (upper case)."""
    return code in EXPONENTS


def exponent_of(code: str) -> int:
    """Minor-unit exponent of an ISO 4217 code; ``KeyError`` if unknown."""
    return EXPONENTS[code]


def currency_from_text(text: str) -> str | None:
    """An ISO 4217 code from a code or an unambiguous symbol, else ``None``."""
    value = text.strip()
    if value.upper() in EXPONENTS:
        return value.upper()

    candidates = SYMBOL_CANDIDATES.get(value)
    if candidates is not None and len(candidates) == 1:
        return next(iter(candidates))
    return None
