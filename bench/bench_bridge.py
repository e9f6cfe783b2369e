"""A bridge call through the real till: page → Python → page.

    python -m bench.bench_bridge --oms-database PATH [--calls 200]

Builds the app's own till (services on a copy of a seeded bundled engine,
session, window, page and bridge) on qasync, opens the storefront and, in
the page, times ``window.openAisle.addToBasket`` one call after another
with real SKUs from the catalogue week. Each call returns only after the
basket is written to the device database and the basket panel redrawn.
The reference is :mod:`bench.bare_webengine` ``echo``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from bench.common import emit_result, prepare_this_process

# Real SKUs of the catalogue week, sold in the first invoices.
SKUS = (
    "85123A",
    "71053",
    "84406B",
    "84029G",
    "84029E",
    "22752",
    "21730",
    "22633",
    "22632",
    "84879",
)

PAGE_LOOP = """
(async () => {
  const skus = %s;
  const calls = %d;
  await window.openAisle.ready;
  const times = [];
  for (let i = 0; i < calls; i++) {
    const started = performance.now();
    await window.openAisle.addToBasket({sku: skus[i %% skus.length], quantity: 1});
    times.push(performance.now() - started);
  }
  window.__benchTimes = JSON.stringify(times);
})().catch((error) => { window.__benchError = String(error && error.message); });
true
"""


async def _evaluate(page: Any, code: str) -> Any:
    done: asyncio.Future[Any] = asyncio.get_running_loop().create_future()

    def finished(value: Any) -> None:
        if not done.done():
            done.set_result(value)

    page.runJavaScript(code, 0, finished)
    return await done


async def _wait_for(page: Any, expression: str, seconds: float) -> Any:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while loop.time() < deadline:
        value = await _evaluate(page, expression)
        if value:
            return value
        await asyncio.sleep(0.02)
    raise TimeoutError(f"the page never had {expression}")


async def scenario(workdir: Path, oms_database: Path, calls: int) -> dict:
    """Open a till, time ``calls`` adds in the page, close the till."""
    from PySide6.QtWebEngineCore import QWebEngineProfile

    from pos_app.background import BackgroundTasks
    from pos_app.services import open_services
    from pos_app.settings import AppSettings
    from pos_app.till import Till

    services = await open_services(
        AppSettings(),
        device_db=workdir / "device.sqlite3",
        oms_database_url=f"sqlite:///{oms_database}",
    )
    profile = QWebEngineProfile()
    till = Till(services, profile, BackgroundTasks())
    till.window.show()
    try:
        await _wait_for(till.page, "!!window.openAisle", 60)
        await _evaluate(till.page, PAGE_LOOP % (json.dumps(SKUS), calls))
        times = await _wait_for(
            till.page, "window.__benchTimes || window.__benchError", 300
        )
        if not times.startswith("["):
            raise RuntimeError(f"the page failed: {times}")
        panel = till.window.basket_panel._title.text()
    finally:
        await till.shutdown()
        del till
        profile.deleteLater()
        await services.aclose()
    return {"times_ms": json.loads(times), "panel": panel}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--oms-database", type=Path, required=True)
    parser.add_argument("--calls", type=int, default=200)
    args = parser.parse_args()

    prepare_this_process()
    import qasync
    from PySide6.QtCore import QCoreApplication, Qt
    from PySide6.QtWidgets import QApplication

    from pos_app.storefront.scheme import register_storefront_scheme

    QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
    register_storefront_scheme()
    app = QApplication(sys.argv[:1])
    app.setQuitOnLastWindowClosed(False)

    with tempfile.TemporaryDirectory(prefix="openaisle-bench-") as folder:
        workdir = Path(folder)
        copy = workdir / "oms.sqlite3"
        shutil.copyfile(args.oms_database, copy)
        result = qasync.run(scenario(workdir, copy, args.calls))
    emit_result(result)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
