"""HMAC signatures of webhook bodies.

The header ``OpenAisle-Signature: t=<unix seconds>,v1=<hex>`` signs
``"<t>.<body>"`` with HMAC-SHA256 and the subscriber's secret. A receiver
recomputes it, compares in constant time and refuses old timestamps.
"""

from __future__ import annotations

import hashlib
import hmac
import logging

logger = logging.getLogger(__name__)

HEADER = "OpenAisle-Signature"
TOLERANCE_SECONDS = 300


def sign(secret: str, body: bytes, timestamp: int) -> str:
    """The signature header value for ``body`` sent at ``timestamp``."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def verify(secret: str, body: bytes, header: str, now: int) -> bool:
    """Whether ``header`` signs ``body`` with ``secret`` and is recent."""
    try:
        parts = dict(item.split("=", 1) for item in header.split(","))
        timestamp = int(parts["t"])
        given = parts["v1"]
    except (KeyError, ValueError):
        return False
    if abs(now - timestamp) > TOLERANCE_SECONDS:
        return False
    expected = sign(secret, body, timestamp).split("v1=", 1)[1]
    return hmac.compare_digest(expected, given)
