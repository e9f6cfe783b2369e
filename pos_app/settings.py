"""The device's settings: validated when read and when saved.

Settings live in a small JSON file in the user's config folder. A field
that does not validate is replaced by its default and named in a message
the app shows at start; every other field is kept and the original file is
kept beside the new one. A file that cannot be read, or an invalid device
id, store or engine URL, stops the start with a clear message instead.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

import platformdirs
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from bridge.allowlist import AllowList, AllowListError

logger = logging.getLogger(__name__)

DEFAULT_STORE_ID = "store-1554"  # a very large store in Leeds
DEFAULT_START_URL = "aisle://shop/"
DEFAULT_ALLOWED_ORIGINS = ("aisle://shop",)
MODES = ("till", "tablet", "kiosk", "phone")
Mode = Literal["till", "tablet", "kiosk", "phone"]
# What makes a device what it is: never replaced by a default when invalid.
IDENTITY_FIELDS = frozenset({"device_id", "store_id", "oms_url"})


class SettingsError(ValueError):
    """Settings that cannot be used, with a message for a person."""


class AppSettings(BaseModel):
    """What a device is configured to do."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    device_id: uuid.UUID = Field(default_factory=uuid.uuid4)
    store_id: str = Field(
        default=DEFAULT_STORE_ID, pattern=r"^[a-z0-9][a-z0-9-]{0,63}$"
    )
    mode: Mode = "till"
    idle_seconds: int = Field(default=90, ge=15, le=3600)
    printer: str | None = Field(default=None, pattern=r"^[^\x00-\x1f\x7f]{1,200}$")
    high_contrast: bool = False
    kiosk_staff_number: str = Field(default="9001", pattern=r"^[0-9]{4,8}$")
    oms_url: str | None = None
    start_url: str = DEFAULT_START_URL
    allowed_origins: tuple[str, ...] = DEFAULT_ALLOWED_ORIGINS

    @field_validator("mode", mode="before")
    @classmethod
    def _mode_any_case(cls, value: object) -> object:
        # "Till" or " kiosk " mean what they say.
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("oms_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        value = value.strip().rstrip("/")
        if not value.startswith(("http://", "https://")) or len(value) > 2048:
            raise ValueError("the engine URL must start with http:// or https://")
        return value

    @field_validator("allowed_origins")
    @classmethod
    def _origins(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if not value:
            raise ValueError("at least one allowed origin is needed")
        try:
            AllowList(value)
        except AllowListError as exc:
            raise ValueError(str(exc)) from exc
        return value


def default_settings_path() -> Path:
    """Where the settings file lives unless ``OPENAISLE_CONFIG_DIR`` says."""
    folder = os.environ.get("OPENAISLE_CONFIG_DIR") or platformdirs.user_config_dir(
        "openaisle"
    )
    return Path(folder) / "settings.json"


def load_settings(path: Path) -> tuple[AppSettings, str | None]:
    """Read the settings, keeping every valid field; say what was not.

    A missing file gives the defaults and saves them (so the device id stays
    the same from now on). A UTF-8 file that starts with a byte order mark
    is read as any other. A field that does not validate (or is unknown) is
    named in the log and in the message returned; the other fields are
    kept, the file is written again with them and the original is kept
    beside it. The fields that make the device what it is (its id, its
    store, its engine) are never replaced: one of them invalid, or a file
    that is not a JSON object, raises :class:`SettingsError` so the app
    refuses to start rather than selling as another device.
    """
    if not path.exists():
        settings = AppSettings()
        save_settings(path, settings)
        return settings, None

    data = _read_object(path)

    kept, invalid = _valid_fields(data)
    identity = [name for name in invalid if name in IDENTITY_FIELDS]
    if identity:
        logger.error("Settings: invalid identity fields %s", ", ".join(identity))
        raise SettingsError(
            f"{path.name}: {_field_reasons(invalid, identity)}. Correct the file "
            "(or remove it to start as a new device); OpenAisle did not start."
        )

    settings = AppSettings.model_validate(kept)
    if not invalid and "device_id" in data:
        return settings, None

    aside = None
    if invalid:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        aside = path.with_name(f"{path.name}.invalid-{stamp}")
        shutil.copy2(path, aside)
        logger.warning("Settings: invalid fields %s", ", ".join(sorted(invalid)))
    save_settings(path, settings)  # a device id minted now is kept from now on
    if aside is None:
        return settings, None
    return (
        settings,
        f"Settings: {_field_reasons(invalid, sorted(invalid))}; the default is used "
        f"for each. The other settings were kept; the original file was kept "
        f"as {aside.name}.",
    )


def _read_object(path: Path) -> dict[str, Any]:
    """The file's JSON object (a byte order mark allowed), or SettingsError."""
    try:
        # utf-8-sig: a file saved by an editor with a byte order mark.
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        logger.error("Settings file could not be read (%s)", type(exc).__name__)
        raise SettingsError(
            f"{path.name} could not be read ({_short_reason(exc)}). Correct or "
            "remove it; OpenAisle did not start."
        ) from exc
    if not isinstance(data, dict):
        logger.error("Settings file is not a JSON object")
        raise SettingsError(
            f"{path.name} is not a JSON object. Correct or remove it; OpenAisle "
            "did not start."
        )
    return data


def _valid_fields(data: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """The fields that validate, and why each other one does not."""
    kept: dict[str, Any] = {}
    invalid: dict[str, str] = {}
    for name, value in data.items():
        if name not in AppSettings.model_fields:
            invalid[str(name)] = "is not a setting"
            continue
        try:
            AppSettings.model_validate({name: value})
        except ValidationError as exc:
            invalid[name] = exc.errors()[0]["msg"]
            continue
        kept[name] = value
    return kept, invalid


def _field_reasons(invalid: dict[str, str], names: list[str]) -> str:
    """``mode is not valid (why); …`` for the fields ``names``."""
    return "; ".join(f"{name} is not valid ({invalid[name]})" for name in names)


def save_settings(path: Path, settings: AppSettings) -> None:
    """Write the settings atomically (a crash leaves the old or the new file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(settings.model_dump_json(indent=2), encoding="utf-8")
    os.replace(tmp, path)


def _short_reason(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "file"
        return f"{where}: {first['msg']}"
    return type(exc).__name__
