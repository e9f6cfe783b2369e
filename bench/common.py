"""What every benchmark shares: data, child processes, memory, statistics."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULT_PREFIX = "BENCH-RESULT "
CHROMIUM_FLAGS = "--no-sandbox --disable-gpu"


def data_dir() -> Path:
    """The shared data folder: $OPENAISLE_DATA_DIR or ../shared/data."""
    return Path(
        os.environ.get("OPENAISLE_DATA_DIR", ROOT.parent / "shared" / "data")
    ).resolve()


def qt_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of a child that runs QtWebEngine off screen as root.

    The app and its reference get the same flags, so neither is favoured.
    """
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    flags = env.get("QTWEBENGINE_CHROMIUM_FLAGS", "")
    if "--no-sandbox" not in flags:
        env["QTWEBENGINE_CHROMIUM_FLAGS"] = f"{flags} {CHROMIUM_FLAGS}".strip()
    env["PYTHONPATH"] = os.pathsep.join(
        part for part in (str(ROOT), env.get("PYTHONPATH", "")) if part
    )
    env.update(extra or {})
    return env


def prepare_this_process() -> None:
    """Settle Qt's environment in this process, before the first Qt import."""
    os.environ.update(
        {
            key: value
            for key, value in qt_env().items()
            if key in ("QT_QPA_PLATFORM", "QTWEBENGINE_CHROMIUM_FLAGS")
        }
    )


def emit_result(result: dict) -> None:
    """Print one run's result where the parent finds it."""
    print(RESULT_PREFIX + json.dumps(result), flush=True)


def run_module(module: str, args: Sequence[str] = (), *, timeout: float = 600) -> dict:
    """Run ``python -m bench.<module>`` in a fresh process; its result."""
    completed = subprocess.run(
        [sys.executable, "-m", f"bench.{module}", *args],
        cwd=ROOT,
        env=qt_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    for line in reversed(completed.stdout.splitlines()):
        if line.startswith(RESULT_PREFIX):
            return json.loads(line[len(RESULT_PREFIX) :])
    tail = "\n".join(completed.stderr.splitlines()[-15:])
    raise RuntimeError(
        f"bench.{module} gave no result (exit {completed.returncode}):\n{tail}"
    )


# -- memory -------------------------------------------------------------------


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # The name field may hold spaces; the parent id follows its ")".
        fields = stat[stat.rfind(")") + 2 :].split()
        if int(fields[1]) == pid:
            found.append(int(entry.name))
    return found


def process_tree(pid: int) -> list[int]:
    """``pid`` and every process below it."""
    tree, pending = [], [pid]
    while pending:
        current = pending.pop()
        tree.append(current)
        pending.extend(_children(current))
    return tree


def _kib(path: Path, field: str) -> int:
    try:
        text = path.read_text()
    except OSError:
        return 0
    for line in text.splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def tree_memory_mib(pid: int) -> dict[str, float]:
    """PSS and RSS of the whole process tree under ``pid``, in MiB.

    ``main_pss_mib`` is the Python process alone (``pid``); the rest is
    Chromium's (QtWebEngineProcess: zygote, renderer, GPU and utility).
    """
    pids = process_tree(pid)
    pss = sum(_kib(Path(f"/proc/{p}/smaps_rollup"), "Pss") for p in pids)
    rss = sum(_kib(Path(f"/proc/{p}/status"), "VmRSS") for p in pids)
    main = _kib(Path(f"/proc/{pid}/smaps_rollup"), "Pss")
    return {
        "pss_mib": pss / 1024,
        "rss_mib": rss / 1024,
        "main_pss_mib": main / 1024,
        "processes": len(pids),
    }


# -- statistics ---------------------------------------------------------------


@dataclass(frozen=True)
class Summary:
    """The median of several runs and how far they spread."""

    median: float
    low: float
    high: float
    runs: int

    @classmethod
    def of(cls, values: Sequence[float]) -> Summary:
        """Summarise ``values`` (at least one)."""
        return cls(statistics.median(values), min(values), max(values), len(values))

    def spread_percent(self) -> float:
        """(max - min) / median, in percent."""
        if not self.median:
            return 0.0
        return (self.high - self.low) / self.median * 100


def percentile(values: Sequence[float], fraction: float) -> float:
    """The ``fraction`` percentile (nearest rank) of ``values``."""
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(fraction * len(ordered)) - 1))
    return ordered[rank]
