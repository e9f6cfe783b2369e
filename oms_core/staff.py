"""Staff sign-in: PINs hashed with scrypt, lock-out after repeated failures.

A PIN is never stored or logged: only ``scrypt$n$r$p$salt$hash``. After
:data:`MAX_FAILED_ATTEMPTS` wrong PINs in a row the staff number is locked
for :data:`LOCK_MINUTES`; while locked even the right PIN is refused, so a
lock cannot be probed. An unknown staff number costs the same hash as a
known one, answers the same words and locks the same way after as many
failures, so neither a wrong PIN nor a lock tells which numbers exist.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import logging
import secrets
import threading
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Connection, Engine, func, insert, select, update

from oms_core.api_models import ErrorCode, StaffMember, StaffRole
from oms_core.db.engine import WRITE
from oms_core.db.store_ops_schema import staff
from oms_core.errors import EngineError

logger = logging.getLogger(__name__)


@contextlib.contextmanager
def _write(engine: Engine) -> Iterator[Connection]:
    """One write transaction (taken at once on SQLite, so it cannot deadlock)."""
    with engine.connect().execution_options(**WRITE) as connection:
        with connection.begin():
            yield connection


MAX_FAILED_ATTEMPTS = 5
LOCK_MINUTES = 15
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
_DUMMY_HASH = None  # made on first use: a hash to spend time on for unknowns
MAX_UNKNOWN_NUMBERS = 10_000


class _UnknownNumbers:
    """Failures and locks of staff numbers that do not exist, in this process.

    Least recently tried numbers are forgotten past ``MAX_UNKNOWN_NUMBERS``.
    """

    # TODO: kept per process: with N workers an unknown number locks after
    # up to N times the failures; sharing it needs a table, as known ones use.

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._numbers: OrderedDict[str, tuple[int, datetime | None]] = OrderedDict()

    def fail(self, staff_number: str, now: datetime) -> EngineError:
        """Count a failure; the refusal a known number would get now."""
        with self._lock:
            failures, locked_until = self._numbers.pop(staff_number, (0, None))
            if locked_until is not None and locked_until > now:
                self._numbers[staff_number] = (failures, locked_until)
                return _locked(locked_until)

            failures += 1
            locked_until = None
            if failures >= MAX_FAILED_ATTEMPTS:
                failures, locked_until = 0, now + timedelta(minutes=LOCK_MINUTES)
            self._numbers[staff_number] = (failures, locked_until)
            if len(self._numbers) > MAX_UNKNOWN_NUMBERS:
                self._numbers.popitem(last=False)
        return _locked(locked_until) if locked_until else _failed()


_UNKNOWN = _UnknownNumbers()


@dataclass(frozen=True)
class DemoStaff:
    """A seeded person for demonstrations and tests (see docs/modes.md)."""

    staff_number: str
    name: str
    role: StaffRole
    pin: str


DEMO_STAFF = (
    DemoStaff("1001", "Alex Associate", StaffRole.ASSOCIATE, "2468"),
    DemoStaff("2001", "Sam Supervisor", StaffRole.SUPERVISOR, "1357"),
    DemoStaff("9001", "Store kiosk", StaffRole.KIOSK, "9090"),
)


def hash_pin(pin: str, salt: bytes | None = None) -> str:
    """The stored form of ``pin``: scrypt with a random 16-byte salt."""
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.scrypt(
        pin.encode(), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=32
    )
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${salt.hex()}${digest.hex()}"


def pin_matches(pin: str, stored: str) -> bool:
    """Whether ``pin`` hashes to ``stored`` (compared in constant time)."""
    try:
        kind, n, r, p, salt, digest = stored.split("$")
        if kind != "scrypt":
            return False
        candidate = hashlib.scrypt(
            pin.encode(),
            salt=bytes.fromhex(salt),
            n=int(n),
            r=int(r),
            p=int(p),
            dklen=len(digest) // 2,
        )
    except ValueError:
        logger.error("A stored PIN hash is malformed")
        return False
    return hmac.compare_digest(candidate.hex(), digest)


def add_staff(
    connection: Connection, staff_number: str, name: str, role: StaffRole, pin: str
) -> None:
    """Record a person with a hashed PIN (inside the caller's transaction)."""
    connection.execute(
        insert(staff).values(
            staff_number=staff_number,
            name=name,
            role=str(role),
            pin_hash=hash_pin(pin),
            failed_attempts=0,
        )
    )


def seed_demo_staff(connection: Connection) -> int:
    """Add the demonstration staff if the table is empty; how many were added."""
    count = connection.scalar(select(func.count()).select_from(staff))
    if count:
        return 0
    for person in DEMO_STAFF:
        add_staff(connection, person.staff_number, person.name, person.role, person.pin)
    logger.info("Seeded %d demonstration staff", len(DEMO_STAFF))
    return len(DEMO_STAFF)


def sign_in(
    engine: Engine, staff_number: str, pin: str, now: datetime | None = None
) -> StaffMember:
    """The person behind ``staff_number`` if ``pin`` is theirs and not locked.

    Raises :class:`EngineError` 401 ``sign_in_failed`` or 423 ``staff_locked``.
    """
    now = now or datetime.now(UTC)
    with _write(engine) as connection:
        row = connection.execute(
            select(staff).where(staff.c.staff_number == staff_number)
        ).first()
        if row is None:
            pin_matches(pin, _dummy_hash())
            logger.info("Sign-in refused for an unknown staff number")
            raise _UNKNOWN.fail(staff_number, now)
        if row.locked_until is not None and row.locked_until > now:
            raise _locked(row.locked_until)

        if pin_matches(pin, row.pin_hash):
            connection.execute(
                update(staff)
                .where(staff.c.staff_number == staff_number)
                .values(failed_attempts=0, locked_until=None)
            )
            logger.info("Staff %s signed in", staff_number)
            return StaffMember(
                staff_number=row.staff_number, name=row.name, role=row.role
            )

        failures = row.failed_attempts + 1
        locked_until = (
            now + timedelta(minutes=LOCK_MINUTES)
            if failures >= MAX_FAILED_ATTEMPTS
            else None
        )
        connection.execute(
            update(staff)
            .where(staff.c.staff_number == staff_number)
            .values(
                failed_attempts=0 if locked_until else failures,
                locked_until=locked_until,
            )
        )
    logger.info("Wrong PIN for staff %s (%d in a row)", staff_number, failures)
    if locked_until is not None:
        logger.warning("Staff %s locked after repeated wrong PINs", staff_number)
        raise _locked(locked_until)
    raise _failed()


def require_role(member: StaffMember, *roles: StaffRole) -> StaffMember:
    """``member`` if their role is one of ``roles``; else a 403 refusal."""
    if member.role not in roles:
        raise EngineError(
            403,
            ErrorCode.NOT_PERMITTED,
            f"a {member.role} may not do this",
            {"needs": [str(r) for r in roles]},
        )
    return member


def _failed() -> EngineError:
    return EngineError(
        401, ErrorCode.SIGN_IN_FAILED, "the staff number or PIN is not right"
    )


def _locked(until: datetime) -> EngineError:
    return EngineError(
        423,
        ErrorCode.STAFF_LOCKED,
        "too many wrong PINs: this staff number is locked for now",
        {"locked_until": until.isoformat()},
    )


def _dummy_hash() -> str:
    global _DUMMY_HASH
    if _DUMMY_HASH is None:
        _DUMMY_HASH = hash_pin(secrets.token_hex(4))
    return _DUMMY_HASH
