"""Per-device tokens: issue, revoke, list and check them.

A token is 32 random bytes (URL-safe text with an ``oat_`` prefix so it is
recognisable in a leak scan). The engine keeps only its SHA-256 digest,
with the one location the device belongs to and its role: a ``till`` sells
and may record supervisor approvals (price overrides, discounts), adjust
stock and work on tasks at its store; a ``kiosk`` only sells; an ``admin``
token is for network administration (location states and hours, sourcing
rules, process reload, webhooks) and store operations anywhere
(:mod:`oms_core.device_access`). Digests are compared in constant time.
"""

from __future__ import annotations

import enum
import hashlib
import hmac
import logging
import re
import secrets
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Engine, insert, select, update

from oms_core.api_models import LOCATION_ID_PATTERN
from oms_core.db.device_schema import device_tokens
from oms_core.db.schema import locations

logger = logging.getLogger(__name__)

TOKEN_PREFIX = "oat_"  # noqa: S105 - a prefix, not a secret
_TOKEN_TEXT = re.compile(r"^oat_[A-Za-z0-9_-]{43}$")
_LOCATION_ID = re.compile(LOCATION_ID_PATTERN)
MAX_LABEL = 120


class DeviceRole(enum.StrEnum):
    """What a device may do."""

    TILL = "till"
    KIOSK = "kiosk"
    ADMIN = "admin"


class TokenError(ValueError):
    """A token request that cannot be carried out, with the reason."""


@dataclass(frozen=True, slots=True)
class DeviceIdentity:
    """Who is calling: the token's id, its store and its role."""

    token_id: str
    store_id: str
    role: DeviceRole


@dataclass(frozen=True, slots=True)
class TokenRecord:
    """A token as listed: never the token itself."""

    id: uuid.UUID
    store_id: str
    role: DeviceRole
    label: str
    issued_at: datetime
    revoked_at: datetime | None


def new_token() -> str:
    """A fresh high-entropy token."""
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    """The hex SHA-256 digest under which a token is stored."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def looks_like_token(text: str) -> bool:
    """Whether ``text`` has the shape of a token (checked before any lookup)."""
    return bool(_TOKEN_TEXT.match(text))


def issue_token(
    engine: Engine, store_id: str, role: DeviceRole, label: str = ""
) -> tuple[str, uuid.UUID]:
    """Store a new token for a device of ``store_id``; return it and its id.

    A till or kiosk belongs to a store; an admin token to any location (its
    home: a store, a distribution centre). The token is returned once and
    never stored in clear.
    """
    if not _LOCATION_ID.match(store_id):
        raise TokenError(f"not a location id: {store_id!r}")
    label = label.strip()
    if len(label) > MAX_LABEL:
        raise TokenError(f"a label is at most {MAX_LABEL} characters")
    token, token_id = new_token(), uuid.uuid4()

    with engine.begin() as connection:
        kind = connection.scalar(
            select(locations.c.kind).where(locations.c.id == store_id)
        )
        if kind is None or (kind != "store" and role != DeviceRole.ADMIN):
            raise TokenError(f"no store with id {store_id!r}")
        connection.execute(
            insert(device_tokens).values(
                id=token_id,
                token_sha256=token_digest(token),
                store_id=store_id,
                role=str(DeviceRole(role)),
                label=label,
                issued_at=datetime.now(UTC),
            )
        )
    logger.info("device token %s issued for store %s", token_id, store_id)
    return token, token_id


def revoke_token(engine: Engine, token_id: uuid.UUID) -> bool:
    """Revoke a token by id; ``False`` if it is unknown or already revoked."""
    with engine.begin() as connection:
        result = connection.execute(
            update(device_tokens)
            .where(device_tokens.c.id == token_id)
            .where(device_tokens.c.revoked_at.is_(None))
            .values(revoked_at=datetime.now(UTC))
        )
    revoked = result.rowcount == 1
    if revoked:
        logger.info("device token %s revoked", token_id)
    return revoked


def list_tokens(engine: Engine, store_id: str | None = None) -> list[TokenRecord]:
    """Tokens, newest first, of one store or all."""
    query = select(device_tokens).order_by(device_tokens.c.issued_at.desc())
    if store_id is not None:
        query = query.where(device_tokens.c.store_id == store_id)
    with engine.connect() as connection:
        rows = connection.execute(query).mappings().all()
    return [
        TokenRecord(
            id=row["id"],
            store_id=row["store_id"],
            role=DeviceRole(row["role"]),
            label=row["label"],
            issued_at=row["issued_at"],
            revoked_at=row["revoked_at"],
        )
        for row in rows
    ]


@dataclass(frozen=True, slots=True)
class ConfiguredToken:
    """A token allowed by the service settings, by digest."""

    sha256: str
    store_id: str
    role: DeviceRole
    name: str


def authenticate(
    engine: Engine, token: str, configured: Iterable[ConfiguredToken] = ()
) -> DeviceIdentity | None:
    """The identity behind ``token``, or ``None`` if it is unknown or revoked."""
    if not looks_like_token(token):
        return None
    digest = token_digest(token)

    for entry in configured:
        if hmac.compare_digest(entry.sha256, digest):
            return DeviceIdentity(f"config:{entry.name}", entry.store_id, entry.role)

    with engine.connect() as connection:
        row = (
            connection.execute(
                select(device_tokens).where(device_tokens.c.token_sha256 == digest)
            )
            .mappings()
            .first()
        )
    if row is None or row["revoked_at"] is not None:
        return None
    if not hmac.compare_digest(row["token_sha256"], digest):
        return None
    return DeviceIdentity(str(row["id"]), row["store_id"], DeviceRole(row["role"]))
