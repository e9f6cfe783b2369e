"""The devices' tokens, on the engine's one :class:`~sqlalchemy.MetaData`.

Only a SHA-256 digest of each token is stored: the token itself is shown
once, when it is issued, and lives on the device's keyring from then on.
Importing this module registers the table.
"""

from __future__ import annotations

import logging

from sqlalchemy import CheckConstraint, Column, ForeignKey, String, Table, Uuid

from oms_core.db.schema import metadata
from oms_core.db.types import UtcDateTime

logger = logging.getLogger(__name__)

device_tokens = Table(
    "device_tokens",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("token_sha256", String(64), nullable=False, unique=True),
    Column("store_id", ForeignKey("locations.id"), nullable=False),
    Column("role", String(16), nullable=False),
    Column("label", String(120), nullable=False),
    Column("issued_at", UtcDateTime, nullable=False),
    Column("revoked_at", UtcDateTime),
    CheckConstraint("role IN ('till', 'kiosk', 'admin')", name="role_known"),
)
