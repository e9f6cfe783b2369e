"""Internal barcodes for the catalogue.

The source catalogue has no GTINs, so each product gets an EAN-13 from the
GS1 in-store range (numbers starting with ``2``), which GS1 reserves for a
retailer's own use inside its stores. These barcodes are internal: a till of
this retailer can scan them, nobody else will recognise them.

The number is derived from the SKU alone (a stable hash), so the same SKU
gets the same barcode on every seed and on every machine.
"""

from __future__ import annotations

import hashlib
import logging

logger = logging.getLogger(__name__)

IN_STORE_PREFIX = "2"
# Prefix 2, then a second digit 0..9 and ten digits from the hash: the
# 12-digit body before the check digit.
_BODY_DIGITS = 11


def check_digit(body: str) -> str:
    """The GS1 mod-10 check digit of a 12-digit (EAN-13) or other body."""
    if not body.isdigit():
        raise ValueError(f"a GTIN body is digits only: {body!r}")
    total = 0
    for position, char in enumerate(reversed(body)):
        weight = 3 if position % 2 == 0 else 1
        total += int(char) * weight
    return str((10 - total % 10) % 10)


def is_valid_gtin(code: str) -> bool:
    """Whether ``code`` is 8, 12, 13 or 14 digits with a correct check digit."""
    if len(code) not in (8, 12, 13, 14) or not code.isdigit():
        return False
    return check_digit(code[:-1]) == code[-1]


def in_store_gtin(sku: str, salt: int = 0) -> str:
    """A deterministic in-store EAN-13 for ``sku``.

    ``salt`` picks another number when two SKUs collide on the first.
    """
    digest = hashlib.sha256(f"{sku}#{salt}".encode()).digest()
    number = int.from_bytes(digest[:8], "big") % 10**_BODY_DIGITS
    body = f"{IN_STORE_PREFIX}{number:0{_BODY_DIGITS}d}"
    return body + check_digit(body)


def assign_gtins(skus: list[str]) -> dict[str, str]:
    """Give every SKU its own in-store GTIN, resolving rare collisions.

    SKUs are handled in sorted order, so a collision resolves the same way
    on every run.
    """
    taken: dict[str, str] = {}
    result: dict[str, str] = {}
    for sku in sorted(skus):
        salt = 0
        code = in_store_gtin(sku)
        while code in taken:
            salt += 1
            code = in_store_gtin(sku, salt)
        taken[code] = sku
        result[sku] = code
    return result
