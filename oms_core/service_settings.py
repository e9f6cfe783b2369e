"""Settings of the engine when it is served to a store network.

Read from a TOML or YAML file (``--config`` or ``OPENAISLE_OMS_CONFIG``)
and then the environment, which wins: ``OPENAISLE_OMS_DATABASE_URL``,
``OPENAISLE_OMS_WORKERS``, ``OPENAISLE_OMS_KAFKA_BOOTSTRAP`` and so on, one
variable per top-level field. Everything is validated here; a bad setting
stops the service at start with a message naming the setting.

Example ``oms.toml``::

    database_url = "postgresql+psycopg://oms@db.internal/openaisle"
    workers = 4
    kafka_bootstrap = "kafka-1.internal:9092"

    [webhook_secrets]
    erp = "a-long-random-secret"

    [[device_tokens]]
    name = "store-1554-till-1"
    store_id = "store-1554"
    role = "till"
    sha256 = "<64 hex digits: sha256 of the token>"
"""

from __future__ import annotations

import json
import logging
import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError

from oms_core.api_models import LOCATION_ID_PATTERN
from oms_core.device_tokens import ConfiguredToken, DeviceRole

logger = logging.getLogger(__name__)

ENV_PREFIX = "OPENAISLE_OMS_"
CONFIG_ENV = "OPENAISLE_OMS_CONFIG"
MAX_CONFIG_BYTES = 1024 * 1024


class SettingsError(ValueError):
    """Settings the service cannot start with; the message names the setting."""


class AllowedToken(BaseModel):
    """A device token allowed by configuration (for devices enrolled by file)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1, max_length=120)
    store_id: str = Field(pattern=LOCATION_ID_PATTERN)
    role: DeviceRole
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")


class ServiceSettings(BaseModel):
    """What ``openaisle-oms serve`` runs with.

    ``auth`` is the explicit switch: ``device_tokens`` (the default) makes
    every ``/v1`` call carry a device token; ``none`` serves the API open,
    for a single trusted machine only, and says so in the log.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    database_url: str | None = Field(default=None, min_length=1, max_length=2048)
    host: str = "127.0.0.1"
    port: int = Field(default=8700, ge=1, le=65535)
    workers: int = Field(default=1, ge=1, le=64)
    auth: Literal["device_tokens", "none"] = "device_tokens"
    device_tokens: tuple[AllowedToken, ...] = ()
    webhook_secrets: dict[str, SecretStr] = Field(default_factory=dict)
    kafka_bootstrap: str | None = Field(
        default=None,
        pattern=r"^[A-Za-z0-9.-]+:[0-9]{1,5}(,[A-Za-z0-9.-]+:[0-9]{1,5})*$",
    )
    # The API's own guard refuses past 256 KiB; this can only be stricter.
    max_body_bytes: int = Field(default=256 * 1024, ge=1024, le=256 * 1024)
    rate_limit_per_minute: int = Field(default=600, ge=1, le=1_000_000)
    rate_limit_burst: int = Field(default=60, ge=1, le=100_000)
    log_format: Literal["json", "text"] = "json"
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"

    def configured_tokens(self) -> tuple[ConfiguredToken, ...]:
        """The allowed tokens in the form the authenticator takes."""
        return tuple(
            ConfiguredToken(t.sha256, t.store_id, t.role, t.name)
            for t in self.device_tokens
        )


def read_config_file(path: Path) -> dict[str, Any]:
    """The settings of a ``.toml``, ``.yaml`` or ``.yml`` file, as a mapping."""
    try:
        if path.stat().st_size > MAX_CONFIG_BYTES:
            raise SettingsError(f"{path.name}: larger than {MAX_CONFIG_BYTES} bytes")
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SettingsError(f"cannot read the settings file {path}: {exc}") from exc

    try:
        if path.suffix == ".toml":
            data = tomllib.loads(text)
        elif path.suffix in (".yaml", ".yml"):
            data = yaml.safe_load(text) or {}
        else:
            raise SettingsError(f"{path.name}: settings files are .toml or .yaml")
    except (tomllib.TOMLDecodeError, yaml.YAMLError) as exc:
        raise SettingsError(f"{path.name} is not valid: {exc}") from exc
    if not isinstance(data, dict):
        raise SettingsError(f"{path.name}: the top level must be a table")
    return data


def _from_environment(env: Mapping[str, str]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name in ServiceSettings.model_fields:
        raw = env.get(ENV_PREFIX + name.upper())
        if raw is None:
            continue
        if name in ("device_tokens", "webhook_secrets"):
            try:
                values[name] = json.loads(raw)
            except json.JSONDecodeError as exc:
                raise SettingsError(
                    f"{ENV_PREFIX}{name.upper()} must be JSON: {exc}"
                ) from exc
        else:
            values[name] = raw
    return values


def load_service_settings(
    path: Path | None = None,
    env: Mapping[str, str] | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> ServiceSettings:
    """File, then environment, then ``overrides`` (the command line)."""
    env = os.environ if env is None else env
    if path is None and env.get(CONFIG_ENV):
        path = Path(env[CONFIG_ENV])

    values = read_config_file(path) if path is not None else {}
    values.update(_from_environment(env))
    values.update({k: v for k, v in (overrides or {}).items() if v is not None})

    try:
        return ServiceSettings.model_validate(values)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "settings"
        raise SettingsError(f"setting {where}: {first['msg']}") from exc


def to_environment(settings: ServiceSettings) -> dict[str, str]:
    """The settings as ``OPENAISLE_OMS_*`` variables, for worker processes."""
    data = settings.model_dump(mode="json")
    data["webhook_secrets"] = {
        key: secret.get_secret_value()
        for key, secret in settings.webhook_secrets.items()
    }
    out = {}
    for name, value in data.items():
        if value is None:
            continue
        text = json.dumps(value) if isinstance(value, (dict, list)) else str(value)
        out[ENV_PREFIX + name.upper()] = text
    return out
