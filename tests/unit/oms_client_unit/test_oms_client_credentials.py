"""The device token in the OS keyring, and never anywhere else."""

from __future__ import annotations

from collections.abc import Iterator

import keyring
import keyring.errors
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import fail, null

from oms_client.credentials import (
    SERVICE,
    KeyringUnavailable,
    delete_device_token,
    get_device_token,
    load_device_token,
    set_device_token,
)


class MemoryKeyring(KeyringBackend):
    """A keyring that lives in a dict, for tests."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.secrets: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.secrets.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.secrets[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.secrets.pop((service, username), None) is None:
            raise keyring.errors.PasswordDeleteError(username)


class LockedKeyring(MemoryKeyring):
    """A keyring whose store refuses every access (locked, say)."""

    def get_password(self, service: str, username: str) -> str | None:
        raise keyring.errors.KeyringLocked("locked")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise keyring.errors.PasswordSetError("locked")


@pytest.fixture
def use_keyring() -> Iterator[object]:
    previous = keyring.get_keyring()

    def use(backend: KeyringBackend) -> KeyringBackend:
        keyring.set_keyring(backend)
        return backend

    yield use
    keyring.set_keyring(previous)


def test_a_token_is_stored_read_and_deleted(use_keyring) -> None:
    memory = use_keyring(MemoryKeyring())

    set_device_token("till-0001", "tok-abc.123")
    stored = memory.secrets[(SERVICE, "till-0001")]
    read = get_device_token("till-0001")
    loaded = load_device_token("till-0001")
    deleted = delete_device_token("till-0001")
    deleted_again = delete_device_token("till-0001")

    assert stored == read == loaded == "tok-abc.123"
    assert (deleted, deleted_again) == (True, False)
    assert get_device_token("till-0001") is None


@pytest.mark.parametrize("backend", [fail.Keyring, null.Keyring])
def test_no_keyring_is_a_clear_error_and_nothing_is_written(
    use_keyring, backend: type[KeyringBackend], tmp_path, monkeypatch
) -> None:
    use_keyring(backend())
    monkeypatch.chdir(tmp_path)

    with pytest.raises(KeyringUnavailable, match="no keyring backend"):
        set_device_token("till-0001", "tok")
    with pytest.raises(KeyringUnavailable):
        get_device_token("till-0001")
    with pytest.raises(KeyringUnavailable):
        delete_device_token("till-0001")

    assert list(tmp_path.iterdir()) == []


def test_a_refusing_keyring_is_unavailable_with_its_cause(use_keyring) -> None:
    use_keyring(LockedKeyring())

    with pytest.raises(KeyringUnavailable) as reading:
        get_device_token("till-0001")
    with pytest.raises(KeyringUnavailable) as writing:
        set_device_token("till-0001", "tok")

    assert isinstance(reading.value.__cause__, keyring.errors.KeyringLocked)
    assert isinstance(writing.value.__cause__, keyring.errors.PasswordSetError)


@pytest.mark.parametrize(
    ("device_id", "token"),
    [("", "tok"), ("till 1", "tok"), ("till-1", ""), ("till-1", "a\nb")],
)
def test_bad_ids_and_tokens_are_refused(
    use_keyring, device_id: str, token: str
) -> None:
    memory = use_keyring(MemoryKeyring())

    with pytest.raises(ValueError):
        set_device_token(device_id, token)

    assert memory.secrets == {}
