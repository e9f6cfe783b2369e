"""Start-up and shut-down of the Qt application around one asyncio loop."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys

from pydantic import ValidationError

from pos_app.settings import (
    AppSettings,
    SettingsError,
    default_settings_path,
    load_settings,
)

logger = logging.getLogger(__name__)


def run_application(args: argparse.Namespace) -> int:
    """Create the QApplication, run the app on qasync's loop, return the code.

    A bundled engine starts building on its own thread as soon as the
    settings are read, while the QApplication and Chromium start.
    """
    import qasync
    from PySide6.QtCore import QCoreApplication, Qt
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QApplication

    from pos_app.bundled_engine import begin_bundled_engine
    from pos_app.kiosk_page import KioskLockError, check_no_remote_debugging
    from pos_app.modes import mode_profile
    from pos_app.startup import run_until_closed
    from pos_app.storefront.scheme import register_storefront_scheme

    # Qt's modules are imported (never beside another thread's imports: the
    # bindings' import hooks are not safe for that); the engine may start.
    try:
        settings, problem = read_settings(args)
    except SettingsError as exc:
        # TODO: said in the log only; started from a desktop icon there is no
        # console to read it, and no window exists yet to show it in.
        logger.error("OpenAisle could not start: %s", exc)
        return 2
    if mode_profile(settings.mode).kiosk:
        # Before Chromium exists: it opens a debugging port as it starts.
        try:
            check_no_remote_debugging()
        except KioskLockError as exc:
            logger.error("OpenAisle could not start: %s", exc)
            return 2
    if not settings.oms_url:
        begin_bundled_engine(args.oms_database_url)

    # Both must happen before the QApplication exists.
    QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
    # Crisp at 125 % or 150 %: scale by the screen's exact factor.
    QGuiApplication.setHighDpiScaleFactorRoundingPolicy(
        Qt.HighDpiScaleFactorRoundingPolicy.PassThrough
    )
    register_storefront_scheme()

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("OpenAisle")
    app.setOrganizationName("OpenAisle")
    app.setApplicationDisplayName("OpenAisle")
    # The window's close starts an orderly shut-down (outbox worker, page,
    # profile); Qt must not stop the loop underneath it.
    app.setQuitOnLastWindowClosed(False)

    try:
        return qasync.run(run_until_closed(args, settings, problem))
    except asyncio.CancelledError:
        return 0


def read_settings(args: argparse.Namespace) -> tuple[AppSettings, str | None]:
    """The saved settings with the command line's overrides, and any problem.

    Read before the Qt loop runs (it reads one small file). Settings the
    device cannot start with raise :class:`~pos_app.settings.SettingsError`.
    """
    settings, problem = load_settings(default_settings_path())
    try:
        return with_overrides(settings, args), problem
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "a value"
        raise SettingsError(
            f"the command line's {where} is not valid ({first['msg']})"
        ) from exc


def with_overrides(settings: AppSettings, args: argparse.Namespace) -> AppSettings:
    """``settings`` changed by what the command line gives."""
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
