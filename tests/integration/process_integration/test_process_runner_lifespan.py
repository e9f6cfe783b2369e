"""The served engine runs its job runner for as long as it lives."""

from __future__ import annotations

import threading

from oms_core.app import create_app
from oms_core.process.runner import attach_runner


def _runners() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "openaisle-jobs"]


async def test_the_runner_starts_and_stops_with_the_served_app(engine_database_url):
    app = create_app(engine_database_url)
    attach_runner(app, interval=0.05)
    assert _runners() == []

    async with app.router.lifespan_context(app):
        running = _runners()

    assert len(running) == 1
    assert not running[0].is_alive()
    app.state.engine.dispose()
