"""Suite-wide rules: no network but loopback, no unexpected warning.

Environment for Qt is set here, before anything imports it: off screen, and
Chromium without its sandbox when the suite runs as root (the sandbox cannot
start for root).
"""

from __future__ import annotations

import ipaddress
import logging
import os
import re
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest_plugins = ["tests.fixtures_engine", "tests.till_support"]

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
if hasattr(os, "geteuid") and os.geteuid() == 0:
    os.environ.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--no-sandbox --disable-gpu")

ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = Path(
    os.environ.get("OPENAISLE_DATA_DIR", ROOT.parent / "shared" / "data")
).resolve()


# -- network: loopback only ------------------------------------------------

_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex


def _is_loopback(address: object) -> bool:
    if isinstance(address, (str, bytes)):  # a Unix socket path
        return True
    host = address[0] if isinstance(address, tuple) else address
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _guarded_connect(self: socket.socket, address: object) -> None:
    if self.family in (socket.AF_INET, socket.AF_INET6) and not _is_loopback(address):
        raise ConnectionRefusedError(f"tests may not reach {address!r}")
    return _real_connect(self, address)


def _guarded_connect_ex(self: socket.socket, address: object) -> int:
    if self.family in (socket.AF_INET, socket.AF_INET6) and not _is_loopback(address):
        raise ConnectionRefusedError(f"tests may not reach {address!r}")
    return _real_connect_ex(self, address)


socket.socket.connect = _guarded_connect  # type: ignore[method-assign]
socket.socket.connect_ex = _guarded_connect_ex  # type: ignore[method-assign]


# -- logs: a warning nobody expected fails the test --------------------------


class _Recorder(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


class LogAllowance:
    """Patterns of warning or error log lines a test expects."""

    def __init__(self) -> None:
        self.patterns: list[re.Pattern[str]] = []

    def __call__(self, *patterns: str) -> None:
        self.patterns.extend(re.compile(p) for p in patterns)

    def allows(self, record: logging.LogRecord) -> bool:
        text = f"{record.name}: {record.getMessage()}"
        return any(p.search(text) for p in self.patterns)


@pytest.fixture
def allow_log() -> LogAllowance:
    """Declare warning or error log lines that the test provokes on purpose."""
    return _allowance_for_current_test()


_current_allowance: list[LogAllowance] = []


def _allowance_for_current_test() -> LogAllowance:
    return _current_allowance[-1]


@pytest.fixture(autouse=True)
def _fail_on_unexpected_warning_logs() -> Iterator[None]:
    allowance = LogAllowance()
    _current_allowance.append(allowance)
    recorder = _Recorder()
    root = logging.getLogger()
    root.addHandler(recorder)
    try:
        yield
    finally:
        root.removeHandler(recorder)
        _current_allowance.pop()
    unexpected = [r for r in recorder.records if not allowance.allows(r)]
    if unexpected:
        lines = "\n".join(
            f"{r.levelname} {r.name}: {r.getMessage()}" for r in unexpected
        )
        pytest.fail(f"unexpected warning log lines:\n{lines}", pytrace=False)


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The real data set (catalogue, stores, postcodes, product pages)."""
    if not SHARED_DATA.is_dir():
        pytest.fail(f"the real data set is missing: {SHARED_DATA}")
    return SHARED_DATA
