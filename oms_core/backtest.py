"""Replay the real week of baskets through rule sets and compare them.

Each complete invoice of the week file is one order. A UK customer buys at
a store picked by a stable hash of the customer number (or at the chosen
store) and has the order delivered near it; a customer abroad buys at the
store nearest the gateway their goods would leave by (Holyhead for
Ireland, Dover for Europe, Heathrow for the rest). Cancellations, lines
without a customer and codes that are not products are left out.

Nothing is written: each order is planned against the pool as it stands,
less what earlier orders of the replay took, under each rule set in turn.
"""

from __future__ import annotations

import csv
import hashlib
import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Connection, Engine, select

from oms_core import candidates, datasets, geo, sourcing
from oms_core.api_models import LocationKind, SourcingRules
from oms_core.catalogue import is_product_code
from oms_core.db.schema import locations, postcode_districts, products
from oms_core.sourcing import LineNeed

logger = logging.getLogger(__name__)

UK = "United Kingdom"
GATEWAYS = {"EIRE": "LL65", "Japan": "TW6", "Australia": "TW6"}
EUROPE_GATEWAY = "CT16"


@dataclass(frozen=True, slots=True)
class Basket:
    """One invoice: who bought, from where, which SKUs how many."""

    invoice: str
    customer: str
    country: str
    lines: tuple[tuple[str, int], ...]


@dataclass
class Outcome:
    """What one rule set did with the week."""

    name: str
    orders: int = 0
    lines: int = 0
    unfulfillable_lines: int = 0
    shipments: int = 0
    units: int = 0
    units_from_stores: int = 0
    distance_units_km: float = 0.0
    orders_fully_sourced: int = 0
    reasons: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def row(self) -> dict[str, str]:
        """The figures as printed, one per metric."""
        sourced = max(1, self.orders_fully_sourced)
        units = max(1, self.units)
        share = 100 * self.units_from_stores / units
        return {
            "orders": str(self.orders),
            "lines": str(self.lines),
            "shipments per order": f"{self.shipments / sourced:.2f}",
            "mean distance per unit (km)": f"{self.distance_units_km / units:.1f}",
            "share of units from stores": f"{share:.1f} %",
            "unfulfillable lines": str(self.unfulfillable_lines),
        }


def read_baskets(root: Path) -> list[Basket]:
    """The complete invoices of the week file, in invoice order."""
    path = root / datasets.WEEK_FILE
    grouped: dict[str, dict[str, int]] = defaultdict(dict)
    who: dict[str, tuple[str, str]] = {}
    with path.open(newline="", encoding="utf-8", errors="replace") as handle:
        for row in csv.DictReader(handle):
            invoice = row["InvoiceNo"].strip()
            code = row["StockCode"].strip().upper()
            customer = (row.get("CustomerID") or "").strip()
            if invoice.startswith("C") or not customer or not is_product_code(code):
                continue
            try:
                quantity = int(row["Quantity"])
            except ValueError:
                continue
            if quantity <= 0:
                continue
            lines = grouped[invoice]
            lines[code] = lines.get(code, 0) + quantity
            who[invoice] = (customer, row["Country"].strip())
    return [
        Basket(invoice, *who[invoice], tuple(sorted(lines.items())))
        for invoice, lines in sorted(grouped.items())
    ]


def run(
    engine: Engine,
    baskets: list[Basket],
    rule_sets: list[SourcingRules],
    *,
    store_id: str | None = None,
    now: datetime | None = None,
) -> list[Outcome]:
    """Replay ``baskets`` under each rule set; the database is only read."""
    at = now or datetime.now(UTC)
    with engine.connect() as connection:
        places = _places(connection, baskets, store_id)
        known = set(connection.scalars(select(products.c.sku)))
        return [
            _replay(connection, baskets, rules, places, known, at)
            for rules in rule_sets
        ]


def _places(
    connection: Connection, baskets: list[Basket], store_id: str | None
) -> dict[str, geo.Point]:
    rows = connection.execute(
        select(locations.c.id, locations.c.lat, locations.c.lon).where(
            locations.c.kind == LocationKind.STORE.value
        )
    ).all()
    stores = sorted((row.id, geo.Point(row.lat, row.lon)) for row in rows)
    if store_id is not None:
        chosen = dict(stores)[store_id]
        return {basket.invoice: chosen for basket in baskets}
    districts = dict(
        (row.outcode, geo.Point(row.lat, row.lon))
        for row in connection.execute(select(postcode_districts))
    )
    places = {}
    for basket in baskets:
        if basket.country == UK:
            digest = hashlib.blake2b(basket.customer.encode(), digest_size=8).digest()
            places[basket.invoice] = stores[
                int.from_bytes(digest, "big") % len(stores)
            ][1]
        else:
            gate = districts[GATEWAYS.get(basket.country, EUROPE_GATEWAY)]
            places[basket.invoice] = min(
                stores, key=lambda s: geo.haversine_km(gate, s[1])
            )[1]
    return places


def _replay(
    connection: Connection,
    baskets: list[Basket],
    rules: SourcingRules,
    places: dict[str, geo.Point],
    known: set[str],
    now: datetime,
) -> Outcome:
    outcome = Outcome(rules.name)
    taken: dict[tuple[str, str], int] = defaultdict(int)
    for basket in baskets:
        point = places[basket.invoice]
        needs = [
            LineNeed(index, sku, quantity, destination=point)
            for index, (sku, quantity) in enumerate(basket.lines)
            if sku in known
        ]
        if not needs:
            continue
        nodes = candidates.load_nodes(
            connection, {n.sku for n in needs}, point, rules.candidate_limit, (), now
        )
        for node in nodes.values():
            for sku in list(node.atp):
                node.atp[sku] -= taken[(node.id, sku)]
        result = sourcing.plan(rules, needs, nodes, now)

        outcome.orders += 1
        outcome.lines += len(needs)
        outcome.unfulfillable_lines += len(result.refused)
        for refusal in result.refused.values():
            outcome.reasons[refusal.code.value] += 1
        if not result.refused:
            outcome.orders_fully_sourced += 1
            outcome.shipments += result.shipments
        skus = {need.index: need.sku for need in needs}
        for index, picks in result.picks.items():
            sku = skus[index]
            for pick in picks:
                taken[(pick.location_id, sku)] += pick.quantity
                outcome.units += pick.quantity
                outcome.distance_units_km += (pick.distance_km or 0.0) * pick.quantity
                if nodes[pick.location_id].kind is LocationKind.STORE:
                    outcome.units_from_stores += pick.quantity
    logger.info("replayed %d orders under one rule set", outcome.orders)
    return outcome


def table(outcomes: list[Outcome]) -> str:
    """The outcomes side by side, one column per rule set."""
    metrics = list(outcomes[0].row())
    width = max(len(m) for m in metrics) + 2
    columns = [max(len(o.name), 12) + 2 for o in outcomes]
    lines = [
        "".ljust(width)
        + "".join(o.name.rjust(w) for o, w in zip(outcomes, columns, strict=True))
    ]
    for metric in metrics:
        cells = "".join(
            o.row()[metric].rjust(w) for o, w in zip(outcomes, columns, strict=True)
        )
        lines.append(metric.ljust(width) + cells)
    return "\n".join(lines)
