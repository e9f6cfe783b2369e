"""Start-up and shut-down of the Qt application around one asyncio loop."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

from pos_app.storefront.scheme import register_storefront_scheme

logger = logging.getLogger(__name__)


def run_application(args: argparse.Namespace) -> int:
    """Create the QApplication, run the app on qasync's loop, return the code."""
    import qasync

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

    from pos_app.startup import run_until_closed

    try:
        return qasync.run(run_until_closed(args))
    except asyncio.CancelledError:
        return 0
