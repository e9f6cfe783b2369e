"""The bundled engine's job loop, started and stopped with the app's services."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pos_app.services import open_services
from pos_app.settings import AppSettings
from tests.till_support import STORE_ID, collect_here, until

HEART = "85123A"


def test_the_bundled_engine_creates_the_pick_of_a_collect_here_order(
    run: Callable[..., Any], engine_database_url: str, tmp_path: Path
) -> None:
    async def scenario() -> None:
        # given the app's services on the bundled engine
        services = await open_services(
            AppSettings(store_id=STORE_ID),
            device_db=tmp_path / "device.sqlite3",
            oms_database_url=engine_database_url,
            job_interval=0.2,
        )
        try:
            assert services.jobs is not None
            client = services.client

            # when a collect-here order is placed
            order_id = uuid.uuid4()
            await client.create_order(
                order_id,
                collect_here(HEART),
            )

            # then the loop, and nothing else, creates its pick at the store
            async def pick_exists() -> bool:
                tasks = await client.list_tasks(STORE_ID)
                return any(t.order_id == order_id and t.kind == "pick" for t in tasks)

            await until(pick_exists, timeout=20, what="the order's pick task")
        finally:
            await services.aclose()

        # and the loop is stopped once the services are closed
        assert services.jobs._task is None

    run(scenario())
