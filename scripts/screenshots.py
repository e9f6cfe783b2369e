"""Photograph the app off screen for the README.

Runs the real app (bundled engine, real data) with a throw-away device
database, browses to a product, adds it to the basket from the page, looks up
stock nearby and saves the window as a PNG::

    .venv/bin/python scripts/screenshots.py docs/screenshot-till.png
    .venv/bin/python scripts/screenshots.py --mode tablet docs/screenshot-tablet.png

``--mode`` photographs the tablet (portrait), kiosk or phone-order window.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import tempfile
from pathlib import Path

from pos_app.main import prepare_qt_environment

logger = logging.getLogger("screenshots")


SIZES = {"tablet": (834, 1194), "kiosk": (1280, 800)}


async def _photograph(
    target: Path, sku: str, database_url: str | None, mode: str = "till"
) -> None:
    from PySide6.QtCore import QUrl
    from PySide6.QtWebEngineCore import QWebEngineProfile
    from PySide6.QtWidgets import QApplication, QScrollArea

    from pos_app.background import BackgroundTasks
    from pos_app.services import open_services
    from pos_app.settings import AppSettings
    from pos_app.theme import apply_theme
    from pos_app.till import Till

    with tempfile.TemporaryDirectory() as scratch:
        services = await open_services(
            AppSettings(mode=mode),
            device_db=Path(scratch) / "device.sqlite3",
            oms_database_url=database_url,
        )
        apply_theme(QApplication.instance(), touch=mode in ("tablet", "kiosk"))
        profile = QWebEngineProfile()
        till = Till(services, profile, BackgroundTasks())
        till.window.resize(*SIZES.get(mode, (1440, 900)))
        till.window.show()
        services.start_sync()

        await _settle(till, 2.0)
        till.view.setUrl(QUrl(f"aisle://shop/product/{sku}"))
        await _settle(till, 2.5)
        await _run_js(till, "document.querySelector('[data-add-button]').click()")
        await _settle(till, 1.0)
        await till.session.add_to_basket("22423", 1)
        # A line this store does not hold: checkout offers it elsewhere.
        await till.session.add_to_basket("22920", 1)
        await till.session.show_product(await till.session.find_product(sku))
        await _settle(till, 2.5)
        if mode == "phone" and till.window.customer_panel is not None:
            panel = till.window.customer_panel
            for key, value in (
                ("name", "Priya Shah"),
                ("phone", "0113 496 0000"),
                ("line1", "2 Park Row"),
                ("city", "Leeds"),
                ("postcode", "LS1 5HD"),
            ):
                panel.fields[key].setText(value)
            panel.notes.setPlainText("Please call before delivery")
        if mode == "kiosk":
            # The customer's panel first, then the hand-over code it leads to.
            await _settle(till, 1.0)
            till.window.grab().save(str(target))
            await till.modes.hand_over_basket()
            await _settle(till, 0.5)
            till.modes.hand_over.grab().save(
                str(target.with_name(target.stem + "-code.png"))
            )
        else:
            # The basket and its promise per line, above the checkout.
            side = till.window.findChild(QScrollArea, "sideScroll")
            promise = till.window.promise_panel
            if mode != "phone" and side is not None and promise is not None:
                side.ensureWidgetVisible(promise, 0, 0)
                await _settle(till, 0.3)
            till.window.grab().save(str(target))
        logger.info("Saved %s", target)
        await till.shutdown()
        await services.aclose()
        del till
        profile.deleteLater()


async def _settle(till, seconds: float) -> None:
    await asyncio.sleep(seconds)


async def _run_js(till, code: str) -> None:
    done = asyncio.get_running_loop().create_future()
    till.page.runJavaScript(code, 0, lambda result: done.set_result(result))
    await asyncio.wait_for(done, 5)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("target", type=Path)
    parser.add_argument("--sku", default="85123A")
    parser.add_argument("--oms-database-url")
    parser.add_argument(
        "--mode", choices=["till", "tablet", "kiosk", "phone"], default="till"
    )
    args = parser.parse_args()
    logging.basicConfig(
        level=logging.INFO, format="%(levelname)s %(name)s: %(message)s"
    )
    logging.getLogger("httpx").setLevel(logging.WARNING)
    prepare_qt_environment()

    import qasync
    from PySide6.QtCore import QCoreApplication, Qt
    from PySide6.QtWidgets import QApplication

    from pos_app.storefront.scheme import register_storefront_scheme

    QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
    register_storefront_scheme()
    QApplication(sys.argv[:1]).setQuitOnLastWindowClosed(False)
    qasync.run(_photograph(args.target, args.sku, args.oms_database_url, args.mode))
    return 0


if __name__ == "__main__":
    sys.exit(main())
