"""A kiosk refuses a remote debugging port before Chromium can open it."""

from __future__ import annotations

import pytest

from pos_app import bundled_engine
from pos_app.application import run_application
from pos_app.kiosk_page import KioskLockError, check_no_remote_debugging
from pos_app.main import parse_args


@pytest.mark.parametrize(
    "environ",
    [
        {"QTWEBENGINE_REMOTE_DEBUGGING": "127.0.0.1:9333"},
        {"QTWEBENGINE_CHROMIUM_FLAGS": "--no-sandbox --remote-debugging-port=9333"},
    ],
)
def test_a_debugging_port_in_the_environment_is_refused(environ):
    with pytest.raises(KioskLockError, match="remote debugging port"):
        check_no_remote_debugging(environ)


def test_no_port_no_refusal():
    check_no_remote_debugging({"QTWEBENGINE_CHROMIUM_FLAGS": "--no-sandbox"})


def test_the_kiosk_stops_before_anything_starts(
    monkeypatch, tmp_path, caplog, allow_log
):
    allow_log("could not start")
    monkeypatch.setenv("OPENAISLE_CONFIG_DIR", str(tmp_path))
    monkeypatch.setenv("QTWEBENGINE_REMOTE_DEBUGGING", "127.0.0.1:9333")

    def must_not_start(*_args, **_kwargs):
        raise AssertionError("the engine started before the refusal")

    monkeypatch.setattr(bundled_engine, "begin_bundled_engine", must_not_start)

    code = run_application(parse_args(["--mode", "kiosk"]))

    assert code == 2
    assert "remote debugging port" in caplog.text
