"""Seeding the full year's catalogue with the 2,832-store network.

    python -m bench.bench_seed --database PATH

Seeds a new SQLite file from the real data and reports the time and the
file's size. There is no outside reference: the target is half the first
figure recorded in docs/performance.md.
"""

from __future__ import annotations

import argparse
import logging
import time
from pathlib import Path

from bench.common import data_dir, emit_result

logger = logging.getLogger(__name__)


def seed_once(path: Path, store_limit: int | None = None) -> dict:
    """Seed ``path`` (which must not exist); seconds taken and size in MiB."""
    from oms_core.seed import seed_database

    started = time.perf_counter()
    seed_database(f"sqlite:///{path}", data_dir(), store_limit=store_limit)
    seconds = time.perf_counter() - started

    size = sum(
        part.stat().st_size
        for part in path.parent.glob(path.name + "*")
        if part.is_file()
    )
    return {"seconds": seconds, "size_mib": size / 2**20}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", type=Path, required=True)
    parser.add_argument("--store-limit", type=int, default=None)
    args = parser.parse_args()

    logging.basicConfig(level=logging.WARNING)
    emit_result(seed_once(args.database, args.store_limit))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
