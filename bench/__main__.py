"""``python -m bench``: every figure beside its reference, in one table.

    python -m bench [--runs 3] [--only start,bridge,...] [--quick]

Each figure is measured ``--runs`` times, every run in a fresh process, the
app's run and its reference's run taken in turn so that both see the same
machine. The table quotes medians, the spread (lowest–highest run), the
ratio to the reference and the target from the issue.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bench.common import ROOT, Summary, percentile, qt_env, run_module

FIGURES = ("seed", "start", "bridge", "outbox", "detect")
# The first measured seed (commit of the benchmark, see docs/performance.md):
# the target is half of it.
FIRST_SEED_SECONDS = 24.8
FIRST_SEED_MIB = 65.3


@dataclass(frozen=True)
class Row:
    """One line of the table."""

    figure: str
    unit: str
    ours: Summary
    reference: Summary | None
    reference_name: str
    target: str
    met: Callable[[float], bool] | None

    def ratio(self) -> float | None:
        """Ours over the reference, medians."""
        if self.reference is None or not self.reference.median:
            return None
        return self.ours.median / self.reference.median


def _fmt(value: float) -> str:
    return f"{value:.3g}" if abs(value) < 100 else f"{value:.0f}"


def _spread(summary: Summary) -> str:
    return f"{_fmt(summary.low)}–{_fmt(summary.high)}"


def render(rows: list[Row]) -> str:
    """The table as Markdown."""
    lines = [
        "| figure | OpenAisle (median) | spread | reference | reference (median)"
        " | spread | ratio | target | met |",
        "| --- | ---: | ---: | --- | ---: | ---: | ---: | --- | --- |",
    ]
    for row in rows:
        ratio = row.ratio()
        ref = row.reference
        if row.met is None:
            met = "—"
        else:
            met = "yes" if row.met(ratio if ratio is not None else 0.0) else "no"
        lines.append(
            f"| {row.figure} | {_fmt(row.ours.median)} {row.unit}"
            f" | {_spread(row.ours)} | {row.reference_name}"
            f" | {_fmt(ref.median) + ' ' + row.unit if ref else '—'}"
            f" | {_spread(ref) if ref else '—'}"
            f" | {f'{ratio:.2f}×' if ratio is not None else '—'}"
            f" | {row.target} | {met} |"
        )
    runs = rows[0].ours.runs if rows else 0
    lines.append("")
    lines.append(f"Runs per figure: {runs}; spread is the lowest–highest run.")
    return "\n".join(lines)


def _note(text: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)


# -- figures ------------------------------------------------------------------


def seed_figures(runs: int, workdir: Path, store_limit: int | None) -> list[Row]:
    """Seed time and size; keeps one seeded file as ``workdir/oms.sqlite3``."""
    seconds, sizes = [], []
    for index in range(runs):
        path = workdir / f"seed-{index}" / "oms.sqlite3"
        path.parent.mkdir()
        args = ["--database", str(path)]
        if store_limit:
            args += ["--store-limit", str(store_limit)]
        result = run_module("bench_seed", args, timeout=900)
        seconds.append(result["seconds"])
        sizes.append(result["size_mib"])
        if index == 0:
            shutil.copyfile(path, workdir / "oms.sqlite3")
        shutil.rmtree(path.parent)
        _note(f"seed run {index + 1}: {result['seconds']:.1f} s")

    first_s = Summary.of([FIRST_SEED_SECONDS])
    first_mib = Summary.of([FIRST_SEED_MIB])
    return [
        Row(
            "seed: full catalogue + 2,832 stores, time",
            "s",
            Summary.of(seconds),
            first_s,
            "first measurement",
            "≤ 0.5×",
            lambda ratio: ratio <= 0.5,
        ),
        Row(
            "seed: database size",
            "MiB",
            Summary.of(sizes),
            first_mib,
            "first measurement",
            "≤ 0.5×",
            lambda ratio: ratio <= 0.5,
        ),
    ]


def start_figures(runs: int, workdir: Path) -> list[Row]:
    """Cold start and memory of the app and of the bare window, in turn."""
    app_s, app_mib, bare_s, bare_mib = [], [], [], []
    app_main, bare_main = [], []
    database = str(workdir / "oms.sqlite3")
    for index in range(runs):
        bare = run_module("bench_start", ["bare"])
        app = run_module("bench_start", ["app", "--oms-database", database])
        bare_s.append(bare["seconds"])
        bare_mib.append(bare["pss_mib"])
        app_s.append(app["seconds"])
        app_mib.append(app["pss_mib"])
        app_main.append(app.get("main_pss_mib", 0.0))
        bare_main.append(bare.get("main_pss_mib", 0.0))
        _note(
            f"start run {index + 1}: app {app['seconds']:.2f} s, bare "
            f"{bare['seconds']:.2f} s"
        )
    return [
        Row(
            "cold start to a page that accepts addToBasket",
            "s",
            Summary.of(app_s),
            Summary.of(bare_s),
            "bare window, first QWebChannel call",
            "≤ 1.5×",
            lambda ratio: ratio <= 1.5,
        ),
        Row(
            "memory (PSS, whole process tree), storefront open",
            "MiB",
            Summary.of(app_mib),
            Summary.of(bare_mib),
            "bare window, trivial page",
            "≤ 1.3×",
            lambda ratio: ratio <= 1.3,
        ),
        Row(
            "of which the Python process alone (PSS)",
            "MiB",
            Summary.of(app_main),
            Summary.of(bare_main),
            "the bare window's Python process",
            "figure only",
            None,
        ),
    ]


def bridge_figures(runs: int, workdir: Path, calls: int) -> list[Row]:
    """p95 of addToBasket through the till against a bare echo."""
    ours, bare = [], []
    database = str(workdir / "oms.sqlite3")
    for index in range(runs):
        echo = run_module("bare_webengine", ["echo", "--calls", str(calls)])
        till = run_module(
            "bench_bridge", ["--oms-database", database, "--calls", str(calls)]
        )
        bare.append(percentile(echo["times_ms"][1:], 0.95))
        ours.append(percentile(till["times_ms"][1:], 0.95))
        _note(f"bridge run {index + 1}: p95 {ours[-1]:.2f} ms, bare {bare[-1]:.2f} ms")
    return [
        Row(
            f"bridge call p95: addToBasket, panel updated ({calls} calls)",
            "ms",
            Summary.of(ours),
            Summary.of(bare),
            "bare QWebChannel echo p95",
            "≤ 2×",
            lambda ratio: ratio <= 2,
        )
    ]


def outbox_figures(runs: int, workdir: Path, orders: int) -> list[Row]:
    """Drain rate against direct creation of the same orders."""
    queue = workdir / "queued-day.sqlite3"
    drain, direct = [], []
    database = str(workdir / "oms.sqlite3")
    for index in range(runs):
        result = run_module(
            "bench_outbox",
            [
                "--oms-database",
                database,
                "--orders",
                str(orders),
                "--queue",
                str(queue),
            ],
            timeout=1800,
        )
        drain.append(result["drain"]["rate"])
        direct.append(result["direct"]["rate"])
        _note(
            f"outbox run {index + 1}: drain {drain[-1]:.0f}/s, "
            f"direct {direct[-1]:.0f}/s"
        )
    return [
        Row(
            f"outbox drain after a day offline ({orders} real baskets)",
            "orders/s",
            Summary.of(drain),
            Summary.of(direct),
            "the same orders created directly",
            "≥ 0.8×",
            lambda ratio: ratio >= 0.8,
        )
    ]


def detect_figures(runs: int, pages: int | None) -> list[Row]:
    """Median detector script time per page against a trivial script."""
    ours, trivial = [], []
    for index in range(runs):
        result = run_module(
            "bench_detect", ["--pages", str(pages)] if pages else [], timeout=900
        )
        ours.append(statistics.median(result["detect_ms"]))
        trivial.append(statistics.median(result["trivial_ms"]))
        _note(f"detect run {index + 1}: {ours[-1]:.2f} ms per page")
    return [
        Row(
            "product detection, median script time per saved page",
            "ms",
            Summary.of(ours),
            Summary.of(trivial),
            "trivial script on the same page",
            "figure only",
            None,
        )
    ]


def machine() -> str:
    """One line about the machine the table was measured on."""
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    from PySide6 import __version__ as pyside

    return (
        f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()},"
        f" PySide6 {pyside}, {platform.system()} {platform.release()}"
    )


PG_MODULES = ("bench_orders_pg", "bench_nearby", "bench_sourcing")


def pg_figures(pg_url: str) -> str:
    """The engine's PostgreSQL figures (their own modules), as they print them.

    Each module measures its own reference (pgbench or a primary-key read)
    on the same server in the same run and prints its ratio and target.
    """
    sections = []
    for name in PG_MODULES:
        if importlib.util.find_spec(f"bench.{name}") is None:
            continue
        _note(f"running bench.{name} on PostgreSQL")
        completed = subprocess.run(
            [sys.executable, "-m", f"bench.{name}", "--pg-url", pg_url],
            cwd=ROOT,
            env=qt_env(),
            capture_output=True,
            text=True,
            timeout=1800,
            check=False,
        )
        text = completed.stdout.strip() or completed.stderr.strip()[-2000:]
        sections.append(
            f"bench.{name}:\n" + "\n".join(f"    {line}" for line in text.splitlines())
        )
    return "\n\n".join(sections)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", default=",".join(FIGURES))
    parser.add_argument("--orders", type=int, default=2000)
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument(
        "--pg-url",
        default=os.environ.get("OPENAISLE_BENCH_PG_URL"),
        help="a loopback PostgreSQL server for the engine's own figures",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="one run of tiny inputs: checks the suite, measures nothing",
    )
    args = parser.parse_args()

    wanted = [name for name in args.only.split(",") if name]
    unknown = set(wanted) - set(FIGURES)
    if unknown:
        parser.error(f"unknown figures: {sorted(unknown)}")
    runs, orders, calls = args.runs, args.orders, args.calls
    store_limit, pages = None, None
    if args.quick:
        runs, orders, calls, pages = 1, 10, 10, 3

    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="openaisle-bench-") as folder:
        workdir = Path(folder)
        # Every other figure runs on the seeded engine the seed leaves.
        rows += seed_figures(1 if "seed" not in wanted else runs, workdir, store_limit)
        if "seed" not in wanted:
            rows.clear()
        if "start" in wanted:
            rows += start_figures(runs, workdir)
        if "bridge" in wanted:
            rows += bridge_figures(runs, workdir, calls)
        if "outbox" in wanted:
            rows += outbox_figures(runs, workdir, orders)
        if "detect" in wanted:
            rows += detect_figures(runs, pages)

    print(render(rows))
    print()
    print(f"Machine: {machine()}.")
    if args.pg_url:
        print()
        print("PostgreSQL figures (each against its own reference, same run):")
        print(pg_figures(args.pg_url))
    else:
        print("PostgreSQL figures: pass --pg-url (see docs/performance.md).")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
