"""Real baskets from the catalogue's week of invoices, for store tests."""

from __future__ import annotations

import csv
import functools
import uuid
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from offline_store import DeviceStore
from tests.unit.offline_store_unit.fakes import FakeClock

WEEK_FILE = "catalog/online_retail_2010-12-01_to_2010-12-07.csv"
NON_PRODUCT_CODES = {"POST", "D", "M", "C2", "BANK CHARGES", "AMAZONFEE", "S", "DOT"}


@dataclass(frozen=True)
class RealLine:
    """One line of a real invoice, price in pence."""

    sku: str
    name: str
    quantity: int
    unit_price: int


@functools.cache
def real_invoices(data_dir: Path) -> dict[str, tuple[RealLine, ...]]:
    """Complete sales invoices of the week, first line of each SKU kept."""
    invoices: dict[str, dict[str, RealLine]] = {}
    with (data_dir / WEEK_FILE).open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            invoice = row["InvoiceNo"]
            quantity = int(row["Quantity"])
            if invoice.startswith("C") or quantity <= 0:
                continue
            if row["StockCode"] in NON_PRODUCT_CODES:
                continue
            pence = Decimal(row["UnitPrice"]) * 100
            if pence != pence.to_integral_value() or pence <= 0:
                continue
            line = RealLine(
                sku=row["StockCode"],
                name=row["Description"].strip() or row["StockCode"],
                quantity=min(quantity, 9_999),
                unit_price=int(pence),
            )
            invoices.setdefault(invoice, {}).setdefault(line.sku, line)
    return {key: tuple(lines.values()) for key, lines in invoices.items()}


def real_basket(data_dir: Path, invoice: str) -> tuple[RealLine, ...]:
    """The lines of one real invoice."""
    return real_invoices(data_dir)[invoice]


def some_invoices(data_dir: Path, count: int, *, min_lines: int = 2) -> list[str]:
    """The first ``count`` invoice numbers with at least ``min_lines`` lines."""
    chosen = [k for k, v in real_invoices(data_dir).items() if len(v) >= min_lines]
    return chosen[:count]


def fill_basket(store: DeviceStore, shared_data: Path, invoice: str) -> None:
    for line in real_basket(shared_data, invoice):
        store.add_item(line.sku, line.name, line.unit_price, "GBP", line.quantity)


def order_payload(store: DeviceStore) -> dict[str, object]:
    basket = store.current_basket()
    return {
        "selling_location_id": "store-0001",
        "lines": [
            {
                "sku": line.sku,
                "quantity": line.quantity,
                "fulfilment": {"method": "collect", "location_id": "store-0001"},
            }
            for line in basket.lines
        ],
    }


def queue_orders(
    store: DeviceStore, clock: FakeClock, shared_data: Path, count: int
) -> list[uuid.UUID]:
    """Submit ``count`` real baskets, one second apart, oldest first."""
    order_ids = []
    for invoice in some_invoices(shared_data, count):
        fill_basket(store, shared_data, invoice)
        order_id = uuid.uuid4()
        store.submit_basket(order_id, order_payload(store))
        order_ids.append(order_id)
        clock.advance(1)
    return order_ids
