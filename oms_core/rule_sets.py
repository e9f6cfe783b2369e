"""Sourcing rule sets: read from JSON or YAML, validated, stored by version.

A rule set applies to a *scope*: a selling location id, a channel
(``channel:kiosk``) or ``default``. Storing a rule set for a scope adds a
version (the same content twice adds none); an order uses the newest
version of the most specific scope, and records which one it used.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from dataclasses import dataclass
from datetime import datetime

import yaml
from pydantic import ValidationError
from sqlalchemy import Connection, func, select

from oms_core.api_models import (
    RULE_SCOPE_PATTERN,
    ErrorCode,
    RuleSet,
    SourcingRules,
)
from oms_core.db.inventory_schema import rule_sets
from oms_core.errors import invalid

logger = logging.getLogger(__name__)

BUILT_IN_SCOPE = "built-in"
BUILT_IN = SourcingRules(name="built-in")
DEFAULT_SCOPE = "default"
MAX_RULES_BYTES = 64 * 1024
_MAX_LISTED = 5


@dataclass(frozen=True, slots=True)
class Resolved:
    """The rule set an order or quote runs under."""

    scope: str
    version: int
    rules: SourcingRules


def parse_rules(text: str) -> SourcingRules:
    """A rule set from JSON or YAML text; refusals name every bad field."""
    if len(text.encode()) > MAX_RULES_BYTES:
        raise invalid(ErrorCode.INVALID_RULE_SET, "the rule set is too large")
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise invalid(
            ErrorCode.INVALID_RULE_SET, f"not valid YAML or JSON{where}"
        ) from exc
    if not isinstance(data, dict):
        raise invalid(ErrorCode.INVALID_RULE_SET, "a rule set is a mapping of fields")
    return validate_rules(data)


def validate_rules(data: object) -> SourcingRules:
    """A rule set from already parsed data."""
    try:
        return SourcingRules.model_validate(data)
    except ValidationError as exc:
        problems = [
            f"{'.'.join(str(p) for p in error['loc'])}: {error['msg']}"
            for error in exc.errors()
        ]
        raise invalid(
            ErrorCode.INVALID_RULE_SET,
            "invalid rule set: " + "; ".join(problems[:_MAX_LISTED]),
            errors=problems,
        ) from exc


def check_scope(scope: str) -> str:
    """``scope`` if it is a valid scope name."""
    if not re.match(RULE_SCOPE_PATTERN, scope):
        raise invalid(
            ErrorCode.INVALID_RULE_SET,
            "a scope is 'default', a location id or 'channel:<name>'",
            scope=scope,
        )
    return scope


def digest_of(rules: SourcingRules) -> str:
    """SHA-256 of the rule set's canonical JSON."""
    canonical = json.dumps(
        rules.model_dump(mode="json"), sort_keys=True, separators=(",", ":")
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def store(
    connection: Connection, scope: str, rules: SourcingRules, now: datetime
) -> RuleSet:
    """Add ``rules`` as the newest version of ``scope`` (unless unchanged)."""
    check_scope(scope)
    newest = latest(connection, scope)
    digest = digest_of(rules)
    if newest is not None and newest.digest == digest:
        return newest

    version = (newest.version if newest else 0) + 1
    connection.execute(
        rule_sets.insert(),
        {
            "scope": scope,
            "version": version,
            "digest": digest,
            "body": rules.model_dump_json(),
            "created_at": now,
        },
    )
    logger.info("rule set stored as version %d", version)
    return RuleSet(
        scope=scope, version=version, digest=digest, created_at=now, rules=rules
    )


def latest(
    connection: Connection, scope: str, version: int | None = None
) -> RuleSet | None:
    """The newest (or the given) version of ``scope``, or None."""
    statement = select(rule_sets).where(rule_sets.c.scope == scope)
    if version is None:
        newest = (
            select(func.max(rule_sets.c.version))
            .where(rule_sets.c.scope == scope)
            .scalar_subquery()
        )
        statement = statement.where(rule_sets.c.version == newest)
    else:
        statement = statement.where(rule_sets.c.version == version)
    row = connection.execute(statement).first()
    if row is None:
        return None
    return RuleSet(
        scope=row.scope,
        version=row.version,
        digest=row.digest,
        created_at=row.created_at,
        rules=SourcingRules.model_validate_json(row.body),
    )


def resolve(
    connection: Connection, selling_location_id: str, channel: str | None
) -> Resolved:
    """The rules for a sale: the selling location's, the channel's, default."""
    scopes = [selling_location_id]
    if channel:
        scopes.append(f"channel:{channel}")
    scopes.append(DEFAULT_SCOPE)
    for scope in scopes:
        found = latest(connection, scope)
        if found is not None:
            return Resolved(found.scope, found.version, found.rules)
    return Resolved(BUILT_IN_SCOPE, 0, BUILT_IN)
