"""A database already at the newest revision starts without running Alembic."""

from __future__ import annotations

import subprocess
import sys

from sqlalchemy import text

from oms_core import migrations
from oms_core.db.engine import make_engine


def test_the_quick_check_agrees_with_alembic_on_the_head(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'oms.sqlite3'}")
    try:
        # A new database is not at the head; one upgraded is.
        assert not migrations._at_plain_head(engine)
        migrations.upgrade(engine)
        assert migrations._at_plain_head(engine)
        assert migrations.current(engine) == migrations.heads()[0]
    finally:
        engine.dispose()


def test_a_database_behind_the_head_is_still_upgraded(tmp_path):
    # Given a database whose history says it is at the first revision.
    engine = make_engine(f"sqlite:///{tmp_path / 'oms.sqlite3'}")
    try:
        migrations.upgrade(engine, "0001")
        assert migrations.current(engine) == "0001"

        # Then the quick check does not call it current, and the upgrade runs.
        assert not migrations._at_plain_head(engine)
        migrations.upgrade(engine)
        assert migrations.current(engine) == migrations.heads()[0]
    finally:
        engine.dispose()


def test_a_start_at_the_head_does_not_load_alembic(tmp_path):
    url = f"sqlite:///{tmp_path / 'oms.sqlite3'}"
    engine = make_engine(url)
    migrations.upgrade(engine)
    engine.dispose()

    code = (
        "import sys\n"
        "from oms_core.db.engine import make_engine\n"
        "from oms_core.migrations import upgrade\n"
        f"engine = make_engine({url!r})\n"
        "upgrade(engine)\n"
        "engine.dispose()\n"
        "print('alembic' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert done.stdout.strip() == "False"


def test_an_unknown_version_row_leaves_the_decision_to_alembic(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'oms.sqlite3'}")
    try:
        migrations.upgrade(engine)
        with engine.begin() as connection:
            connection.execute(text("UPDATE alembic_version SET version_num = 'x'"))

        assert not migrations._at_plain_head(engine)
    finally:
        engine.dispose()
