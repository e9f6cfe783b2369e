"""The client's own exceptions; each chains the cause that raised it.

::

    OmsError
    ├── OmsUnreachable      transport error, time-out, 429, 502, 503, 504
    ├── OmsConflict         409
    ├── OmsRejected         any other 4xx
    │   └── OmsNotFound     404
    ├── OmsServerError      500 and other 5xx
    └── OmsProtocolError      an answer that breaks the contract
"""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from oms_core.api_models import ApiError


class OmsError(Exception):
    """Base of every error of the order engine client.

    ``status`` is the HTTP status (``None`` when no answer came) and
    ``error`` the parsed error body (``None`` when there was none or it was
    not a valid API error).
    """

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        error: ApiError | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.error = error


class OmsUnreachable(OmsError):
    """The engine could not be reached or asked us to come back later.

    ``retry_after`` is the engine's wish in seconds, when it said one.
    """

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        error: ApiError | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message, status=status, error=error)
        self.retry_after = retry_after


class OmsConflict(OmsError):
    """The request clashes with the engine's state (HTTP 409)."""


class OmsRejected(OmsError):
    """The engine refused the request (HTTP 4xx); resending will not help."""


class OmsNotFound(OmsRejected):
    """The thing asked for does not exist (HTTP 404)."""


class OmsServerError(OmsError):
    """The engine failed (HTTP 500 or another 5xx it does not retry)."""


class OmsProtocolError(OmsError):
    """The engine answered something that does not match the contract."""


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header, or ``None``.

    Accepts delta-seconds (``"120"``) and an HTTP-date; a date in the past
    gives 0. Anything else gives ``None``.
    """
    if value is None:
        return None
    text = value.strip()
    if text.isascii() and text.isdigit():
        return float(int(text))

    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    now = now or datetime.now(UTC)
    return max((when - now).total_seconds(), 0.0)
