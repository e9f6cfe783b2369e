"""``/v1/sourcing`` and ``/v1/quotes``: rule sets as data, quotes with traces."""

from __future__ import annotations

import logging
import uuid
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query

from oms_core import order_sourcing, quotes, rule_sets
from oms_core.api_models import (
    ApiError,
    ErrorCode,
    Quote,
    QuoteRequest,
    RuleSet,
    SourcingRules,
    TraceEntry,
)
from oms_core.deps import DbEngine, ReadConnection
from oms_core.device_access import require_admin
from oms_core.errors import not_found
from oms_core.routes.writes import write_transaction

logger = logging.getLogger(__name__)

router = APIRouter(tags=["sourcing"])

ScopePath = Annotated[str, Path(min_length=1, max_length=80)]


@router.put(
    "/v1/sourcing/rules/{scope}",
    response_model=RuleSet,
    responses={403: {"model": ApiError}, 422: {"model": ApiError}},
    dependencies=[Depends(require_admin)],
)
def store_rules(engine: DbEngine, scope: ScopePath, body: SourcingRules) -> RuleSet:
    """Store a rule set for a scope as its newest version."""
    rule_sets.check_scope(scope)
    with write_transaction(engine) as connection:
        return rule_sets.store(connection, scope, body, datetime.now(UTC))


@router.get(
    "/v1/sourcing/rules/{scope}",
    response_model=RuleSet,
    responses={404: {"model": ApiError}},
)
def get_rules(
    connection: ReadConnection,
    scope: ScopePath,
    version: Annotated[int | None, Query(ge=1)] = None,
) -> RuleSet:
    """The newest (or a given) version of a scope's rule set."""
    rule_sets.check_scope(scope)
    found = rule_sets.latest(connection, scope, version)
    if found is None:
        raise not_found(ErrorCode.NOT_FOUND, "no such rule set", scope=scope)
    return found


@router.post(
    "/v1/quotes",
    response_model=Quote,
    status_code=201,
    responses={422: {"model": ApiError}},
)
def create_quote(engine: DbEngine, body: QuoteRequest) -> Quote:
    """Where each line would come from, how and when; nothing is reserved."""
    with write_transaction(engine) as connection:
        return quotes.create(connection, body, datetime.now(UTC))


@router.get(
    "/v1/orders/{order_id}/sourcing",
    response_model=list[TraceEntry],
    responses={404: {"model": ApiError}},
)
def order_trace(
    connection: ReadConnection, order_id: Annotated[uuid.UUID, Path()]
) -> list[TraceEntry]:
    """The trace kept with an order: why each candidate was taken or not."""
    trace = order_sourcing.trace_of(connection, order_id)
    if trace is None:
        raise not_found(ErrorCode.NOT_FOUND, "no such order", order_id=str(order_id))
    return trace
