"""The device token, kept in the operating system's keyring.

Service ``openaisle``, user name = the device id. Where no keyring backend
exists the calls raise :class:`KeyringUnavailable`; the token is never
written anywhere else.
"""

from __future__ import annotations

import logging
import re

import keyring
import keyring.errors
from keyring.backend import KeyringBackend

logger = logging.getLogger(__name__)

SERVICE = "openaisle"

_DEVICE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
_TOKEN = re.compile(r"^[\x21-\x7e]{1,4096}$")
# Backends that store nothing: keyring's "fail" and "null" keyrings.
_NO_STORAGE_MODULES = ("keyring.backends.fail", "keyring.backends.null")


class KeyringUnavailable(RuntimeError):
    """No usable keyring on this machine, so the token cannot be kept."""


def get_device_token(device_id: str) -> str | None:
    """The stored token of ``device_id``, or ``None`` if there is none."""
    backend = _backend()
    try:
        return backend.get_password(SERVICE, _device_id(device_id))
    except keyring.errors.KeyringError as exc:
        raise KeyringUnavailable(f"the keyring could not be read: {exc}") from exc


# The app reads the token at start-up under this name.
load_device_token = get_device_token


def set_device_token(device_id: str, token: str) -> None:
    """Store ``token`` for ``device_id``, replacing any earlier one."""
    if not isinstance(token, str) or not _TOKEN.match(token):
        raise ValueError("a device token is 1 to 4096 printable ASCII characters")
    backend = _backend()

    try:
        backend.set_password(SERVICE, _device_id(device_id), token)
    except keyring.errors.KeyringError as exc:
        raise KeyringUnavailable(f"the keyring refused the token: {exc}") from exc
    logger.info("device token stored in the keyring")


def delete_device_token(device_id: str) -> bool:
    """Forget the token of ``device_id``; ``False`` if there was none."""
    backend = _backend()
    try:
        backend.delete_password(SERVICE, _device_id(device_id))
    except keyring.errors.PasswordDeleteError:
        return False
    except keyring.errors.KeyringError as exc:
        raise KeyringUnavailable(f"the keyring could not delete: {exc}") from exc

    logger.info("device token removed from the keyring")
    return True


def _backend() -> KeyringBackend:
    try:
        backend = keyring.get_keyring()
    except keyring.errors.KeyringError as exc:
        raise KeyringUnavailable(f"no keyring backend: {exc}") from exc

    if type(backend).__module__ in _NO_STORAGE_MODULES:
        raise KeyringUnavailable(
            "no keyring backend is available on this machine; install and "
            "unlock a system keyring to keep the device token"
        )
    return backend


def _device_id(value: str) -> str:
    if not isinstance(value, str) or not _DEVICE_ID.match(value):
        raise ValueError(f"not a valid device id: {value!r}")
    return value
