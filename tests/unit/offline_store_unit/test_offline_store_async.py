"""The coroutine face of the store and where its file lives by default."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from offline_store import AsyncDeviceStore, DeviceStore, default_device_db_path


async def test_calls_run_on_one_thread_that_is_not_the_loop(db_path: Path) -> None:
    store = await AsyncDeviceStore.open(db_path)
    seen: set[str] = set()
    real_add = store.store.add_item

    def spy_add(*args: object) -> object:
        seen.add(threading.current_thread().name)
        return real_add(*args)

    store.store.add_item = spy_add  # type: ignore[method-assign]
    await store.add_item("85123A", "WHITE HANGING HEART T-LIGHT HOLDER", 255, "GBP")
    basket = await store.add_item("71053", "WHITE METAL LANTERN", 339, "GBP", 2)
    await store.aclose()

    assert basket.total == 255 + 2 * 339
    assert len(seen) == 1
    assert seen.pop().startswith("device-store")
    reopened = DeviceStore(db_path)
    assert reopened.current_basket().total == basket.total
    reopened.close()


def test_the_default_file_is_in_the_user_data_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))

    path = default_device_db_path()

    assert path == tmp_path / "openaisle" / "device.sqlite3"
    assert path.parent.is_dir()
