"""Product detection per page: the detector's script time on saved pages.

    python -m bench.bench_detect [--pages N]

Shows every saved retailer page (or the first ``N``) in the off-screen
browser with the network blocked, runs the product detector as the app
does, and times it. The reference is a trivial script (``1``) run the same
way on the same page right after: the cost of any call into the page.
Accuracy against the ground truth is ``bench/detect_products.py``'s job.
"""

from __future__ import annotations

import argparse
import csv
import sys

from bench.common import data_dir, emit_result, prepare_this_process

TRIVIAL_SCRIPT = "1"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=None)
    args = parser.parse_args()

    pages_dir = data_dir() / "product_pages"
    with (pages_dir / "index.csv").open(encoding="utf-8", newline="") as stream:
        rows = list(csv.DictReader(stream))[: args.pages]

    prepare_this_process()
    from PySide6.QtGui import QGuiApplication

    from bridge.detect_runner import SavedPageDetector
    from bridge.saved_pages import register_saved_page_scheme

    register_saved_page_scheme()
    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    detector = SavedPageDetector()
    detect_ms, trivial_ms, found = [], [], 0
    try:
        for row in rows:
            detection = detector.detect(pages_dir / row["file"])
            if detection.script_seconds is None:
                continue
            detect_ms.append(detection.script_seconds * 1000)
            found += detection.product is not None
            trivial = detector.time_script(TRIVIAL_SCRIPT)
            if trivial is not None:
                trivial_ms.append(trivial * 1000)
    finally:
        detector.close()
        del app

    emit_result({"detect_ms": detect_ms, "trivial_ms": trivial_ms, "found": found})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
