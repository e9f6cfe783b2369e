"""What must hold on the device after every kill, and at the engine at the end."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, func, select

from offline_store import DeviceStore, OutboxEntry, OutboxState
from oms_core.db.schema import stock
from tests.proofs_crash.crash_child import lines_of


def read_journal(path: Path) -> list[dict[str, Any]]:
    """The journal's complete lines (a line cut by the kill is not confirmed)."""
    if not path.exists():
        return []
    entries = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            entries.append(json.loads(line))
        except json.JSONDecodeError:
            continue
    return entries


def payload_lines(entry: OutboxEntry) -> list[tuple[str, int]]:
    return sorted((line["sku"], line["quantity"]) for line in entry.payload["lines"])


def check_device(db_path: Path, journal: Path, seed: int) -> list[OutboxEntry]:
    """Assert the device kept every confirmed edit and submit; return the outbox."""
    store = DeviceStore(db_path)
    try:
        outbox = store.entries()
        basket = store.current_basket()
        baskets = [store.basket_for_order(entry.order_id) for entry in outbox]
    finally:
        store.close()

    for number, (entry, closed) in enumerate(zip(outbox, baskets, strict=True)):
        expected = sorted(lines_of(seed, number))
        assert payload_lines(entry) == expected, f"order {number} payload"
        assert closed is not None, f"order {number} lost its basket"
        assert sorted((ln.sku, ln.quantity) for ln in closed.lines) == expected
        if entry.state is OutboxState.ACCEPTED:
            assert entry.answer["id"] == str(entry.order_id)
        assert entry.state is not OutboxState.PARKED, entry.last_error

    open_lines = {line.sku: line.quantity for line in basket.lines}
    allowed = dict(lines_of(seed, len(outbox)))
    for sku, quantity in open_lines.items():
        assert allowed.get(sku) == quantity, f"open basket holds {sku} x{quantity}"

    for event in read_journal(journal):
        if event["event"] == "submit":
            assert outbox[event["order"]].order_id == uuid.UUID(event["order_id"])
        elif event["event"] == "edit" and event["order"] >= len(outbox):
            assert event["order"] == len(outbox)
            assert open_lines.get(event["sku"]) == event["quantity"], event
    return outbox


def reserved_units(database_url: str) -> int:
    """Units reserved across the engine's whole stock pool."""
    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            return int(
                conn.scalar(select(func.coalesce(func.sum(stock.c.reserved), 0)))
            )
    finally:
        engine.dispose()
