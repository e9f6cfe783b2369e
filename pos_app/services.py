"""The app's long-lived parts, opened at start and closed at exit."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from offline_store import AsyncDeviceStore, SyncWorker, default_device_db_path
from oms_client import OmsClient, OmsError
from oms_client.models import Location
from pos_app.engine_jobs import DEFAULT_INTERVAL, BundledJobLoop
from pos_app.order_sync import engine_sender
from pos_app.settings import AppSettings

logger = logging.getLogger(__name__)


class StartupError(RuntimeError):
    """The app cannot start; the message says what to do."""


@dataclass
class Services:
    """What a running app holds: device store, engine client, sync worker.

    ``jobs`` turns the bundled engine's timers and jobs; it is ``None`` when
    the engine is remote (a served engine runs its own).
    """

    settings: AppSettings
    store: AsyncDeviceStore
    client: OmsClient
    home: Location
    worker: SyncWorker
    jobs: BundledJobLoop | None = None
    _worker_task: asyncio.Task[None] | None = field(default=None, repr=False)

    def start_sync(self) -> None:
        """Start sending the outbox in the background."""
        self._worker_task = asyncio.get_running_loop().create_task(
            self.worker.run(), name="outbox sync"
        )

    async def aclose(self) -> None:
        """Stop the worker and the engine's jobs, then close client and store."""
        self.worker.stop()
        if self._worker_task is not None:
            self._worker_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._worker_task
        if self.jobs is not None:
            await self.jobs.stop()
        await self.client.aclose()
        await self.store.aclose()


async def open_services(
    settings: AppSettings,
    *,
    device_db: Path | None = None,
    oms_database_url: str | None = None,
    job_interval: float = DEFAULT_INTERVAL,
) -> Services:
    """Open the device store and reach the engine (bundled unless configured).

    A bundled engine gets its job loop started here, on the running loop,
    every ``job_interval`` seconds.
    """
    device_db = device_db or default_device_db_path()
    store = await AsyncDeviceStore.open(device_db)
    jobs = None
    try:
        client, engine_app = await _engine_client(settings, oms_database_url)
        if engine_app is not None:
            jobs = BundledJobLoop(engine_app, interval=job_interval)
            jobs.start()
        try:
            home = await _home_location(client, settings.store_id, device_db.parent)
        except BaseException:
            if jobs is not None:
                await jobs.stop()
            await client.aclose()
            raise
    except BaseException:
        await store.aclose()
        raise
    worker = SyncWorker(store, engine_sender(client))
    return Services(settings, store, client, home, worker, jobs)


async def _engine_client(
    settings: AppSettings, database_url: str | None
) -> tuple[OmsClient, Any]:
    """The client, and the engine's ASGI app when it runs in this process."""
    if settings.oms_url:
        from oms_client.credentials import KeyringUnavailable, load_device_token

        try:
            token = load_device_token(str(settings.device_id))
        except KeyringUnavailable as exc:
            logger.warning("No keyring: the device token cannot be read")
            raise StartupError(str(exc)) from exc
        logger.info("Using the remote order engine at %s", settings.oms_url)
        return OmsClient.remote(settings.oms_url, token=token), None

    from pos_app.bundled_engine import start_bundled_engine

    app = await start_bundled_engine(database_url)
    return OmsClient.in_process(app), app


async def _home_location(client: OmsClient, store_id: str, folder: Path) -> Location:
    """The device's store, remembered so a till can start offline."""
    remembered = folder / "home_location.json"
    loop = asyncio.get_running_loop()
    try:
        home = await client.get_location(store_id)
    except OmsError as exc:
        text = await loop.run_in_executor(None, _read_text, remembered)
        if text is None:
            raise StartupError(
                f"The store {store_id!r} is not known to the order engine: {exc}"
            ) from exc
        home = Location.model_validate_json(text)
        if home.id != store_id:
            raise StartupError(
                f"The store {store_id!r} could not be looked up"
            ) from exc
        return home

    await loop.run_in_executor(
        None, remembered.write_text, json.dumps(home.model_dump(mode="json")), "utf-8"
    )
    return home


def _read_text(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
