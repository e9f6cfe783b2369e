"""Parked baskets: put aside on one device, recalled once on any of the store's.

A kiosk's hand-over is a parked basket too: its code is shown on screen (as
text and as a barcode) and a till scans or types it to take the basket over.
Recall is a conditional UPDATE on ``recalled_at IS NULL``, so two devices
racing for the same code cannot both win.
"""

from __future__ import annotations

import contextlib
import json
import logging
import secrets
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime

from sqlalchemy import Connection, Engine, insert, select, update
from sqlalchemy.exc import IntegrityError

from oms_core.api_models import (
    ErrorCode,
    ParkedBasket,
    ParkedLine,
    ParkRequest,
    RecallRequest,
)
from oms_core.db.engine import WRITE
from oms_core.db.schema import locations
from oms_core.db.store_ops_schema import parked_baskets
from oms_core.errors import conflict, not_found

logger = logging.getLogger(__name__)


@contextlib.contextmanager
def _write(engine: Engine) -> Iterator[Connection]:
    """One write transaction (taken at once on SQLite, so it cannot deadlock)."""
    with engine.connect().execution_options(**WRITE) as connection:
        with connection.begin():
            yield connection


# No 0/O or 1/I: a code read aloud or typed from a screen stays unambiguous.
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6
_CODE_TRIES = 8
MAX_LISTED = 50


def new_code() -> str:
    """A random hand-over code of :data:`CODE_LENGTH` characters."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def park(
    engine: Engine, request: ParkRequest, now: datetime | None = None
) -> ParkedBasket:
    """Store the basket under a fresh code unique in its store."""
    now = now or datetime.now(UTC)
    lines = json.dumps([line.model_dump() for line in request.lines])
    for _ in range(_CODE_TRIES):
        basket_id, code = uuid.uuid4(), new_code()
        try:
            with _write(engine) as connection:
                _require_location(connection, request.location_id)
                connection.execute(
                    insert(parked_baskets).values(
                        id=basket_id,
                        location_id=request.location_id,
                        code=code,
                        lines=lines,
                        parked_by=request.parked_by,
                        label=request.label,
                        parked_at=now,
                    )
                )
        except IntegrityError:
            logger.info("Hand-over code clash; drawing another")
            continue

        logger.info("Basket %s parked at %s", basket_id, request.location_id)
        return ParkedBasket(
            id=basket_id,
            code=code,
            location_id=request.location_id,
            lines=list(request.lines),
            parked_by=request.parked_by,
            label=request.label,
            parked_at=now,
        )
    raise RuntimeError("no free hand-over code after several tries")


def list_parked(connection: Connection, location_id: str) -> list[ParkedBasket]:
    """The store's baskets waiting to be recalled, newest first."""
    _require_location(connection, location_id)
    rows = connection.execute(
        select(parked_baskets)
        .where(
            parked_baskets.c.location_id == location_id,
            parked_baskets.c.recalled_at.is_(None),
        )
        .order_by(parked_baskets.c.parked_at.desc())
        .limit(MAX_LISTED)
    )
    return [_basket(row) for row in rows]


def recall(
    engine: Engine, request: RecallRequest, now: datetime | None = None
) -> ParkedBasket:
    """Take the basket with ``code`` out of the store's park, exactly once."""
    now = now or datetime.now(UTC)
    where = (
        parked_baskets.c.location_id == request.location_id,
        parked_baskets.c.code == request.code,
    )
    with _write(engine) as connection:
        taken = connection.execute(
            update(parked_baskets)
            .where(*where, parked_baskets.c.recalled_at.is_(None))
            .values(recalled_at=now, recalled_by=request.recalled_by)
        ).rowcount
        row = connection.execute(select(parked_baskets).where(*where)).first()

    if row is None:
        raise not_found(ErrorCode.NOT_FOUND, "no parked basket has this code here")
    if not taken:
        raise conflict(
            ErrorCode.ALREADY_RECALLED,
            "this basket was already taken over on another device",
            recalled_at=row.recalled_at.isoformat(),
        )
    logger.info("Basket %s recalled by %s", row.id, request.recalled_by)
    return _basket(row)


def _require_location(connection: Connection, location_id: str) -> None:
    found = connection.scalar(
        select(locations.c.id).where(locations.c.id == location_id)
    )
    if found is None:
        raise not_found(
            ErrorCode.UNKNOWN_LOCATION, "unknown location", location_id=location_id
        )


def _basket(row) -> ParkedBasket:
    return ParkedBasket(
        id=row.id,
        code=row.code,
        location_id=row.location_id,
        lines=[ParkedLine.model_validate(line) for line in json.loads(row.lines)],
        parked_by=row.parked_by,
        label=row.label,
        parked_at=row.parked_at,
        recalled_at=row.recalled_at,
        recalled_by=row.recalled_by,
    )
