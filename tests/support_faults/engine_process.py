"""The real engine served by ``openaisle-oms serve`` in a child process.

The proofs talk to the engine over a real socket, as a device on a store
network does: uvicorn on a loopback port, on the test's own copy of the
seeded database, with a till token issued for the home store. The rate
limit is lifted: the proofs send far faster than a till. The engine's log
goes to a file next to the database so a failed run can be read afterwards.
"""

from __future__ import annotations

import logging
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from types import TracebackType

import httpx
from sqlalchemy import create_engine

from oms_core.device_tokens import DeviceRole, issue_token

logger = logging.getLogger(__name__)

START_TIMEOUT = 30.0
HOST = "127.0.0.1"
HOME = "store-0000"
UNLIMITED = {
    "OPENAISLE_OMS_RATE_LIMIT_PER_MINUTE": "1000000",
    "OPENAISLE_OMS_RATE_LIMIT_BURST": "100000",
}


def free_port() -> int:
    """A loopback port nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


class EngineProcess:
    """``openaisle-oms serve`` on a copy of ``template`` in ``workdir``.

    Use as a context manager; ``url`` is the engine's base URL,
    ``token`` a till token of the home store, ``admin_token`` an admin one
    and ``database_url`` the SQLAlchemy URL of its file, for direct checks.
    """

    def __init__(self, template: Path, workdir: Path) -> None:
        self.workdir = workdir
        self.db_path = workdir / "engine.sqlite3"
        self.log_path = workdir / "engine.log"
        self.port = free_port()
        self.url = f"http://{HOST}:{self.port}"
        self.database_url = f"sqlite:///{self.db_path}"
        workdir.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(template, self.db_path)
        self.token = self._issue_token(DeviceRole.TILL)
        # Network administration and stock at other locations.
        self.admin_token = self._issue_token(DeviceRole.ADMIN)
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        """Start the server and wait until it answers."""
        command = [
            sys.executable,
            "-m",
            "oms_core.cli",
            "serve",
            "--database-url",
            self.database_url,
            "--host",
            HOST,
            "--port",
            str(self.port),
        ]
        log = self.log_path.open("ab")
        try:
            self._process = subprocess.Popen(
                command,
                stdout=log,
                stderr=subprocess.STDOUT,
                env={**os.environ, **UNLIMITED},
            )
        finally:
            log.close()

        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError(f"the engine exited early:\n{self.log()}")
            try:
                httpx.get(f"{self.url}/v1/locations/store-0000", timeout=1.0)
                return
            except httpx.TransportError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"the engine did not start:\n{self.log()}")

    def _issue_token(self, role: DeviceRole) -> str:
        engine = create_engine(self.database_url)
        try:
            token, _token_id = issue_token(engine, HOME, role, "proofs")
        finally:
            engine.dispose()
        return token

    def stop(self) -> None:
        """Stop the server (terminate, then kill)."""
        if self._process is None:
            return
        self._process.terminate()
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait(timeout=10)
        self._process = None

    def log(self) -> str:
        """The engine's log so far."""
        if not self.log_path.exists():
            return ""
        return self.log_path.read_text(errors="replace")

    def __enter__(self) -> EngineProcess:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
