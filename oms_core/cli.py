"""``openaisle-oms``: seed the engine's database or serve its API.

openaisle-oms seed [--database-url URL] [--data-dir DIR] [--if-missing] [--force]
openaisle-oms serve [--config FILE] [--database-url URL] [--workers N] ...
openaisle-oms token issue --store ID --role till|kiosk | revoke ID | list
openaisle-oms location | rules | backtest | holds ...  (see oms_core.inventory_cli)
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from oms_core import datasets, inventory_cli, seed
from oms_core.app import default_database_url
from oms_core.db.engine import make_engine
from oms_core.service_cli import add_service_commands, run_service_command

logger = logging.getLogger(__name__)

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8700


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="openaisle-oms", description="The OpenAisle order engine."
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    commands = parser.add_subparsers(dest="command", required=True)

    seed_cmd = commands.add_parser("seed", help="fill the database from the data set")
    seed_cmd.add_argument("--database-url", default=None, help="SQLAlchemy URL")
    seed_cmd.add_argument("--data-dir", default=None, help="the real data folder")
    mode = seed_cmd.add_mutually_exclusive_group()
    mode.add_argument(
        "--if-missing", action="store_true", help="do nothing if already seeded"
    )
    mode.add_argument("--force", action="store_true", help="replace an existing seed")
    seed_cmd.add_argument(
        "--network",
        choices=seed.NETWORKS,
        default=seed.NETWORK_UK,
        help="uk: the UK stores (default); world: 25,597 locations, for benchmarks",
    )

    add_service_commands(commands)
    inventory_cli.add_inventory_commands(commands)
    return parser


def _seed(args: argparse.Namespace) -> int:
    url = args.database_url or default_database_url()
    if args.if_missing:
        engine = make_engine(url)
        try:
            seeded = seed.is_seeded(engine)
        finally:
            engine.dispose()
        if seeded:
            logger.info("database already seeded; nothing to do")
            return 0

    try:
        seed.seed_database(url, args.data_dir, force=args.force, network=args.network)
    except seed.AlreadySeededError:
        logger.error("the database is already seeded; pass --force to replace it")
        return 1
    except datasets.DatasetError as exc:
        logger.error("cannot read the data set: %s", exc)
        return 1
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the command line and run the command; returns the exit status."""
    args = _parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        stream=sys.stderr,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    if args.command == "seed":
        return _seed(args)
    if args.command in inventory_cli.COMMANDS:
        return inventory_cli.run_inventory_command(args)
    return run_service_command(args)


if __name__ == "__main__":
    sys.exit(main())
