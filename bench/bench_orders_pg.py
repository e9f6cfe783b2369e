"""Order creation on PostgreSQL against pgbench's TPC-B-like script.

    python -m bench.bench_orders_pg [--pg-url URL] [--seconds 15] [--stores 300]

Seeds its own database on the server (the full catalogue, the first
``--stores`` real stores and the DCs), then 8 client processes place
one-line delivery orders of the year's 200 best sellers to real postcode
districts for ``--seconds``, each through ``orders.place_order`` (the
engine's single entry: sourcing under the rules, conditional reservations,
the order's process). pgbench's TPC-B-like script runs with 8 clients on
the same server in the same run; the ratio is orders/s over its tps
(target >= 0.5).
"""

from __future__ import annotations

import argparse
import multiprocessing
import random
import time
import uuid

from bench import pgref
from bench.common import data_dir

DATABASE = "openaisle_bench_orders"
TOP_SKUS = 200


def _client(url: str, skus: list[str], outcodes: list[str], seconds: float, seed: int):
    from oms_core import orders
    from oms_core.api_models import OrderRequest
    from oms_core.db.engine import make_engine
    from oms_core.errors import EngineError

    engine = make_engine(url)
    chooser = random.Random(seed)
    placed = refused = 0
    latencies = []
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        request = OrderRequest.model_validate(
            {
                "selling_location_id": "store-0001",
                "lines": [
                    {
                        "sku": chooser.choice(skus),
                        "quantity": 1,
                        "fulfilment": {
                            "method": "deliver",
                            "address": {
                                "name": "Bench Customer",
                                "line1": "1 High Street",
                                "city": "Town",
                                "postcode": chooser.choice(outcodes),
                            },
                        },
                    }
                ],
            }
        )
        started = time.perf_counter()
        try:
            orders.place_order(engine, uuid.uuid4(), request)
            placed += 1
        except EngineError:
            refused += 1
        latencies.append((time.perf_counter() - started) * 1000)
    engine.dispose()
    return placed, refused, latencies


def main() -> None:
    """Seed, run both sides, print the ratio."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg-url", default=None)
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--stores", type=int, default=300)
    args = parser.parse_args()
    server = pgref.server_url(args.pg_url)

    from sqlalchemy import select

    from oms_core import seed
    from oms_core.db.engine import make_engine
    from oms_core.db.schema import postcode_districts

    url = pgref.recreate_database(server, DATABASE)
    seed.seed_database(url, data_dir(), store_limit=args.stores)
    catalogue = seed.import_catalogue(data_dir())
    ranked = sorted(catalogue.units_sold, key=lambda s: -catalogue.units_sold[s])
    skus = ranked[:TOP_SKUS]
    engine = make_engine(url)
    with engine.connect() as connection:
        outcodes = sorted(connection.scalars(select(postcode_districts.c.outcode)))
    engine.dispose()

    # One order first: the first order of a fresh database registers the
    # process definitions, which concurrent first orders race for.
    _client(url, skus, outcodes, 0.001, 99)
    context = multiprocessing.get_context("spawn")
    started = time.perf_counter()
    with context.Pool(pgref.CLIENTS) as pool:
        results = pool.starmap(
            _client,
            [(url, skus, outcodes, args.seconds, n) for n in range(pgref.CLIENTS)],
        )
    elapsed = time.perf_counter() - started
    placed = sum(r[0] for r in results)
    refused = sum(r[1] for r in results)
    latencies = [ms for r in results for ms in r[2]]
    ours = placed / args.seconds

    reference = pgref.pgbench_tps(server, select_only=False, seconds=args.seconds)
    print(f"orders placed: {placed} in {args.seconds} s ({refused} refused)")
    print(f"order creation: {ours:.0f} orders/s with {pgref.CLIENTS} clients")
    print(
        f"latency p50 {pgref.percentile(latencies, 0.5):.1f} ms, "
        f"p99 {pgref.percentile(latencies, 0.99):.1f} ms (wall {elapsed:.0f} s)"
    )
    print(f"pgbench tpcb-like: {reference['tps']:.0f} tps on the same server")
    print(f"ratio: {ours / reference['tps']:.2f} (target >= 0.5)")


if __name__ == "__main__":
    main()
