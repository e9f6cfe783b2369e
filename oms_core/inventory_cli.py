"""``openaisle-oms`` commands of the inventory network.

openaisle-oms location state ID open|dark|closed [--reason TEXT]
openaisle-oms rules load FILE [--scope default|LOCATION|channel:NAME]
openaisle-oms backtest --rules FILE [--rules FILE] [--store ID]
openaisle-oms holds expire
"""

from __future__ import annotations

import argparse
import logging
import sys
from datetime import UTC, datetime
from pathlib import Path

from oms_core import backtest, datasets, holds, lift_shift, rule_sets
from oms_core.api_models import LocationState, LocationStateChange
from oms_core.app import default_database_url
from oms_core.db.engine import WRITE, make_engine
from oms_core.errors import EngineError
from oms_core.migrations import upgrade

logger = logging.getLogger(__name__)

COMMANDS = ("location", "rules", "backtest", "holds")


def add_inventory_commands(commands: argparse._SubParsersAction) -> None:
    """Add the inventory commands to ``openaisle-oms``."""
    location = commands.add_parser("location", help="lift and shift a location")
    # Before or after the action, as with ``token``.
    location.add_argument("--database-url", default=None, help="SQLAlchemy URL")
    location_cmds = location.add_subparsers(dest="location_command", required=True)
    state = location_cmds.add_parser("state", help="open, dark or closed")
    state.add_argument("location_id")
    state.add_argument("state", choices=[s.value for s in LocationState])
    state.add_argument("--reason", default="", help="why (kept in the event)")
    state.add_argument(
        "--database-url", default=argparse.SUPPRESS, help="SQLAlchemy URL"
    )

    rules = commands.add_parser("rules", help="sourcing rule sets")
    rules.add_argument("--database-url", default=None, help="SQLAlchemy URL")
    rules_cmds = rules.add_subparsers(dest="rules_command", required=True)
    load = rules_cmds.add_parser("load", help="store a YAML or JSON rule set")
    load.add_argument("file", type=Path)
    load.add_argument("--scope", default=rule_sets.DEFAULT_SCOPE)
    load.add_argument(
        "--database-url", default=argparse.SUPPRESS, help="SQLAlchemy URL"
    )

    test = commands.add_parser("backtest", help="replay the real week of baskets")
    test.add_argument(
        "--rules", type=Path, action="append", required=True, help="rule set file"
    )
    test.add_argument("--store", default=None, help="sell every basket here")
    test.add_argument("--database-url", default=None, help="SQLAlchemy URL")
    test.add_argument("--data-dir", default=None, help="the real data folder")

    hold = commands.add_parser("holds", help="basket holds")
    hold.add_argument("--database-url", default=None, help="SQLAlchemy URL")
    hold_cmds = hold.add_subparsers(dest="holds_command", required=True)
    expire = hold_cmds.add_parser("expire", help="expire holds past their time")
    expire.add_argument(
        "--database-url", default=argparse.SUPPRESS, help="SQLAlchemy URL"
    )


def run_inventory_command(args: argparse.Namespace) -> int:
    """Run one of :data:`COMMANDS`; returns the exit status."""
    url = args.database_url or default_database_url()
    engine = make_engine(url)
    try:
        upgrade(engine)
        if args.command == "backtest":
            return _backtest(engine, args)
        with engine.connect().execution_options(**WRITE) as connection:
            with connection.begin():
                return _write_command(connection, args)
    except EngineError as exc:
        logger.error("refused: %s", exc.message)
        return 1
    finally:
        engine.dispose()


def _write_command(connection, args: argparse.Namespace) -> int:
    now = datetime.now(UTC)
    if args.command == "location":
        change = LocationStateChange(
            state=LocationState(args.state), reason=args.reason
        )
        result = lift_shift.set_state(connection, args.location_id, change, now)
        sys.stdout.write(
            f"{args.location_id}: {result.previous_state.value} -> "
            f"{result.location.state.value}; {result.resourced_lines} order lines "
            f"re-sourced, {result.unsourced_lines} could not be\n"
        )
        return 0
    if args.command == "rules":
        rules = rule_sets.parse_rules(_read(args.file))
        stored = rule_sets.store(connection, args.scope, rules, now)
        sys.stdout.write(f"{stored.scope}: version {stored.version}\n")
        return 0
    ended = holds.expire_due(connection, now)
    sys.stdout.write(f"{ended} holds expired\n")
    return 0


def _backtest(engine, args: argparse.Namespace) -> int:
    rules = [rule_sets.parse_rules(_read(path)) for path in args.rules]
    baskets = backtest.read_baskets(datasets.data_dir(args.data_dir))
    outcomes = backtest.run(engine, baskets, rules, store_id=args.store)
    sys.stdout.write(backtest.table(outcomes) + "\n")
    return 0


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise EngineError(
            400, rule_sets.ErrorCode.INVALID_RULE_SET, f"cannot read {path.name}"
        ) from exc
