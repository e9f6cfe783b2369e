"""The service commands of ``openaisle-oms``: ``serve`` and ``token``.

openaisle-oms serve [--config FILE] [--database-url URL] [--host H]
                    [--port P] [--workers N] [--auth device_tokens|none]
openaisle-oms token issue --store ID --role till|kiosk|admin [--label TEXT]
openaisle-oms token revoke TOKEN_ID
openaisle-oms token list [--store ID]

``token issue`` prints the new token once, on standard output, and nothing
else there, so it can be piped straight into the device's enrolment.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import uuid
from pathlib import Path
from typing import Any

from oms_core.device_tokens import DeviceRole, TokenError

logger = logging.getLogger(__name__)

APP_FACTORY = "oms_core.service_app:app_from_environment"


def add_service_commands(commands: Any) -> None:
    """Add ``serve`` and ``token`` to the ``openaisle-oms`` sub-commands."""
    serve = commands.add_parser("serve", help="serve the HTTP API (uvicorn)")
    serve.add_argument("--config", type=Path, help="settings file (.toml or .yaml)")
    serve.add_argument("--database-url", help="SQLAlchemy URL")
    serve.add_argument("--host", help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port (default 8700)")
    serve.add_argument("--workers", type=int, help="worker processes (default 1)")
    serve.add_argument(
        "--auth",
        choices=["device_tokens", "none"],
        help="device_tokens (default) or none: an open API, for one trusted machine",
    )

    token = commands.add_parser("token", help="issue, revoke or list device tokens")
    token.add_argument("--config", type=Path, help="settings file (.toml or .yaml)")
    token.add_argument("--database-url", help="SQLAlchemy URL")
    actions = token.add_subparsers(dest="action", required=True)
    issue = actions.add_parser("issue", help="issue a token for one device")
    issue.add_argument(
        "--store", required=True, help="the device's store (an admin: any location)"
    )
    issue.add_argument("--role", required=True, choices=[r.value for r in DeviceRole])
    issue.add_argument("--label", default="", help="e.g. till 2, front door kiosk")
    revoke = actions.add_parser("revoke", help="revoke a token by its id")
    revoke.add_argument("token_id", type=uuid.UUID)
    listing = actions.add_parser("list", help="list tokens (never the tokens)")
    listing.add_argument("--store", help="only this store's tokens")
    # The database may be named before or after the action, as people type it.
    for action in (issue, revoke, listing):
        action.add_argument(
            "--config", type=Path, default=argparse.SUPPRESS, help="settings file"
        )
        action.add_argument(
            "--database-url", default=argparse.SUPPRESS, help="SQLAlchemy URL"
        )


def run_service_command(args: argparse.Namespace) -> int:
    """Run ``serve`` or ``token``; returns the exit status."""
    from oms_core.service_settings import SettingsError, load_service_settings

    overrides = {"database_url": args.database_url}
    if args.command == "serve":
        overrides |= {
            "host": args.host,
            "port": args.port,
            "workers": args.workers,
            "auth": args.auth,
        }
    try:
        settings = load_service_settings(args.config, overrides=overrides)
    except SettingsError as exc:
        logger.error("%s", exc)
        return 2

    if args.command == "serve":
        return _serve(settings)
    return _token(args, settings.database_url)


def _serve(settings: Any) -> int:
    import uvicorn

    from oms_core.service_logging import configure_logging
    from oms_core.service_settings import to_environment

    configure_logging(settings.log_format, settings.log_level)
    # Every worker builds its app from the environment, so it gets exactly
    # these settings, the command line's included.
    os.environ.update(to_environment(settings))
    logger.info(
        "serving on %s:%d with %d worker(s)",
        settings.host,
        settings.port,
        settings.workers,
    )
    uvicorn.run(
        APP_FACTORY,
        factory=True,
        host=settings.host,
        port=settings.port,
        workers=settings.workers,
        log_config=None,
        access_log=False,
    )
    return 0


def _token(args: argparse.Namespace, database_url: str | None) -> int:
    from oms_core import device_tokens
    from oms_core.app import default_database_url
    from oms_core.db.engine import make_engine
    from oms_core.migrations import upgrade

    engine = make_engine(database_url or default_database_url())
    try:
        upgrade(engine)
        if args.action == "issue":
            token, token_id = device_tokens.issue_token(
                engine, args.store, DeviceRole(args.role), args.label
            )
            logger.info(
                "token id %s (revoke with: token revoke %s)", token_id, token_id
            )
            sys.stdout.write(token + "\n")
            return 0
        if args.action == "revoke":
            if device_tokens.revoke_token(engine, args.token_id):
                return 0
            logger.error("no active token with id %s", args.token_id)
            return 1
        for record in device_tokens.list_tokens(engine, args.store):
            state = "revoked" if record.revoked_at else "active"
            sys.stdout.write(
                f"{record.id}\t{record.store_id}\t{record.role}\t{state}\t"
                f"{record.issued_at.isoformat()}\t{record.label}\n"
            )
        return 0
    except TokenError as exc:
        logger.error("%s", exc)
        return 1
    finally:
        engine.dispose()
