"""The device's settings: validated when read and when saved.

Settings live in a small JSON file in the user's config folder. A file that
cannot be read or does not validate is moved aside (never deleted) and the
defaults are used, with a message the app shows at start.
"""

from __future__ import annotations

import json
import logging
import os
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

import platformdirs
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from bridge.allowlist import AllowList, AllowListError

logger = logging.getLogger(__name__)

DEFAULT_STORE_ID = "store-1554"  # a very large store in Leeds
DEFAULT_START_URL = "aisle://shop/"
DEFAULT_ALLOWED_ORIGINS = ("aisle://shop",)
MODES = ("till", "tablet", "kiosk", "phone")
Mode = Literal["till", "tablet", "kiosk", "phone"]


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
    """Read the settings, or the defaults with a message saying why.

    A missing file gives the defaults and saves them (so the device id stays
    the same from now on). A broken file is moved aside, never lost.
    """
    if not path.exists():
        settings = AppSettings()
        save_settings(path, settings)
        return settings, None

    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return AppSettings.model_validate(data), None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, ValidationError) as exc:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        aside = path.with_name(f"{path.name}.invalid-{stamp}")
        path.replace(aside)
        logger.warning("Settings file was invalid and was moved to %s", aside)
        settings = AppSettings()
        save_settings(path, settings)
        reason = _short_reason(exc)
        return (
            settings,
            f"The settings could not be read ({reason}). Defaults are in use; "
            f"the old file was kept as {aside.name}.",
        )


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
