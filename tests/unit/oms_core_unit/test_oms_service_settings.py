"""Service settings: file, then environment, then command line; validated."""

from __future__ import annotations

from pathlib import Path

import pytest

from oms_core.service_logging import JsonFormatter
from oms_core.service_settings import (
    SettingsError,
    load_service_settings,
    to_environment,
)

TOML = """
database_url = "postgresql+psycopg://oms@127.0.0.1/openaisle"
workers = 4
kafka_bootstrap = "127.0.0.1:9092"

[webhook_secrets]
erp = "s3cret-value"

[[device_tokens]]
name = "kiosk-1"
store_id = "store-0001"
role = "kiosk"
sha256 = "%s"
""" % ("ab" * 32)


def test_a_toml_file_is_read_and_the_environment_wins(tmp_path: Path) -> None:
    path = tmp_path / "oms.toml"
    path.write_text(TOML, encoding="utf-8")

    settings = load_service_settings(
        path, env={"OPENAISLE_OMS_WORKERS": "2"}, overrides={"port": 9000}
    )

    assert settings.workers == 2
    assert settings.port == 9000
    assert settings.kafka_bootstrap == "127.0.0.1:9092"
    assert settings.webhook_secrets["erp"].get_secret_value() == "s3cret-value"
    assert "s3cret" not in repr(settings)
    assert settings.configured_tokens()[0].role == "kiosk"
    assert settings.auth == "device_tokens"


def test_a_yaml_file_is_read(tmp_path: Path) -> None:
    path = tmp_path / "oms.yaml"
    path.write_text("workers: 3\nauth: none\n", encoding="utf-8")

    settings = load_service_settings(path, env={})

    assert (settings.workers, settings.auth) == (3, "none")


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"OPENAISLE_OMS_WORKERS": "0"}, "workers"),
        ({"OPENAISLE_OMS_PORT": "70000"}, "port"),
        ({"OPENAISLE_OMS_AUTH": "maybe"}, "auth"),
        ({"OPENAISLE_OMS_KAFKA_BOOTSTRAP": "kafka; rm -rf"}, "kafka_bootstrap"),
        ({"OPENAISLE_OMS_DEVICE_TOKENS": "[{"}, "DEVICE_TOKENS"),
        ({"OPENAISLE_OMS_LOG_LEVEL": "LOUD"}, "log_level"),
    ],
)
def test_a_bad_setting_is_refused_by_name(env: dict, named: str) -> None:
    with pytest.raises(SettingsError, match=named):
        load_service_settings(None, env=env)


def test_an_unknown_setting_in_the_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "oms.toml"
    path.write_text("wrokers = 3\n", encoding="utf-8")

    with pytest.raises(SettingsError, match="wrokers"):
        load_service_settings(path, env={})


def test_workers_get_the_same_settings_through_the_environment(
    tmp_path: Path,
) -> None:
    path = tmp_path / "oms.toml"
    path.write_text(TOML, encoding="utf-8")
    settings = load_service_settings(path, env={})

    again = load_service_settings(None, env=to_environment(settings))

    assert again == settings


def test_a_log_line_is_one_json_object_with_the_extras() -> None:
    import json
    import logging

    record = logging.LogRecord(
        "oms_core.access", logging.INFO, "f", 1, "request", (), None
    )
    record.status = 201
    line = json.loads(JsonFormatter().format(record))

    assert line["message"] == "request"
    assert line["status"] == 201
    assert line["level"] == "INFO"
    assert line["time"].endswith("+00:00")
