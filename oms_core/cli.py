"""``openaisle-oms``: seed the engine's database or serve its API.

openaisle-oms seed [--database-url URL] [--data-dir DIR] [--if-missing] [--force]
openaisle-oms serve [--database-url URL] [--host 127.0.0.1] [--port 8700]
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from oms_core import datasets, seed
from oms_core.app import create_app, default_database_url
from oms_core.db.engine import make_engine

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

    serve_cmd = commands.add_parser("serve", help="serve the HTTP API (uvicorn)")
    serve_cmd.add_argument("--database-url", default=None, help="SQLAlchemy URL")
    serve_cmd.add_argument("--host", default=DEFAULT_HOST)
    serve_cmd.add_argument("--port", type=int, default=DEFAULT_PORT)
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
        seed.seed_database(url, args.data_dir, force=args.force)
    except seed.AlreadySeededError:
        logger.error("the database is already seeded; pass --force to replace it")
        return 1
    except datasets.DatasetError as exc:
        logger.error("cannot read the data set: %s", exc)
        return 1
    return 0


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    if not 0 < args.port < 65536:
        logger.error("port out of range: %d", args.port)
        return 2
    app = create_app(args.database_url)
    uvicorn.run(app, host=args.host, port=args.port, log_config=None)
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
    return _serve(args)


if __name__ == "__main__":
    sys.exit(main())
