"""The origins whose pages may use the bridge.

An origin is written ``scheme://host`` or ``scheme://host:port``, exactly as
a browser serialises ``location.origin``. Every entry is explicit: there are
no wildcards, and an entry with a path, a query, a user name or a star is
refused with a message that says which entry and why.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from urllib.parse import SplitResult, urlsplit

logger = logging.getLogger(__name__)

DEFAULT_ORIGINS = ("aisle://shop",)

_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]{0,31}$")
_HOST = re.compile(r"^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9-]{1,63}$")
_IPV6 = re.compile(r"^\[[0-9a-f:.]{2,45}\]$")
_DEFAULT_PORTS = {"http": 80, "https": 443}
_SCHEMES_WITHOUT_ORIGIN = frozenset(
    {"about", "blob", "chrome", "data", "file", "javascript", "qrc"}
)
MAX_ENTRIES = 256


class AllowListError(ValueError):
    """An allow-list entry is not an explicit origin."""


def _parse_entry(entry: str) -> str:
    """Return the canonical origin of one allow-list entry or raise."""
    text = entry.strip()
    if not text:
        raise AllowListError("empty origin in the allow-list")
    if "*" in text:
        raise AllowListError(f"wildcards are not allowed in an origin: {entry!r}")

    parts = urlsplit(text)
    scheme = parts.scheme.lower()
    if not _SCHEME.match(scheme) or scheme in _SCHEMES_WITHOUT_ORIGIN:
        raise AllowListError(f"not an origin with a usable scheme: {entry!r}")
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise AllowListError(f"an origin has no path, query or fragment: {entry!r}")
    if parts.username is not None or parts.password is not None:
        raise AllowListError(f"an origin has no user name: {entry!r}")

    return _origin_of(parts, entry)


def _origin_of(parts: SplitResult, shown: str) -> str:
    """Serialise scheme, host and port like ``location.origin`` does."""
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if host.startswith(":") or not host:
        raise AllowListError(f"an origin needs a host: {shown!r}")

    shown_host = f"[{host}]" if ":" in host else host
    if not (_HOST.match(shown_host) or _IPV6.match(shown_host)):
        raise AllowListError(f"not a valid host in origin: {shown!r}")

    try:
        port = parts.port
    except ValueError as error:
        raise AllowListError(f"not a valid port in origin: {shown!r}") from error
    if port is None or port == _DEFAULT_PORTS.get(scheme):
        return f"{scheme}://{shown_host}"
    return f"{scheme}://{shown_host}:{port}"


def origin_of_url(url: str) -> str | None:
    """The origin of a URL, or ``None`` when it has none (about:, data:, ...)."""
    try:
        parts = urlsplit(url.strip())
        if parts.scheme.lower() in _SCHEMES_WITHOUT_ORIGIN:
            return None
        return _origin_of(parts, url)
    except (AllowListError, ValueError):
        return None


class AllowList:
    """A fixed set of origins allowed to use the bridge.

    ``AllowList()`` allows only the demo storefront, ``aisle://shop``.
    """

    def __init__(self, origins: Iterable[str] = DEFAULT_ORIGINS) -> None:
        entries = list(origins)
        if len(entries) > MAX_ENTRIES:
            raise AllowListError(f"at most {MAX_ENTRIES} origins may be allowed")
        self._origins = frozenset(_parse_entry(entry) for entry in entries)

    @classmethod
    def parse(cls, text: str) -> AllowList:
        """Build an allow-list from a setting: origins separated by commas or
        white space."""
        return cls(entry for entry in re.split(r"[\s,]+", text) if entry)

    @property
    def origins(self) -> frozenset[str]:
        """The canonical origins, e.g. ``{"aisle://shop"}``."""
        return self._origins

    def allows(self, url: str) -> bool:
        """Whether the page at ``url`` is on an allowed origin."""
        origin = origin_of_url(url)
        return origin is not None and origin in self._origins

    def __repr__(self) -> str:
        return f"AllowList({sorted(self._origins)!r})"
