"""The PostgreSQL side of the engine benchmarks: server, databases, pgbench.

Every benchmark names one PostgreSQL server by URL (loopback only), creates
its own databases there, and measures pgbench's built-in scripts on the same
server in the same run, so a ratio compares like with like.
"""

from __future__ import annotations

import ipaddress
import os
import re
import shutil
import subprocess
import time
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, make_url

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:54331/postgres"
URL_ENV = "OPENAISLE_BENCH_PG_URL"
CLIENTS = 8
THREADS = 2
SCALE = 10


def server_url(explicit: str | None) -> URL:
    """The server's URL; only a loopback address is accepted."""
    url = make_url(explicit or os.environ.get(URL_ENV) or DEFAULT_URL)
    host = url.host or "127.0.0.1"
    if host != "localhost" and not ipaddress.ip_address(host).is_loopback:
        raise SystemExit(f"benchmarks run against loopback only, not {host}")
    return url


def database_url(server: URL, name: str) -> str:
    """The URL of database ``name`` on the server."""
    return server.set(database=name).render_as_string(hide_password=False)


def recreate_database(server: URL, name: str) -> str:
    """Drop and create database ``name``; its URL."""
    admin = create_engine(
        database_url(server, "postgres"), isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return database_url(server, name)


def database_exists(server: URL, name: str) -> bool:
    """Whether database ``name`` exists on the server."""
    admin = create_engine(database_url(server, "postgres"))
    with admin.connect() as connection:
        found = connection.scalar(
            text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
        )
    admin.dispose()
    return bool(found)


def pgbench_binary() -> str:
    """pgbench from $OPENAISLE_PG_BIN, the PATH or PostgreSQL's folder."""
    folder = os.environ.get("OPENAISLE_PG_BIN")
    candidates = [Path(folder) / "pgbench"] if folder else []
    found = shutil.which("pgbench")
    if found:
        candidates.append(Path(found))
    candidates += sorted(Path("/usr/lib/postgresql").glob("*/bin/pgbench"))
    for path in candidates:
        if path.exists():
            return str(path)
    raise SystemExit("pgbench not found; set OPENAISLE_PG_BIN")


def pgbench_tps(server: URL, *, select_only: bool, seconds: int) -> dict:
    """pgbench (scale 10, 8 clients, 2 threads) on its own database."""
    name = "openaisle_pgbench"
    recreate_database(server, name)
    base = [
        pgbench_binary(),
        "-h",
        server.host or "127.0.0.1",
        "-p",
        str(server.port or 5432),
        "-U",
        server.username or "postgres",
    ]
    subprocess.run(
        [*base, "-i", "-q", "-s", str(SCALE), name], check=True, capture_output=True
    )
    script = ["-S"] if select_only else []
    started = time.perf_counter()
    done = subprocess.run(
        [
            *base,
            *script,
            "-c",
            str(CLIENTS),
            "-j",
            str(THREADS),
            "-T",
            str(seconds),
            name,
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    tps = re.search(r"tps = ([0-9.]+)", done.stdout)
    latency = re.search(r"latency average = ([0-9.]+) ms", done.stdout)
    return {
        "script": "select-only" if select_only else "tpcb-like",
        "tps": float(tps.group(1)) if tps else 0.0,
        "latency_ms": float(latency.group(1)) if latency else None,
        "seconds": round(time.perf_counter() - started, 1),
    }


def percentile(values: list[float], share: float) -> float:
    """The ``share`` percentile (0-1) of ``values`` by nearest rank."""
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))
    return ordered[index]
