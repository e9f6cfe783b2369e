"""The app refuses clearly when its page renderer cannot start.

Runs the real ``openaisle`` command (QtWebEngine off screen) with a renderer
process that exits at once: the app must log why, show its error screen
instead of a blank window, and exit with status 3.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from pos_app.renderer_guard import EXIT_RENDERER_FAILED, renderer_failure_text

pytestmark = pytest.mark.webengine


def test_a_renderer_that_cannot_start_ends_the_app_with_a_clear_refusal(
    engine_database_url: str, tmp_path: Path
) -> None:
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "OPENAISLE_CONFIG_DIR": str(tmp_path / "config"),
        "OPENAISLE_ERROR_SCREEN_SECONDS": "1",
        "QTWEBENGINEPROCESS_PATH": "/bin/false",
        "HOME": str(tmp_path),
        # TODO: under heavy load the app has once in a few runs ended with
        # SIGSEGV after the refusal instead of status 3; the trace below is
        # what to look at when it happens.
        "PYTHONFAULTHANDLER": "1",
    }

    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pos_app.main",
            "--store",
            "store-0001",
            "--oms-database-url",
            engine_database_url,
            "--device-db",
            str(tmp_path / "device.sqlite3"),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )

    assert done.returncode == EXIT_RENDERER_FAILED, done.stderr[-3000:]
    assert "Web renderer stopped abnormally" in done.stderr
    assert "sync worker stopped" in done.stderr  # an orderly shut-down


def test_the_error_screen_says_what_happened_and_what_to_do() -> None:
    text = renderer_failure_text("crashed", 139)

    assert "cannot show the shop" in text
    assert "crashed (exit code 139)" in text
    assert "safe on this device" in text
