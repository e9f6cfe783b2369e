"""``openaisle-detect PAGE.html [...]``: the product on saved pages, as JSON.

Each page is shown in the real QtWebEngine off screen with the network
blocked and read by the same detector the app uses; one JSON line per page
goes to stdout.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from pathlib import Path

logger = logging.getLogger(__name__)

_NO_SANDBOX_FLAGS = "--no-sandbox --disable-gpu"


def prepare_environment() -> None:
    """Set what Qt reads at start-up; call before Qt is imported."""
    if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        if "QTWEBENGINE_CHROMIUM_FLAGS" not in os.environ:
            os.environ["QTWEBENGINE_CHROMIUM_FLAGS"] = _NO_SANDBOX_FLAGS
            logger.info(
                "Running as root: Chromium's sandbox is off (%s)", _NO_SANDBOX_FLAGS
            )


def _line(path: Path, detection) -> str:
    product = detection.product
    record = {
        "file": str(path),
        "name": product.name if product else None,
        "sku": product.sku if product else None,
        "gtin": product.gtin if product else None,
        "price": product.price if product else None,
        "currency": product.currency if product else None,
        "availability": product.availability if product else None,
        "offers_count": product.offers_count if product else 0,
        "error": detection.error,
    }
    return json.dumps(record, ensure_ascii=False)


def main(argv: list[str] | None = None) -> int:
    """Detect the product on each saved page given on the command line."""
    parser = argparse.ArgumentParser(
        prog="openaisle-detect",
        description="Read the schema.org/OpenGraph product of saved HTML pages.",
    )
    parser.add_argument("pages", nargs="+", type=Path, help="PAGE.html or .html.gz")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")

    prepare_environment()
    from PySide6.QtGui import QGuiApplication

    from bridge.detect_runner import SavedPageDetector
    from bridge.saved_pages import register_saved_page_scheme

    register_saved_page_scheme()
    app = QGuiApplication.instance() or QGuiApplication([sys.argv[0]])
    detector = SavedPageDetector()
    failures = 0
    try:
        for path in args.pages:
            detection = detector.detect(path)
            failures += detection.error is not None
            sys.stdout.write(_line(path, detection) + "\n")
            sys.stdout.flush()
    finally:
        detector.close()
        del app
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
