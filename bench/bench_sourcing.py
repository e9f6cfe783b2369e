"""Sourcing a 5-line order over the 25,597 world locations, trace included.

    python -m bench.bench_sourcing [--pg-url URL] [--orders 500]

On the world network in PostgreSQL, each order is five distinct best
sellers delivered to a real store's coordinates anywhere in the world;
sourcing reads the candidates, plans under the built-in rules and builds
the full trace (as a quote does, nothing reserved). The reference, measured
in the same run on the same connection, is one primary-key read of a stock
row. Prints p50/p99 (target p99 <= 20 ms) and the ratio of the two p50s.
"""

from __future__ import annotations

import argparse
import random
import time
from datetime import UTC, datetime

from sqlalchemy import select

from bench import pgref, world


def main() -> None:
    """Source the orders, read the reference, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg-url", default=None)
    parser.add_argument("--orders", type=int, default=500)
    parser.add_argument("--reseed", action="store_true")
    args = parser.parse_args()

    from oms_core import geo, promising
    from oms_core.db.engine import make_engine
    from oms_core.db.schema import stock
    from oms_core.migrations import upgrade
    from oms_core.sourcing import LineNeed

    url = world.ensure_world(pgref.server_url(args.pg_url), reseed=args.reseed)
    skus = world.top_skus()
    points = world.world_points(args.orders)
    chooser = random.Random(11)
    engine = make_engine(url)
    upgrade(engine)  # a world seeded before the grid cells gets them now

    timings, reference, trace_sizes, refused = [], [], [], 0
    with engine.connect() as connection:
        keys = connection.execute(
            select(stock.c.sku, stock.c.location_id).limit(args.orders)
        ).all()
        for number, (lat, lon) in enumerate(points):
            destination = geo.Point(lat, lon)
            needs = [
                LineNeed(index, sku, chooser.randint(1, 3), destination=destination)
                for index, sku in enumerate(chooser.sample(skus, 5))
            ]
            started = time.perf_counter()
            sourced = promising.source(
                connection, "dc-daventry", None, needs, datetime.now(UTC)
            )
            trace = promising.trace_of(sourced)
            timings.append((time.perf_counter() - started) * 1000)
            trace_sizes.append(len(trace))
            refused += bool(sourced.plan.refused)

            sku, location_id = keys[number % len(keys)]
            started = time.perf_counter()
            connection.execute(
                select(stock).where(
                    stock.c.sku == sku, stock.c.location_id == location_id
                )
            ).first()
            reference.append((time.perf_counter() - started) * 1000)
    engine.dispose()

    ours = pgref.percentile(timings, 0.5)
    base = pgref.percentile(reference, 0.5)
    print(f"orders sourced: {len(timings)} of 5 lines ({refused} with a refused line)")
    print(
        f"sourcing with trace: p50 {ours:.1f} ms, p99 "
        f"{pgref.percentile(timings, 0.99):.1f} ms (target p99 <= 20 ms); "
        f"trace entries p50 {sorted(trace_sizes)[len(trace_sizes) // 2]}"
    )
    print(f"reference primary-key read: p50 {base:.2f} ms")
    print(f"ratio: sourcing costs {ours / base:.0f} primary-key reads")


if __name__ == "__main__":
    main()
