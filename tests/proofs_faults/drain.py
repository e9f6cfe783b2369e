"""Run sync workers until the outbox has nothing pending."""

from __future__ import annotations

import asyncio
import time

from offline_store import AsyncDeviceStore, OutboxState, SyncWorker


async def drain(
    store: AsyncDeviceStore, *workers: SyncWorker, timeout: float = 60.0
) -> float:
    """Run ``workers`` until no row is pending; return the seconds it took."""
    started = time.monotonic()
    tasks = [asyncio.create_task(worker.run()) for worker in workers]
    try:
        while time.monotonic() - started < timeout:
            summary = await store.outbox_summary()
            if summary[OutboxState.PENDING] == 0:
                break
            await asyncio.sleep(0.05)
        else:
            raise TimeoutError(f"the outbox did not drain in {timeout} s: {summary}")
    finally:
        for worker in workers:
            worker.stop()
        await asyncio.gather(*tasks)
    return time.monotonic() - started
