"""Both databases for the inventory cases: SQLite always, PostgreSQL when set.

SQLite: each test's own copy of the seeded template. PostgreSQL: one schema
per module, seeded with the first ten stores and the DCs; the tests set the
stock of the SKU they use before they start, so they do not see each other.
"""

from __future__ import annotations

import os
import uuid

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from oms_core.db.engine import make_engine
from oms_core.migrations import upgrade
from oms_core.seed import seed_database

PG_URL = os.environ.get("OPENAISLE_TEST_PG_URL")
PG_STORES = [f"store-{i:04d}" for i in range(10)]


@pytest.fixture(scope="module")
def pg_seeded(shared_data):
    """URL of a PostgreSQL schema seeded for this module, dropped afterwards."""
    if not PG_URL:
        pytest.skip("OPENAISLE_TEST_PG_URL is not set")
    schema = f"inv_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(PG_URL).update_query_dict({"options": f"-csearch_path={schema}"})
    rendered = url.render_as_string(hide_password=False)
    seed_database(rendered, shared_data, store_ids=PG_STORES)
    try:
        yield rendered
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(
    params=[
        "sqlite",
        pytest.param("postgres", marks=pytest.mark.postgres),
    ]
)
def pool(request, engine_database_url):
    """An engine on a seeded pool, SQLite or PostgreSQL."""
    if request.param == "sqlite":
        url = engine_database_url
    else:
        url = request.getfixturevalue("pg_seeded")
    engine = make_engine(url)
    upgrade(engine)
    yield engine
    engine.dispose()
