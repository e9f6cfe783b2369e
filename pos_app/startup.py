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
from pos_app.settings import AppSettings, default_settings_path, load_settings
from pos_app.theme import apply_theme

logger = logging.getLogger(__name__)


async def run_until_closed(args: argparse.Namespace) -> int:
    """Open everything, show the window, wait for it to close, clean up."""
    loop = asyncio.get_running_loop()
    settings, problem = await loop.run_in_executor(
        None, load_settings, default_settings_path()
    )
    settings = _with_overrides(settings, args)

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


def _with_overrides(settings: AppSettings, args: argparse.Namespace) -> AppSettings:
    changes = {}
    if args.store:
        changes["store_id"] = args.store
    if args.oms_url:
        changes["oms_url"] = args.oms_url
    if args.start_url:
        changes["start_url"] = args.start_url
    if getattr(args, "mode", None):
        changes["mode"] = args.mode
    if not changes:
        return settings
    return AppSettings.model_validate({**settings.model_dump(), **changes})
