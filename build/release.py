"""Build the packaged app: stage the seed data, run PyInstaller, check the folder.

python build/release.py [--data-dir DIR] [--archive]

The seed data comes from ``--data-dir``, else ``OPENAISLE_DATA_DIR``, else
the shared data folder next to the repository. The result is the one-folder
app in ``build/dist/openaisle``; with ``--archive`` also a ``.tar.gz`` of it.
The script fails (exit status 1) when anything the app needs at run time is
missing from the folder.
"""

from __future__ import annotations

import argparse
import logging
import os
import platform
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

logger = logging.getLogger("openaisle.release")

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
WORK = HERE / "work"
DIST = HERE / "dist"
APP_DIR = DIST / "openaisle"

# The files the bundled engine seeds from (oms_core.datasets, .network_data).
SEED_FILES = (
    "catalog/online_retail_2010-12-01_to_2010-12-07.csv",
    "catalog/online_retail_2010-12-01_to_2011-12-09.csv.gz",
    "stores/tesco_uk_stores.csv",
    # Real opening hours given to the seeded stores.
    "stores/osm_edinburgh_shops.csv",
    "postcodes/uk_postcode_outcodes.csv",
)
# Relative to the app's _internal folder: what must be there to run.
REQUIRED = (
    "openaisle_data/catalog/online_retail_2010-12-01_to_2011-12-09.csv.gz",
    "openaisle_data/stores/tesco_uk_stores.csv",
    "openaisle_data/postcodes/uk_postcode_outcodes.csv",
    "assets/storefront/templates/layout.html",
    "assets/storefront/static/shop.js",
    "bridge/page_api.js",
    "oms_core/migrations/versions",
    "oms_core/process/definitions",
    "PySide6/Qt/libexec/QtWebEngineProcess",
    "PySide6/Qt/resources/qtwebengine_resources.pak",
)


def source_data_dir(explicit: Path | None) -> Path:
    """Where the real data set is read from."""
    if explicit is not None:
        return explicit.resolve()
    if os.environ.get("OPENAISLE_DATA_DIR"):
        return Path(os.environ["OPENAISLE_DATA_DIR"]).resolve()
    return (ROOT.parent / "shared" / "data").resolve()


def stage_data(source: Path, target: Path) -> None:
    """Copy the seed files, and their licence notes, into ``target``."""
    if target.exists():
        shutil.rmtree(target)
    for name in (*SEED_FILES, "SOURCES.md"):
        origin = source / name
        if not origin.is_file():
            raise FileNotFoundError(f"seed file missing: {origin}")
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(origin, target / name)


def run_pyinstaller(staged: Path) -> None:
    """Run PyInstaller on the spec with the staged data."""
    env = {**os.environ, "OPENAISLE_STAGED_DATA": str(staged)}
    command = [
        sys.executable,
        "-m",
        "PyInstaller",
        "--noconfirm",
        "--clean",
        "--log-level=WARN",
        f"--workpath={WORK / 'pyinstaller'}",
        f"--distpath={DIST}",
        str(HERE / "openaisle.spec"),
    ]
    subprocess.run(command, check=True, cwd=ROOT, env=env)  # noqa: S603


def missing_parts(app_dir: Path) -> list[str]:
    """What the built folder lacks, as relative paths."""
    internal = app_dir / "_internal"
    missing = [name for name in ("openaisle", "openaisle-smoke")]
    missing = [name for name in missing if not (app_dir / name).is_file()]
    missing += [name for name in REQUIRED if not (internal / name).exists()]
    return missing


def archive(app_dir: Path) -> Path:
    """A ``.tar.gz`` of the folder, named with the version and the machine."""
    from importlib.metadata import version

    name = f"openaisle-{version('openaisle')}-linux-{platform.machine()}.tar.gz"
    target = DIST / name
    with tarfile.open(target, "w:gz") as tar:
        tar.add(app_dir, arcname="openaisle")
    return target


def main(argv: list[str] | None = None) -> int:
    """Build, check and optionally archive; 0 on success."""
    parser = argparse.ArgumentParser(prog="release")
    parser.add_argument("--data-dir", type=Path, default=None)
    parser.add_argument("--archive", action="store_true")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")

    staged = WORK / "data"
    try:
        stage_data(source_data_dir(args.data_dir), staged)
    except FileNotFoundError as exc:
        logger.error("%s (set OPENAISLE_DATA_DIR or pass --data-dir)", exc)
        return 1
    run_pyinstaller(staged)

    missing = missing_parts(APP_DIR)
    if missing:
        logger.error("the built app lacks: %s", ", ".join(missing))
        return 1
    logger.info("built %s", APP_DIR)
    if args.archive:
        logger.info("archived %s", archive(APP_DIR))
    return 0


if __name__ == "__main__":
    sys.exit(main())
