"""``openaisle``: start the app.

Qt's environment must be settled before the first Qt import, so this module
imports Qt only inside :func:`main`, after the command line is read.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

logger = logging.getLogger(__name__)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """The command line: everything is optional on the embedded default."""
    parser = argparse.ArgumentParser(
        prog="openaisle", description="OpenAisle: the endless aisle at the till."
    )
    parser.add_argument(
        "--oms-url",
        help="a remote order engine (https://…); default: the bundled engine",
    )
    parser.add_argument("--store", help="the device's store id, e.g. store-1554")
    parser.add_argument("--start-url", help="the page to open first")
    parser.add_argument(
        "--mode",
        choices=["till", "tablet", "kiosk", "phone"],
        help="how this device sells (default: the saved setting, else till)",
    )
    parser.add_argument(
        "--oms-database-url",
        help="database of the bundled engine (default: SQLite in the user data dir)",
    )
    parser.add_argument(
        "--device-db",
        type=Path,
        help="the device's own SQLite file (default: user data dir)",
    )
    parser.add_argument(
        "--log-level",
        default=os.environ.get("OPENAISLE_LOG_LEVEL", "INFO"),
        choices=["DEBUG", "INFO", "WARNING", "ERROR"],
    )
    return parser.parse_args(argv)


def prepare_qt_environment() -> list[str]:
    """Settle Qt's environment before it is imported; say what was changed."""
    notes = []
    headless = not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    if (
        headless
        and sys.platform.startswith("linux")
        and "QT_QPA_PLATFORM" not in os.environ
    ):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        notes.append(
            "No display found: running off screen (QT_QPA_PLATFORM=offscreen)."
        )
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        flags = os.environ.get("QTWEBENGINE_CHROMIUM_FLAGS", "")
        if "--no-sandbox" not in flags:
            os.environ["QTWEBENGINE_CHROMIUM_FLAGS"] = (
                f"{flags} --no-sandbox --disable-gpu".strip()
            )
        notes.append(
            "Running as root: Chromium's sandbox cannot start, so the web view "
            "runs without it. Run OpenAisle as an ordinary user in a store."
        )
    return notes


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``openaisle`` command."""
    args = parse_args(argv)
    logging.basicConfig(
        level=args.log_level,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    # One line per engine request is noise at INFO; it stays at DEBUG.
    # Alembic's start-up chatter (plugins, DDL mode) likewise.
    for noisy in ("httpx", "alembic"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, logging.root.level))
    for note in prepare_qt_environment():
        logger.warning("%s", note)

    from pos_app.application import run_application

    return run_application(args)


if __name__ == "__main__":
    sys.exit(main())
