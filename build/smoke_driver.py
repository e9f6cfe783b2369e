"""``openaisle-smoke``: drive the packaged app through one sale, off screen.

Frozen next to ``openaisle`` in the same folder, so it runs the very
modules, Qt plugins, QtWebEngine process and data that the app ships with.
It starts the bundled engine (seeding it on first run), opens the real till
window on the storefront, opens a product page, presses the page's own
"Add to basket" button, submits the basket and waits until the bundled
engine has accepted the order. What it saw goes to a JSON report; the exit
status is 0 only when every step passed.

openaisle-smoke --workdir DIR --report FILE [--timeout SECONDS]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import sys
import time
from pathlib import Path
from typing import Any

logger = logging.getLogger("openaisle.smoke")

STEP_TIMEOUT = 60.0


def _arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="openaisle-smoke")
    parser.add_argument("--workdir", type=Path, required=True)
    parser.add_argument("--report", type=Path, required=True)
    parser.add_argument("--timeout", type=float, default=STEP_TIMEOUT)
    return parser.parse_args(argv)


async def _until(check, what: str, timeout: float) -> Any:
    """Poll ``check`` (a coroutine function) until it answers truthy."""
    deadline = time.monotonic() + timeout
    while True:
        value = await check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out waiting for {what}")
        await asyncio.sleep(0.2)


async def _run_js(page, code: str) -> Any:
    done = asyncio.get_running_loop().create_future()
    page.runJavaScript(code, 0, lambda value: done.done() or done.set_result(value))
    return await done


async def _load(page, url: str, timeout: float) -> None:
    from PySide6.QtCore import QUrl

    done = asyncio.get_running_loop().create_future()

    def finished(ok: bool) -> None:
        if not done.done():
            done.set_result(ok)

    page.loadFinished.connect(finished)
    try:
        page.setUrl(QUrl(url))
        if not await asyncio.wait_for(done, timeout):
            raise RuntimeError(f"the page {url} did not load")
    finally:
        page.loadFinished.disconnect(finished)


async def _sale(args: argparse.Namespace, report: dict[str, Any]) -> None:
    from PySide6.QtWebEngineCore import QWebEngineProfile
    from PySide6.QtWidgets import QApplication

    from pos_app.background import BackgroundTasks
    from pos_app.renderer_guard import RendererGuard
    from pos_app.services import open_services
    from pos_app.settings import AppSettings
    from pos_app.theme import apply_theme
    from pos_app.till import Till

    started = time.monotonic()
    settings = AppSettings()
    services = await open_services(
        settings,
        device_db=args.workdir / "device" / "device.sqlite3",
        oms_database_url=f"sqlite:///{args.workdir / 'engine' / 'oms.sqlite3'}",
    )
    report["engine_ready_s"] = round(time.monotonic() - started, 1)
    report["store"] = services.home.id

    apply_theme(QApplication.instance())
    profile = QWebEngineProfile()
    till = Till(services, profile, BackgroundTasks())
    guard = RendererGuard(till.page, till.window)
    till.window.show()
    services.start_sync()
    try:
        await _drive(till, guard, args, report)
    finally:
        await till.shutdown()
        del till
        profile.deleteLater()
        await services.aclose()


async def _drive(till, guard, args, report) -> None:
    from oms_client.models import Address, DeliverFulfilment

    page, session, store = till.page, till.session, till.services.store

    await _load(page, "aisle://shop/", args.timeout)
    cards = await _run_js(
        page, "document.querySelectorAll('a[href*=\"/product/\"]').length"
    )
    report["storefront_product_links"] = cards
    if not cards:
        raise RuntimeError("the storefront shows no products")
    if guard.exit_code:
        raise RuntimeError("the renderer failed")

    href = await _run_js(page, "document.querySelector('a[href*=\"/product/\"]').href")
    await _load(page, href, args.timeout)
    report["product_page"] = href
    await _until(lambda: _run_js(page, "Boolean(window.openAisle)"), "the page API", 20)
    await _run_js(page, "document.querySelector('[data-add-button]').click()")

    async def basket_lines():
        return (await session.basket()).lines

    lines = await _until(basket_lines, "the basket line", args.timeout)
    report["basket"] = [[line.sku, line.quantity] for line in lines]

    # Delivered to the store's own postcode: any location with stock may
    # fulfil it, so the sale does not depend on this one store's shelf.
    order_id = await session.submit(
        DeliverFulfilment(
            address=Address(
                name="Packaged app check",
                line1="1 Till Lane",
                city="Leeds",
                postcode=session.home.postcode or "LS1",
            )
        )
    )
    report["order_id"] = str(order_id)

    async def answered():
        entry = await store.get_entry(order_id)
        return str(entry.state) in ("accepted", "parked") and entry

    entry = await _until(answered, "the engine's answer", args.timeout)
    report["outbox_state"] = str(entry.state)
    if str(entry.state) != "accepted":
        raise RuntimeError(f"the engine refused the order: {entry.last_error}")
    order = await till.services.client.get_order(order_id)
    report["engine_order_lines"] = [[line.sku, line.quantity] for line in order.lines]
    report["passed"] = True


def _keyring_backends() -> list[str]:
    """The keyring backends the package declares (they load through these)."""
    from importlib.metadata import entry_points

    return sorted(entry.name for entry in entry_points(group="keyring.backends"))


def main(argv: list[str] | None = None) -> int:
    """Run the sale and write the report; 0 when it passed."""
    args = _arguments(sys.argv[1:] if argv is None else argv)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    os.environ["OPENAISLE_CONFIG_DIR"] = str(args.workdir / "config")

    from pos_app.main import prepare_qt_environment

    report: dict[str, Any] = {"passed": False, "notes": prepare_qt_environment()}
    report["keyring_backends"] = _keyring_backends()
    for note in report["notes"]:
        logger.warning("%s", note)

    import qasync
    from PySide6.QtCore import QCoreApplication, Qt
    from PySide6.QtWidgets import QApplication

    from pos_app.storefront.scheme import register_storefront_scheme

    QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
    register_storefront_scheme()
    app = QApplication(sys.argv[:1])
    app.setQuitOnLastWindowClosed(False)

    async def run() -> None:
        try:
            await _sale(args, report)
        except Exception as exc:
            logger.exception("the packaged sale failed")
            report["error"] = f"{type(exc).__name__}: {exc}"

    qasync.run(run())
    args.report.write_text(json.dumps(report, indent=2), encoding="utf-8")
    return 0 if report["passed"] else 1


if __name__ == "__main__":
    sys.exit(main())
