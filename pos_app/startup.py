"""From settings to a running window, and back down again at exit."""

from __future__ import annotations

import argparse
import asyncio
import logging

from PySide6.QtWebEngineCore import QWebEngineProfile
from PySide6.QtWidgets import QApplication

from pos_app.background import BackgroundTasks
from pos_app.kiosk_page import KioskLockError
from pos_app.modes import mode_profile, present
from pos_app.renderer_guard import RendererGuard
from pos_app.services import Services, StartupError, open_services
from pos_app.settings import AppSettings, SettingsError
from pos_app.theme import apply_theme

logger = logging.getLogger(__name__)


async def run_until_closed(
    args: argparse.Namespace,
    settings: AppSettings | None = None,
    problem: str | None = None,
) -> int:
    """Open everything, show the window, wait for it to close, clean up.

    ``settings`` (with ``problem``) as read by
    :func:`pos_app.application.read_settings`; without them they are read
    here, off the Qt thread.
    """
    loop = asyncio.get_running_loop()
    if settings is None:
        from pos_app.application import read_settings

        try:
            settings, problem = await loop.run_in_executor(None, read_settings, args)
        except SettingsError as exc:
            logger.error("OpenAisle could not start: %s", exc)
            return 2

    # TODO: the page is made only once the engine is built, so a start
    # waits for the engine's build (most of it); loading the page beside
    # the build, its calls queued until the engine is there, was tried and
    # upset Chromium's start (see docs/performance.md).
    try:
        services = await open_services(
            settings, device_db=args.device_db, oms_database_url=args.oms_database_url
        )
    except StartupError as exc:
        logger.error("OpenAisle could not start: %s", exc)
        return 2

    try:
        return await _run_window(services, problem)
    finally:
        await services.aclose()


async def _run_window(services: Services, problem: str | None) -> int:
    from pos_app.till import Till

    apply_theme(
        QApplication.instance(),
        high_contrast=services.settings.high_contrast,
        touch=mode_profile(services.settings.mode).touch,
    )
    profile = QWebEngineProfile()  # off the record: nothing of a customer on disk
    try:
        till = Till(services, profile, BackgroundTasks())
    except KioskLockError as exc:
        logger.error("OpenAisle could not start: %s", exc)
        profile.deleteLater()
        return 2
    closed = asyncio.Event()
    till.window.closed.connect(closed.set)
    # A kiosk recovers from a crashed renderer by itself (see ModeWiring).
    guard = None if till.mode.kiosk else RendererGuard(till.page, till.window)
    if guard is not None:  # never a blank window
        guard.finished.connect(closed.set)
    present(till)
    if problem:
        till.window.notify(problem, 15000)
    services.start_sync()

    await closed.wait()
    exit_code = guard.exit_code if guard is not None else 0
    await till.shutdown()
    del till  # the page goes before its profile
    profile.deleteLater()
    return exit_code
