"""How well the product detector reads the saved retailer pages.

Runs the real detector in the off-screen browser over every page of
``product_pages/`` and compares with the human-labelled ground truth:
found-rate among pages that carry markup, per-field accuracy, and the
median time of the detector script per page.

    python bench/detect_products.py [--verbose]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bridge.detect_cli import prepare_environment  # noqa: E402


def data_dir() -> Path:
    """The shared data folder: $OPENAISLE_DATA_DIR or ../shared/data."""
    return Path(
        os.environ.get("OPENAISLE_DATA_DIR", ROOT.parent / "shared" / "data")
    ).resolve()


def _values(truth: dict, key: str) -> list[str]:
    values = truth.get(key) or []
    if isinstance(values, str):
        values = [values]
    return [part.strip() for value in values for part in str(value).split("|")]


def price_matches(product, truth: dict) -> bool | None:
    from bridge.detection import decimal_price

    expected = {decimal_price(value) for value in _values(truth, "price")} - {None}
    if not expected:
        return None
    found = (
        decimal_price(product.price_text) if product and product.price_text else None
    )
    return found in expected


def currency_matches(product, truth: dict) -> bool | None:
    from bridge.currency import SYMBOL_CANDIDATES, currency_from_text

    expected = _values(truth, "currency")
    if not expected:
        return None
    found = product.currency if product else None
    if found is None:
        return False
    for value in expected:
        if currency_from_text(value) == found or found in SYMBOL_CANDIDATES.get(
            value, ()
        ):
            return True
    return False


def code_matches(product, truth: dict) -> bool | None:
    expected = {v.lower() for v in _values(truth, "sku") + _values(truth, "gtin")}
    if not expected:
        return None
    found = {c.lower() for c in (product.sku, product.gtin) if c} if product else set()
    return bool(found & expected)


def availability_matches(product, truth: dict) -> bool | None:
    from bridge.detection import normalise_availability

    expected = {normalise_availability(v) for v in _values(truth, "availability")}
    expected.discard(None)
    if not expected:
        return None
    return bool(product) and product.availability in expected


FIELDS = {
    "price": price_matches,
    "currency": currency_matches,
    "sku/gtin": code_matches,
    "availability": availability_matches,
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--verbose", action="store_true", help="list every miss")
    args = parser.parse_args()

    pages_dir = data_dir() / "product_pages"
    truth = json.loads((pages_dir / "ground-truth.json").read_text("utf-8"))
    with (pages_dir / "index.csv").open(encoding="utf-8", newline="") as stream:
        index = list(csv.DictReader(stream))

    prepare_environment()
    from PySide6.QtGui import QGuiApplication

    from bridge.detect_runner import SavedPageDetector
    from bridge.saved_pages import register_saved_page_scheme

    register_saved_page_scheme()
    app = QGuiApplication.instance() or QGuiApplication([sys.argv[0]])
    detector = SavedPageDetector()
    try:
        detections = [(row, detector.detect(pages_dir / row["file"])) for row in index]
    finally:
        detector.close()
        del app

    marked = [(row, d) for row, d in detections if row["markup"] != "none"]
    found = sum(1 for _, d in marked if d.product is not None)
    false_found = sum(
        1 for row, d in detections if row["markup"] == "none" and d.product
    )
    errors = [d for _, d in detections if d.error]
    print(
        f"pages: {len(detections)}, with markup: {len(marked)}, errors: {len(errors)}"
    )
    print(
        f"found-rate (markup pages): {found}/{len(marked)} = {found / len(marked):.1%}"
    )
    print(f"found on pages without markup: {false_found}")

    for label, scope in (("markup pages", marked), ("all pages", detections)):
        print(f"per-field accuracy, {label} (where the ground truth has a value):")
        for field, matches in FIELDS.items():
            outcomes = []
            for row, d in scope:
                outcome = matches(d.product, truth.get(row["page_id"], {}))
                if outcome is not None:
                    outcomes.append(outcome)
                    if args.verbose and not outcome and label == "markup pages":
                        print(
                            f"    miss {field}: {row['domain']} {row['page_id'][:8]}"
                            f" {row['markup']} -> {d.product}"
                        )
            rate = sum(outcomes) / len(outcomes) if outcomes else 0.0
            print(f"  {field:<13} {sum(outcomes):>3}/{len(outcomes):<3} = {rate:.1%}")

    times = [d.script_seconds for _, d in detections if d.script_seconds is not None]
    median_ms = statistics.median(times) * 1000
    print(f"median detector script time per page: {median_ms:.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
