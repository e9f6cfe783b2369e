"""Reading the network data sets: OSM opening hours and the world-wide chain.

``stores/osm_edinburgh_shops.csv`` gives real opening-hours strings; the
ones of grocery shops that parse become the seeded stores' hours.
``stores/starbucks_directory.csv`` is a network of 25,597 locations in many
countries and zones, used for scale (near-me and sourcing benchmarks), not
by the default seed. Rows that cannot be used are counted, never guessed.
"""

from __future__ import annotations

import csv
import dataclasses
import functools
import logging
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from oms_core import opening_hours
from oms_core.api_models import LocationKind
from oms_core.locations import LocationRecord

logger = logging.getLogger(__name__)

OSM_SHOPS_FILE = "stores/osm_edinburgh_shops.csv"
WORLD_NETWORK_FILE = "stores/starbucks_directory.csv"
GROCERY_SHOPS = frozenset({"supermarket", "convenience"})
_ID_CHARS = re.compile(r"[^a-z0-9-]+")
# Every world location stocks as a small store: the network is for scale,
# and small ranges keep its stock pool near 1.5 million rows.
WORLD_SIZE_CLASS = 1
# Zone names in the file that are not IANA names, with the IANA zone of the
# same city. Names cut short in the file are completed when one zone alone
# starts with them.
ZONE_ALIASES = {
    "Asia/Beijing": "Asia/Shanghai",
    "Asia/New_Delhi": "Asia/Kolkata",
    "America/Oranjestad": "America/Aruba",
    "America/Willemstad": "America/Curacao",
}


@dataclass
class WorldNetwork:
    """The world network's locations and the rows left out, by reason."""

    locations: list[LocationRecord]
    skipped: Counter[str] = field(default_factory=Counter)


def grocery_opening_hours(root: Path) -> list[str]:
    """Distinct parseable ``opening_hours`` of grocery shops, sorted."""
    path = root / OSM_SHOPS_FILE
    found = set()
    with path.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            text = (row.get("opening_hours") or "").strip()
            if not text or row.get("shop") not in GROCERY_SHOPS:
                continue
            try:
                opening_hours.parse(text)
            except opening_hours.OpeningHoursError:
                continue
            found.add(text)
    return sorted(found)


def world_location_id(store_number: str) -> str:
    """The location id of a world-network row (``ww-<store number>``)."""
    cleaned = _ID_CHARS.sub("-", store_number.strip().lower()).strip("-")
    return f"ww-{cleaned}"[:64]


def read_world_network(root: Path) -> WorldNetwork:
    """Every usable row of the world network as a store location."""
    network = WorldNetwork(locations=[])
    seen: set[str] = set()
    path = root / WORLD_NETWORK_FILE
    with path.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            record = _world_row(row, network.skipped)
            if record is None:
                continue
            if record.id in seen:
                # One store number appears twice, at two places: keep both.
                record = dataclasses.replace(record, id=f"{record.id}-2"[:64])
            seen.add(record.id)
            network.locations.append(record)
    return network


def _world_row(row: dict[str, str], skipped: Counter[str]) -> LocationRecord | None:
    number = (row.get("Store Number") or "").strip()
    if not number:
        skipped["no store number"] += 1
        return None
    try:
        lat = float(row["Latitude"])
        lon = float(row["Longitude"])
    except (KeyError, TypeError, ValueError):
        skipped["no coordinates"] += 1
        return None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        skipped["coordinates out of range"] += 1
        return None

    # The column reads "GMT+1:00 Europe/Andorra": the IANA name comes last.
    zone = resolve_zone((row.get("Timezone") or "").split(" ")[-1])
    if zone is None:
        skipped["unknown time zone"] += 1
        return None

    country = (row.get("Country") or "").strip().upper()[:2] or None
    return LocationRecord(
        id=world_location_id(number),
        name=(row.get("Store Name") or number).strip()[:200],
        kind=LocationKind.STORE,
        lat=lat,
        lon=lon,
        postcode=(row.get("Postcode") or "").strip()[:16] or None,
        size_class=WORLD_SIZE_CLASS,
        timezone=zone,
        country=country,
    )


@functools.lru_cache(maxsize=512)
def resolve_zone(name: str) -> str | None:
    """The IANA zone meant by ``name`` (an alias or a unique prefix), or None."""
    name = ZONE_ALIASES.get(name, name)
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        pass
    else:
        return name
    if len(name) < 8:
        return None
    matches = [zone for zone in _zones() if zone.startswith(name)]
    return matches[0] if len(matches) == 1 else None


@functools.cache
def _zones() -> tuple[str, ...]:
    return tuple(sorted(available_timezones()))
