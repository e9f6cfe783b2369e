"""Near-me over the 25,597 world locations, over HTTP, against pgbench -S.

    python -m bench.bench_nearby [--pg-url URL] [--seconds 15] [--workers 2]

Serves the engine (``openaisle-oms serve``, PostgreSQL, no device tokens,
rate limit lifted) on a loopback port; 8 client processes ask
``/v1/stock/{sku}/nearby`` for one of the 200 best sellers at a real store's
coordinates for ``--seconds``. pgbench's select-only script runs with 8
clients on the same server in the same run. Prints requests/s, p50/p99
and the ratio to pgbench (targets: ratio >= 0.1, p99 <= 10 ms).
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import socket
import subprocess
import sys
import time

import httpx

from bench import pgref, world

HOST = "127.0.0.1"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def _client(base: str, skus, points, seconds: float, seed: int):
    chooser = random.Random(seed)
    latencies = []
    errors = 0
    with httpx.Client(base_url=base, timeout=10) as http:
        deadline = time.perf_counter() + seconds
        while time.perf_counter() < deadline:
            lat, lon = chooser.choice(points)
            started = time.perf_counter()
            answer = http.get(
                f"/v1/stock/{chooser.choice(skus)}/nearby",
                params={"lat": lat, "lon": lon, "limit": 10},
            )
            latencies.append((time.perf_counter() - started) * 1000)
            errors += answer.status_code != 200
    return latencies, errors


def _serve(url: str, port: int, workers: int) -> subprocess.Popen:
    env = dict(os.environ)
    env["OPENAISLE_OMS_RATE_LIMIT_PER_MINUTE"] = "1000000"
    env["OPENAISLE_OMS_RATE_LIMIT_BURST"] = "100000"
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "oms_core.cli",
            "serve",
            "--database-url",
            url,
            "--host",
            HOST,
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--auth",
            "none",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://{HOST}:{port}/v1/locations/dc-daventry").is_success:
                return server
        except httpx.TransportError:
            time.sleep(0.3)
    server.terminate()
    raise SystemExit("the engine did not start")


def main() -> None:
    """Serve, load, measure pgbench, print the ratio."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg-url", default=None)
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--reseed", action="store_true")
    args = parser.parse_args()
    server_url = pgref.server_url(args.pg_url)
    url = world.ensure_world(server_url, reseed=args.reseed)
    skus = world.top_skus()
    points = world.world_points(2_000)

    port = _free_port()
    server = _serve(url, port, args.workers)
    try:
        base = f"http://{HOST}:{port}"
        context = multiprocessing.get_context("spawn")
        with context.Pool(pgref.CLIENTS) as pool:
            results = pool.starmap(
                _client,
                [(base, skus, points, args.seconds, n) for n in range(pgref.CLIENTS)],
            )
    finally:
        server.terminate()
        server.wait(timeout=30)
    latencies = [ms for r in results for ms in r[0]]
    errors = sum(r[1] for r in results)
    ours = len(latencies) / args.seconds

    reference = pgref.pgbench_tps(server_url, select_only=True, seconds=args.seconds)
    print(f"near-me requests: {len(latencies)} in {args.seconds} s ({errors} errors)")
    print(f"near-me: {ours:.0f} requests/s with {pgref.CLIENTS} clients over HTTP")
    print(
        f"latency p50 {pgref.percentile(latencies, 0.5):.1f} ms, "
        f"p99 {pgref.percentile(latencies, 0.99):.1f} ms (target p99 <= 10 ms)"
    )
    print(f"pgbench select-only: {reference['tps']:.0f} tps on the same server")
    print(f"ratio: {ours / reference['tps']:.3f} (target >= 0.1)")


if __name__ == "__main__":
    main()
