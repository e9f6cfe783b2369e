"""Test support: the real catalogue and store network as storefront data.

The catalogue week file keeps its dirt (cancellations, postage and fee
codes, zero prices, several descriptions per SKU); the parser keeps only
sold products, with their most frequent description and price, best
sellers first.
"""

from __future__ import annotations

import csv
import json
import math
import re
from collections import Counter, defaultdict
from decimal import Decimal, InvalidOperation
from pathlib import Path

from pos_app.storefront.catalogue import StoreProduct

CATALOGUE_WEEK = Path("catalog") / "online_retail_2010-12-01_to_2010-12-07.csv"
STORES = Path("stores") / "tesco_uk_stores.csv"
_PRODUCT_CODE = re.compile(r"^\d{5}[A-Za-z]{0,2}$")


def _pence(text: str) -> int | None:
    try:
        pence = Decimal(text) * 100
    except InvalidOperation:
        return None
    if pence <= 0 or pence != pence.to_integral_value():
        return None
    return int(pence)


def load_real_products(data_dir: Path) -> list[StoreProduct]:
    """Products sold in the real week, most units sold first."""
    sold: Counter[str] = Counter()
    names: defaultdict[str, Counter[str]] = defaultdict(Counter)
    prices: defaultdict[str, Counter[int]] = defaultdict(Counter)

    with (data_dir / CATALOGUE_WEEK).open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            code = row["StockCode"]
            if row["InvoiceNo"].startswith("C") or not _PRODUCT_CODE.match(code):
                continue
            quantity = int(row["Quantity"])
            pence = _pence(row["UnitPrice"])
            name = row["Description"].strip()
            if quantity <= 0 or pence is None or not name:
                continue
            sold[code] += quantity
            names[code][name] += 1
            prices[code][pence] += 1

    return [
        StoreProduct(
            sku=code,
            name=names[code].most_common(1)[0][0],
            price_minor=prices[code].most_common(1)[0][0],
            currency="GBP",
        )
        for code, _ in sold.most_common()
    ]


def _distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def real_stock_answer(data_dir: Path, nearby_count: int = 3) -> dict[str, object]:
    """A ``getStock`` answer made of real stores: the first store of the
    network is "here", the stores closest to it are "nearby"."""
    with (data_dir / STORES).open(encoding="utf-8", newline="") as f:
        stores = [
            (row["Name"], float(row["Latitude"]), float(row["Longitude"]))
            for row in csv.DictReader(f)
        ]

    here_name, *here_point = stores[0]
    ranked = sorted(
        (_distance_km(tuple(here_point), (lat, lon)), name)
        for name, lat, lon in stores[1:]
    )
    nearby = [
        {
            "location_id": f"store-{index}",
            "name": name,
            "kind": "store",
            "distance_km": round(distance, 1),
            "atp": (index * 3) % 7,
        }
        for index, (distance, name) in enumerate(ranked[:nearby_count], start=1)
    ]
    here = [
        {
            "location_id": "store-0",
            "name": here_name,
            "kind": "store",
            "distance_km": 0.0,
            "atp": 4,
        }
    ]
    return {
        "here": here,
        "nearby": nearby,
        "stale": False,
        "as_of": "2026-12-04T10:00:00Z",
    }


def fake_bridge_script(stock: dict[str, object]) -> str:
    """Page JavaScript standing in for the app's ``window.openAisle``.

    It answers with ``stock``, keeps a basket count, refuses quantities over
    50 like a real engine short of stock, and records every call in
    ``window.__aisleCalls``.
    """
    template = (Path(__file__).parent / "fake_bridge.js").read_text(encoding="utf-8")
    return template.replace("/*STOCK*/ null", json.dumps(stock))
