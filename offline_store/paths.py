"""Where the device database lives by default."""

from __future__ import annotations

from pathlib import Path

import platformdirs

APP_NAME = "openaisle"
DEVICE_DB_NAME = "device.sqlite3"


def default_device_db_path() -> Path:
    """The device database in the user's data folder (created if missing)."""
    folder = Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    folder.mkdir(parents=True, exist_ok=True)
    return folder / DEVICE_DB_NAME
