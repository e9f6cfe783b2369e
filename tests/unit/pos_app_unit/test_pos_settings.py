"""The device's settings file: one wrong field never swaps the device.

Given a settings file with the device's id, store and engine, when one other
field is wrong, then every valid field is kept, the wrong one is named and
replaced by its default, and the original file is kept beside the new one;
a file saved with a byte order mark is read; an invalid engine URL (or
store, or id), or a file that is not JSON, stops the start with a clear
message and leaves the file where it is.
"""

from __future__ import annotations

import json
import uuid

import pytest

from pos_app.application import run_application
from pos_app.main import parse_args
from pos_app.settings import SettingsError, load_settings

DEVICE = str(uuid.UUID("8f0c0e4e-3f43-4c54-9d55-0b1c2a8e6d11"))
SAVED = {
    "device_id": DEVICE,
    "store_id": "store-0042",
    "mode": "till",
    "oms_url": "http://127.0.0.1:8741",
}


def _write(path, data: dict, *, bom: bool = False) -> None:
    text = json.dumps(data)
    path.write_bytes(("\ufeff" + text if bom else text).encode("utf-8"))


def _asides(path) -> list:
    return sorted(path.parent.glob(f"{path.name}.invalid-*"))


def test_a_mode_in_capitals_keeps_the_device_as_it_was(tmp_path):
    path = tmp_path / "settings.json"
    _write(path, {**SAVED, "mode": "Till"})

    settings, problem = load_settings(path)

    assert problem is None
    assert str(settings.device_id) == DEVICE
    assert settings.store_id == "store-0042"
    assert settings.oms_url == "http://127.0.0.1:8741"
    assert settings.mode == "till"


def test_a_file_with_a_byte_order_mark_is_read(tmp_path):
    path = tmp_path / "settings.json"
    _write(path, {**SAVED, "mode": "kiosk"}, bom=True)

    settings, problem = load_settings(path)

    assert problem is None
    assert (str(settings.device_id), settings.mode) == (DEVICE, "kiosk")
    assert _asides(path) == []


def test_a_wrong_field_is_named_and_the_others_are_kept(tmp_path, allow_log):
    allow_log(r"Settings: invalid fields")
    path = tmp_path / "settings.json"
    original = {**SAVED, "mode": "checkout", "idle_seconds": 5, "colour": "red"}
    _write(path, original)

    settings, problem = load_settings(path)

    # Every valid field kept; each wrong one named, with its default in use.
    assert str(settings.device_id) == DEVICE
    assert settings.store_id == "store-0042"
    assert settings.oms_url == "http://127.0.0.1:8741"
    assert (settings.mode, settings.idle_seconds) == ("till", 90)
    assert problem is not None
    for name in ("colour", "idle_seconds", "mode"):
        assert f"{name} is not valid" in problem
    assert "device_id" not in problem

    # The original is kept whole; the file now holds what is in use.
    [aside] = _asides(path)
    assert json.loads(aside.read_text()) == original
    assert aside.name in problem
    again, problem_again = load_settings(path)
    assert again == settings and problem_again is None


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("oms_url", "ftp://127.0.0.1:8741"),
        ("store_id", "Store 42"),
        ("device_id", "not-an-id"),
    ],
)
def test_an_invalid_identity_field_stops_the_start(tmp_path, allow_log, field, value):
    allow_log(r"Settings: invalid identity fields")
    path = tmp_path / "settings.json"
    _write(path, {**SAVED, field: value})
    before = path.read_bytes()

    with pytest.raises(SettingsError, match=f"{field} is not valid"):
        load_settings(path)

    assert path.read_bytes() == before
    assert _asides(path) == []


def test_a_file_that_is_not_json_stops_the_start(tmp_path, allow_log):
    allow_log(r"Settings file could not be read")
    path = tmp_path / "settings.json"
    path.write_text('{"device_id": "' + DEVICE + '", "store_id": ', encoding="utf-8")

    with pytest.raises(SettingsError, match="could not be read"):
        load_settings(path)

    assert DEVICE in path.read_text(encoding="utf-8")


def test_the_app_exits_with_a_message_on_an_invalid_engine_url(
    tmp_path, monkeypatch, allow_log, caplog
):
    allow_log(r"Settings: invalid identity fields|OpenAisle could not start")
    monkeypatch.setenv("OPENAISLE_CONFIG_DIR", str(tmp_path))
    _write(tmp_path / "settings.json", {**SAVED, "oms_url": "127.0.0.1:8741"})

    code = run_application(parse_args([]))

    assert code == 2
    assert any(
        "could not start" in r.getMessage() and "oms_url is not valid" in r.getMessage()
        for r in caplog.records
    )


def test_an_invalid_engine_url_on_the_command_line_stops_the_start(
    tmp_path, monkeypatch, allow_log, caplog
):
    allow_log(r"OpenAisle could not start")
    monkeypatch.setenv("OPENAISLE_CONFIG_DIR", str(tmp_path))
    _write(tmp_path / "settings.json", SAVED)

    code = run_application(parse_args(["--oms-url", "127.0.0.1:8741"]))

    assert code == 2
    assert any("oms_url is not valid" in r.getMessage() for r in caplog.records)
