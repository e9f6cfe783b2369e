"""Cold start and memory: the real ``openaisle`` against a bare window.

    python -m bench.bench_start app --oms-database PATH
    python -m bench.bench_start bare

Starts the program in a new process group and times from just before the
start to the moment it says a page can reach Python: for the app, the log
line of the first answered bridge call (the storefront asks for the basket
as soon as it is connected, so ``addToBasket`` is accepted from then on);
for the reference, its ``READY`` line. Then, after a short settle, it adds
up PSS and RSS of every process of the tree (QtWebEngineProcess included)
from /proc, and stops the group.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from bench.common import emit_result, qt_env, tree_memory_mib

APP_MARKER = "The page's first bridge call was answered"
BARE_MARKER = "READY"
SETTLE_SECONDS = 3.0
TIMEOUT_SECONDS = 120.0


def app_command(oms_database: Path, workdir: Path) -> tuple[list[str], dict]:
    """The real ``openaisle`` on a seeded bundled engine, in ``workdir``."""
    executable = Path(sys.executable).with_name("openaisle")
    command = [
        str(executable),
        "--oms-database-url",
        f"sqlite:///{oms_database}",
        "--device-db",
        str(workdir / "device.sqlite3"),
    ]
    env = qt_env({"OPENAISLE_CONFIG_DIR": str(workdir / "config")})
    return command, env


def bare_command() -> tuple[list[str], dict]:
    """The reference window."""
    return [sys.executable, "-m", "bench.bare_webengine", "start"], qt_env()


def measure(command: list[str], env: dict, marker: str) -> dict:
    """Seconds to ``marker`` and the tree's memory once settled."""
    started = time.perf_counter()
    process = subprocess.Popen(
        command,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    seen = threading.Event()
    lines: list[str] = []
    ready_at: list[float] = []

    def watch() -> None:
        for line in process.stdout:
            if not seen.is_set() and marker in line:
                ready_at.append(time.perf_counter())
                seen.set()
            lines.append(line)

    reader = threading.Thread(target=watch, daemon=True)
    reader.start()
    try:
        if not seen.wait(TIMEOUT_SECONDS):
            tail = "".join(lines[-20:])
            raise RuntimeError(f"no {marker!r} within {TIMEOUT_SECONDS} s:\n{tail}")
        time.sleep(SETTLE_SECONDS)
        memory = tree_memory_mib(process.pid)
    finally:
        _stop(process)
        reader.join(10)
        process.stdout.close()
    return {"seconds": ready_at[0] - started, **memory}


def _stop(process: subprocess.Popen) -> None:
    """Close stdin, then end the group we started: TERM, then KILL."""
    try:
        process.stdin.close()
    except OSError:
        pass
    for sig, grace in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
        if process.poll() is not None:
            break
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            break
        try:
            process.wait(grace)
        except subprocess.TimeoutExpired:
            continue
    # The renderer processes may outlive the leader by a moment.
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("which", choices=["app", "bare"])
    parser.add_argument("--oms-database", type=Path)
    args = parser.parse_args()

    if args.which == "bare":
        emit_result(measure(*bare_command(), BARE_MARKER))
        return 0

    if args.oms_database is None:
        parser.error("app needs --oms-database (a seeded engine file)")
    with tempfile.TemporaryDirectory(prefix="openaisle-bench-") as folder:
        workdir = Path(folder)
        copy = workdir / "oms.sqlite3"
        shutil.copyfile(args.oms_database, copy)
        emit_result(measure(*app_command(copy, workdir), APP_MARKER))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
