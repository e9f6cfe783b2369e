"""The benchmarks import and run on tiny inputs (the figures are `make bench`)."""

from __future__ import annotations

import importlib
import os
from pathlib import Path

import pytest

from bench import bench_outbox, bench_start
from bench.__main__ import Row, render
from bench.common import Summary, percentile, run_module, tree_memory_mib

MODULES = (
    "bench.__main__",
    "bench.common",
    "bench.bare_webengine",
    "bench.bench_bridge",
    "bench.bench_detect",
    "bench.bench_outbox",
    "bench.bench_seed",
    "bench.bench_start",
)
HOME = "store-0006"  # a very large store among the template's real stores


@pytest.mark.parametrize("name", MODULES)
def test_every_bench_module_imports(name):
    assert importlib.import_module(name).__doc__


def test_statistics_and_the_table():
    ours = Summary.of([3.0, 1.0, 2.0])
    reference = Summary.of([1.0, 1.0, 1.0])

    table = render(
        [Row("cold start", "s", ours, reference, "bare", "≤ 1.5×", lambda r: r <= 1.5)]
    )

    assert (ours.median, ours.low, ours.high, ours.runs) == (2.0, 1.0, 3.0, 3)
    assert ours.spread_percent() == 100.0
    assert percentile([float(n) for n in range(1, 101)], 0.95) == 95.0
    assert "| cold start | 2 s | 1–3 | bare | 1 s | 1–1 | 2.00× | ≤ 1.5× | no |" in (
        table
    )


def test_memory_of_this_process_tree_is_read_from_proc():
    memory = tree_memory_mib(os.getpid())

    assert memory["processes"] >= 1
    assert 0 < memory["pss_mib"] <= memory["rss_mib"]


def test_outbox_drain_and_direct_on_a_few_real_baskets(
    engine_db_template, tmp_path, allow_log
):
    # Real invoices are wholesale: some ask for more than the network holds.
    allow_log("order parked in the outbox")
    queued = tmp_path / "queued.sqlite3"
    bench_outbox.queue_day(queued, engine_db_template, 3, home=HOME)

    result = bench_outbox.run_once(queued, engine_db_template, tmp_path)

    assert result["direct"]["orders"] == 3
    assert result["drain"]["orders"] == 3
    assert result["drain"]["accepted"] == result["direct"]["accepted"]
    assert result["drain"]["rate"] > 0 and result["direct"]["rate"] > 0

    alone = bench_outbox.device_only(queued, tmp_path)["device_only"]

    assert alone["orders"] == 3
    assert alone["rate"] > 0


@pytest.mark.webengine
def test_the_bare_reference_starts_and_is_weighed():
    result = bench_start.measure(*bench_start.bare_command(), bench_start.BARE_MARKER)

    assert 0 < result["seconds"] < bench_start.TIMEOUT_SECONDS
    assert result["processes"] >= 2  # Python and at least one Chromium process
    assert result["pss_mib"] > 0


@pytest.mark.webengine
def test_detection_runs_on_one_saved_page(shared_data: Path):
    result = run_module("bench_detect", ["--pages", "1"], timeout=120)

    assert len(result["detect_ms"]) == 1
    assert len(result["trivial_ms"]) == 1
