"""A throwaway schema on the test PostgreSQL server, seeded for one test.

``.ci/run`` starts the server and sets ``OPENAISLE_TEST_PG_URL``; tests that
need it are marked ``postgres`` and skip without it.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from oms_core.seed import seed_database

PG_URL = os.environ.get("OPENAISLE_TEST_PG_URL")


@contextmanager
def seeded_schema(shared_data: Path, store_ids: Sequence[str]) -> Iterator[str]:
    """The URL of a new schema seeded with ``store_ids`` and the DCs; dropped after."""
    assert PG_URL, "OPENAISLE_TEST_PG_URL is not set"
    schema = f"oms_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(PG_URL).update_query_dict({"options": f"-csearch_path={schema}"})
    rendered = url.render_as_string(hide_password=False)
    try:
        seed_database(rendered, shared_data, store_ids=list(store_ids))
        yield rendered
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
