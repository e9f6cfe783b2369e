"""Readers of the real data set: sales lines, stores and postcode districts.

The data folder comes from the environment variable ``OPENAISLE_DATA_DIR``,
else ``<repository root>/../shared/data``. Each reader checks its columns and
values and names the file and line of anything it cannot read.
"""

from __future__ import annotations

import csv
import gzip
import io
import logging
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

logger = logging.getLogger(__name__)

DATA_DIR_ENV = "OPENAISLE_DATA_DIR"
BUNDLED_DATA_DIR = "openaisle_data"
WEEK_FILE = "catalog/online_retail_2010-12-01_to_2010-12-07.csv"
YEAR_FILE = "catalog/online_retail_2010-12-01_to_2011-12-09.csv.gz"
STORES_FILE = "stores/tesco_uk_stores.csv"
OUTCODES_FILE = "postcodes/uk_postcode_outcodes.csv"

_SALES_COLUMNS = (
    "InvoiceNo",
    "StockCode",
    "Description",
    "Quantity",
    "InvoiceDate",
    "UnitPrice",
    "CustomerID",
    "Country",
)
_STORE_COLUMNS = ("", "Name", "Ordinal_type", "Postcode", "Latitude", "Longitude")
_OUTCODE_COLUMNS = ("id", "outcode", "latitude", "longitude")
# The catalogue's invoice times are UK local time.
_SALES_ZONE = ZoneInfo("Europe/London")
_SALES_DATE_FORMATS = ("%Y-%m-%d %H:%M:%S", "%m/%d/%y %H:%M")


class DatasetError(ValueError):
    """A data file that is missing or cannot be read."""


@dataclass(frozen=True, slots=True)
class SalesLine:
    """One line of an invoice, as written in the catalogue files."""

    invoice: str
    stock_code: str
    description: str
    quantity: int
    invoiced_at: datetime
    unit_price: str
    source: str
    line_no: int


@dataclass(frozen=True, slots=True)
class StoreRow:
    """One row of the store list."""

    index: int
    name: str
    ordinal_type: int
    postcode: str
    lat: float
    lon: float


def repo_root() -> Path:
    """The folder holding the ``oms_core`` package."""
    return Path(__file__).resolve().parent.parent


def data_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    """Resolve the data folder, or raise :class:`DatasetError` if it is absent."""
    if explicit is not None:
        candidate = Path(explicit)
    elif os.environ.get(DATA_DIR_ENV):
        candidate = Path(os.environ[DATA_DIR_ENV])
    elif getattr(sys, "frozen", False):
        # A packaged app carries the seed data in its own folder.
        candidate = Path(getattr(sys, "_MEIPASS", "")) / BUNDLED_DATA_DIR
    else:
        candidate = repo_root().parent / "shared" / "data"

    candidate = candidate.expanduser().resolve()
    if not candidate.is_dir():
        raise DatasetError(
            f"data folder not found: {candidate} "
            f"(set {DATA_DIR_ENV} to the folder holding catalog/ and stores/)"
        )
    return candidate


def _require(path: Path) -> Path:
    if not path.is_file():
        raise DatasetError(f"data file not found: {path}")
    return path


def _open_text(path: Path) -> io.TextIOBase:
    if path.suffix == ".gz":
        return io.TextIOWrapper(gzip.open(path), encoding="utf-8", newline="")
    return path.open(encoding="utf-8", newline="")


def _check_header(path: Path, header: list[str] | None, expected: tuple) -> None:
    got = tuple(column.strip() for column in (header or []))
    if got[: len(expected)] != expected:
        raise DatasetError(f"{path.name}: unexpected columns {got!r}")


@lru_cache(maxsize=65536)
def _parse_sales_time(text: str) -> datetime:
    for pattern in _SALES_DATE_FORMATS:
        try:
            local = datetime.strptime(text.strip(), pattern)
        except ValueError:
            continue
        return local.replace(tzinfo=_SALES_ZONE).astimezone(UTC)
    raise ValueError(f"not an invoice date: {text!r}")


def read_sales_lines(path: Path) -> Iterator[SalesLine]:
    """Yield every line of a catalogue file (plain or gzip CSV)."""
    _require(path)
    source = path.name
    columns = len(_SALES_COLUMNS)
    with _open_text(path) as handle:
        reader = csv.reader(handle)
        _check_header(path, next(reader, None), _SALES_COLUMNS)
        for line_no, row in enumerate(reader, start=2):
            if len(row) < columns:
                raise DatasetError(f"{path.name}:{line_no}: too few columns")
            try:
                quantity = int(row[3])
                invoiced_at = _parse_sales_time(row[4])
            except ValueError as exc:
                raise DatasetError(f"{path.name}:{line_no}: {exc}") from exc
            yield SalesLine(
                invoice=row[0].strip(),
                stock_code=row[1].strip(),
                description=row[2],
                quantity=quantity,
                invoiced_at=invoiced_at,
                unit_price=row[5].strip(),
                source=source,
                line_no=line_no,
            )


def read_stores(path: Path) -> list[StoreRow]:
    """Read the store list; its first column is an unnamed index."""
    _require(path)
    stores = []
    with _open_text(path) as handle:
        reader = csv.reader(handle)
        _check_header(path, next(reader, None), _STORE_COLUMNS)
        for line_no, row in enumerate(reader, start=2):
            try:
                store = StoreRow(
                    index=int(row[0]),
                    name=row[1].strip(),
                    ordinal_type=int(row[2]),
                    postcode=row[3].strip().upper(),
                    lat=float(row[4]),
                    lon=float(row[5].strip()),
                )
            except (ValueError, IndexError) as exc:
                raise DatasetError(f"{path.name}:{line_no}: {exc}") from exc
            if store.ordinal_type not in (1, 2, 3):
                raise DatasetError(f"{path.name}:{line_no}: unknown Ordinal_type")
            if not (-90 <= store.lat <= 90 and -180 <= store.lon <= 180):
                raise DatasetError(f"{path.name}:{line_no}: coordinates out of range")
            stores.append(store)
    return stores


def read_outcodes(path: Path) -> dict[str, tuple[float, float]]:
    """Read postcode districts: outcode -> (latitude, longitude) of the centroid."""
    _require(path)
    outcodes = {}
    with _open_text(path) as handle:
        reader = csv.reader(handle)
        _check_header(path, next(reader, None), _OUTCODE_COLUMNS)
        for line_no, row in enumerate(reader, start=2):
            try:
                outcode = row[1].strip().upper()
                lat, lon = float(row[2]), float(row[3])
            except (ValueError, IndexError) as exc:
                raise DatasetError(f"{path.name}:{line_no}: {exc}") from exc
            if not outcode or not (-90 <= lat <= 90 and -180 <= lon <= 180):
                raise DatasetError(f"{path.name}:{line_no}: bad outcode row")
            outcodes[outcode] = (lat, lon)
    return outcodes
