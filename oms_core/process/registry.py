"""Where definitions come from and which version an order runs on.

The registry reads every ``*.yaml``/``*.json`` file of a folder (the
standard definitions shipped in ``definitions/`` unless another folder is
named) and keeps the newest version of each name. :meth:`Registry.reload`
reads the folder again, so a changed file changes new orders and the
pictures at once. An order's definition is stored in ``process_versions``
the first time an order starts on it; the order then always runs on that
stored copy, whatever the files say later.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import weakref
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Connection, Engine, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.dml import Insert

from oms_core.db.process_schema import process_versions
from oms_core.process.definition import (
    Definition,
    DefinitionError,
    build_definition,
    parse_definition,
)

logger = logging.getLogger(__name__)

STANDARD_FOLDER = Path(__file__).resolve().parent / "definitions"
MAX_FILE_BYTES = 256 * 1024
FOLDER_ENV = "OPENAISLE_PROCESS_DIR"


class Registry:
    """The definitions of one folder, newest version per name."""

    def __init__(self, folder: Path | None = None) -> None:
        self._folder = folder or STANDARD_FOLDER
        self._lock = threading.Lock()
        self._latest: dict[str, Definition] = {}
        self._cache: dict[tuple[str, int, str], Definition] = {}
        # Per database, the versions seen stored with the same content: they
        # are never removed or changed, so placing an order need not ask again.
        self._seen_stored: weakref.WeakKeyDictionary[
            Engine, set[tuple[str, int, str]]
        ] = weakref.WeakKeyDictionary()
        self.reload()

    @property
    def folder(self) -> Path:
        """The folder the definitions are read from."""
        return self._folder

    def reload(self) -> list[str]:
        """Read the folder again; a bad file refuses the whole reload."""
        found: dict[str, Definition] = {}
        for path in sorted(self._folder.glob("*")):
            if path.suffix not in (".yaml", ".yml", ".json") or not path.is_file():
                continue
            if path.stat().st_size > MAX_FILE_BYTES:
                raise DefinitionError(f"{path.name}: larger than {MAX_FILE_BYTES} B")
            try:
                definition = parse_definition(path.read_text(encoding="utf-8"))
            except DefinitionError as exc:
                raise DefinitionError(f"{path.name}: {exc}") from exc
            known = found.get(definition.name)
            if known is not None and known.version == definition.version:
                raise DefinitionError(
                    f"{path.name}: {definition.name} v{definition.version} twice"
                )
            if known is None or known.version < definition.version:
                found[definition.name] = definition

        with self._lock:
            self._latest = found
        logger.info("process definitions loaded: %d", len(found))
        return sorted(found)

    def names(self) -> list[str]:
        """Names of the known processes."""
        with self._lock:
            return sorted(self._latest)

    def latest(self, name: str) -> Definition:
        """The newest version of ``name``; KeyError if there is none."""
        with self._lock:
            return self._latest[name]

    def ensure_stored(self, conn: Connection, definition: Definition) -> None:
        """Store ``definition`` unless that name and version already are.

        A stored version with other content is refused: a changed process
        needs a new version number, or running orders would change under
        their feet.
        """
        key = (definition.name, definition.version, definition.digest)
        with self._lock:
            if key in self._seen_stored.get(conn.engine, ()):
                return

        values = {
            "name": definition.name,
            "version": definition.version,
            "digest": definition.digest,
            "definition": definition.canonical_json(),
            "loaded_at": datetime.now(UTC),
        }
        # Two first orders at once may both find the version missing: the
        # insert does nothing for the second, which then reads the first's.
        # The returned row tells; rowcount does not on PostgreSQL (psycopg
        # answers -1 for an insert that did nothing on a conflict).
        inserted = conn.execute(
            _insert_if_absent(conn, values).returning(process_versions.c.name)
        ).first()
        if inserted is not None:
            logger.info("process version stored on first use")
            return

        stored = conn.execute(
            select(process_versions.c.digest).where(
                process_versions.c.name == definition.name,
                process_versions.c.version == definition.version,
            )
        ).scalar_one()
        if stored != definition.digest:
            raise DefinitionError(
                f"{definition.name} v{definition.version} changed since orders "
                "started on it; give the changed file a new version number"
            )
        # Only a row found stored is remembered: one this transaction has
        # just inserted is gone again if the transaction rolls back.
        with self._lock:
            self._seen_stored.setdefault(conn.engine, set()).add(key)

    def stored(self, conn: Connection, name: str, version: int) -> Definition:
        """The stored definition an order runs on."""
        row = conn.execute(
            select(process_versions.c.digest, process_versions.c.definition).where(
                process_versions.c.name == name, process_versions.c.version == version
            )
        ).first()
        if row is None:
            raise DefinitionError(f"{name} v{version} is not stored")
        key = (name, version, row.digest)
        with self._lock:
            cached = self._cache.get(key)
        if cached is None:
            cached = build_definition(json.loads(row.definition))
            with self._lock:
                self._cache[key] = cached
        return cached


_default: Registry | None = None
_default_lock = threading.Lock()


def default_registry() -> Registry:
    """The engine's registry, made on first use.

    It reads the folder named by ``OPENAISLE_PROCESS_DIR`` if set, else the
    standard definitions.
    """
    global _default
    with _default_lock:
        if _default is None:
            folder = os.environ.get(FOLDER_ENV, "").strip()
            _default = Registry(Path(folder) if folder else None)
        return _default


def _insert_if_absent(conn: Connection, values: dict[str, object]) -> Insert:
    """An insert of a process version that does nothing if it is stored."""
    if conn.dialect.name == "postgresql":
        statement = postgresql.insert(process_versions)
    else:
        statement = sqlite.insert(process_versions)
    return statement.values(**values).on_conflict_do_nothing(
        index_elements=["name", "version"]
    )
