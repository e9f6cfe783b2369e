"""Secrets and personal data stay out of logs and files.

Given a sale with a customer's name, email, phone and delivery address,
queued on a device and sent by the sync worker to the engine, when every
logger of the app and the engine runs at DEBUG, then no log line carries
any of those details; and the served engine keeps a device token only as
its digest, never writing the token to its log or its database file.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI

from offline_store import AsyncDeviceStore, DeviceStore, OutboxState, SyncWorker
from oms_client import OmsClient, OmsRejected
from oms_client.models import OrderRequest
from oms_core.device_tokens import token_digest
from pos_app.order_sync import engine_sender
from tests.proofs_faults.drain import drain
from tests.support_faults.engine_process import EngineProcess
from tests.support_faults.orders import delivery_payload

# Markers that cannot occur by chance in a log line.
CUSTOMER = {
    "name": "Ottoline Quarrington-Vex",
    "email": "ottoline.qv@example.org",
    "phone": "+44 7700 900123",
}
ADDRESS = {
    "name": "Ottoline Quarrington-Vex",
    "line1": "17 Zephyrine Wynd",
    "city": "Leeds",
    "postcode": "LS1 6HB",
}
PERSONAL = [*CUSTOMER.values(), ADDRESS["line1"], "Quarrington", "900123"]


class _Everything(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))
        if record.exc_info:
            self.lines.append(logging.Formatter().formatException(record.exc_info))


@pytest.fixture
def every_log_line() -> Iterator[list[str]]:
    root = logging.getLogger()
    handler = _Everything()
    handler.setFormatter(logging.Formatter("%(name)s %(message)s %(args)s"))
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield handler.lines
    finally:
        root.setLevel(level)
        root.removeHandler(handler)


def personal_payload() -> dict[str, object]:
    payload = delivery_payload([("85123A", 1), ("84879", 2)])
    payload["customer"] = CUSTOMER
    for line in payload["lines"]:
        line["fulfilment"]["address"].update(ADDRESS)
    return payload


async def test_a_sale_with_a_customer_logs_no_personal_data(
    engine_app: FastAPI, tmp_path: Path, every_log_line: list[str]
) -> None:
    device = AsyncDeviceStore(DeviceStore(tmp_path / "device.sqlite3"))
    await device.add_item("85123A", "WHITE HANGING HEART T-LIGHT HOLDER", 255, "GBP")
    order_id = uuid.uuid4()
    await device.submit_basket(order_id, personal_payload())

    async with OmsClient.in_process(engine_app) as client:
        worker = SyncWorker(device, engine_sender(client), base_delay=0.01)
        await drain(device, worker, timeout=30)
        order = await client.get_order(order_id)
    entry = await device.get_entry(order_id)
    await device.aclose()

    assert entry.state is OutboxState.ACCEPTED, entry.last_error
    assert order.id == order_id
    assert len(every_log_line) > 5
    leaks = [line for line in every_log_line if any(p in line for p in PERSONAL)]
    assert leaks == []


async def test_the_engine_keeps_only_the_digest_of_a_device_token(
    engine_db_template: Path, tmp_path: Path
) -> None:
    with EngineProcess(engine_db_template, tmp_path / "engine") as server:
        async with OmsClient.remote(server.url, token=server.token) as client:
            await client.get_location("store-0000")
        async with OmsClient.remote(server.url, token=server.token + "x") as wrong:
            with pytest.raises(OmsRejected) as refused:
                await wrong.create_order(
                    uuid.uuid4(), OrderRequest.model_validate(personal_payload())
                )
        log = server.log()

    database = server.db_path.read_bytes()
    wal = server.db_path.with_name(server.db_path.name + "-wal")
    files = database + (wal.read_bytes() if wal.exists() else b"")
    assert "store-0000" in log
    assert server.token not in log
    assert server.token.encode() not in files
    assert token_digest(server.token).encode() in files
    assert refused.value.status == 401
    assert not any(p in log for p in PERSONAL)
