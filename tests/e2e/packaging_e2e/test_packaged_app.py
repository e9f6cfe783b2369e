"""The packaged app, installed where paths are awkward, sells off screen.

Runs only with ``OPENAISLE_DIST_DIR`` set to a built one-folder app
(``make test-dist`` builds it and sets it). The folder is copied to a path
with spaces and non-ASCII letters and started with no data folder and no
Chromium flags from outside, so the seed data, the QtWebEngine process and
the root/sandbox decision all come from the package itself.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

DIST = os.environ.get("OPENAISLE_DIST_DIR")
INSTALL_NAME = "Caisse Ünïcode — Till 1"

pytestmark = pytest.mark.skipif(not DIST, reason="OPENAISLE_DIST_DIR is not set")


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The built folder copied under an awkward path."""
    root = tmp_path_factory.mktemp("install") / INSTALL_NAME
    shutil.copytree(Path(DIST), root / "openaisle", symlinks=True)
    return root / "openaisle"


def _clean_env(home: Path, **extra: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("OPENAISLE_", "QTWEBENGINE_", "PYTHON", "VIRTUAL_ENV"))
    }
    env |= {"HOME": str(home), "QT_QPA_PLATFORM": "offscreen", **extra}
    env.pop("DISPLAY", None)
    return env


def test_the_packaged_app_sells_from_the_storefront(
    installed: Path, tmp_path: Path
) -> None:
    work = tmp_path / "données de caisse"
    report = work / "report.json"
    work.mkdir()

    done = subprocess.run(
        [
            str(installed / "openaisle-smoke"),
            "--workdir",
            str(work),
            "--report",
            str(report),
        ],
        env=_clean_env(work / "home"),
        capture_output=True,
        text=True,
        timeout=600,
    )

    seen = json.loads(report.read_text(encoding="utf-8"))
    assert done.returncode == 0, (seen, done.stderr[-3000:])
    assert seen["passed"] is True
    assert seen["storefront_product_links"] > 0
    assert len(seen["basket"]) == 1
    assert seen["engine_order_lines"] == seen["basket"]
    assert {"SecretService", "KWallet"} <= set(seen["keyring_backends"])
    if os.geteuid() == 0:
        assert "Running as root" in done.stderr
        assert any("sandbox" in note for note in seen["notes"])


def test_the_packaged_app_refuses_when_the_renderer_cannot_start(
    installed: Path, tmp_path: Path
) -> None:
    work = tmp_path / "répertoire cassé"
    work.mkdir()
    env = _clean_env(
        work / "home",
        OPENAISLE_CONFIG_DIR=str(work / "config"),
        OPENAISLE_ERROR_SCREEN_SECONDS="2",
        # A renderer process that exits at once.
        QTWEBENGINEPROCESS_PATH="/bin/false",
    )

    done = subprocess.run(
        [
            str(installed / "openaisle"),
            "--store",
            "store-0001",
            "--device-db",
            str(work / "device.sqlite3"),
            "--oms-database-url",
            f"sqlite:///{work / 'oms.sqlite3'}",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )

    assert done.returncode == 3, done.stderr[-3000:]
    assert "Web renderer stopped" in done.stderr
