"""The location network: the real store list plus distribution centres.

Stores keep their row index as id (``store-0042``) and drop the chain's
brand from their name. Distribution centres sit at the postcode-district
centroid of real UK logistics towns.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import re
from dataclasses import dataclass

from oms_core.api_models import LocationKind
from oms_core.datasets import StoreRow

logger = logging.getLogger(__name__)

TIMEZONE = "Europe/London"
_BRAND = re.compile(r"\btesco\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class LocationRecord:
    """A location ready to be stored."""

    id: str
    name: str
    kind: LocationKind
    lat: float
    lon: float
    postcode: str | None
    size_class: int | None
    timezone: str = TIMEZONE
    opening_hours: str | None = None
    country: str | None = "GB"


@dataclass(frozen=True, slots=True)
class DistributionCentre:
    """A distribution centre placed in a postcode district."""

    id: str
    name: str
    outcode: str


# Real logistics towns along the motorway spine, north to south.
DISTRIBUTION_CENTRES = (
    DistributionCentre("dc-livingston", "Livingston distribution centre", "EH54"),
    DistributionCentre("dc-doncaster", "Doncaster distribution centre", "DN4"),
    DistributionCentre("dc-daventry", "Daventry distribution centre", "NN11"),
    DistributionCentre("dc-avonmouth", "Avonmouth distribution centre", "BS11"),
)


def store_id(index: int) -> str:
    """The location id of the store on row ``index`` of the store list."""
    return f"store-{index:04d}"


def unbranded_name(name: str, fallback: str) -> str:
    """A store name without the chain's brand (``fallback`` if nothing is left)."""
    cleaned = " ".join(_BRAND.sub(" ", name).split())
    return cleaned or fallback


def store_location(row: StoreRow) -> LocationRecord:
    """The location of one store row; ``Ordinal_type`` is the size class."""
    return LocationRecord(
        id=store_id(row.index),
        name=unbranded_name(row.name, row.postcode),
        kind=LocationKind.STORE,
        lat=row.lat,
        lon=row.lon,
        postcode=row.postcode,
        size_class=row.ordinal_type,
    )


def distribution_centres(
    outcodes: dict[str, tuple[float, float]],
) -> list[LocationRecord]:
    """The distribution centres, placed at their district's centroid."""
    centres = []
    for centre in DISTRIBUTION_CENTRES:
        lat, lon = outcodes[centre.outcode]
        centres.append(
            LocationRecord(
                id=centre.id,
                name=centre.name,
                kind=LocationKind.DISTRIBUTION_CENTRE,
                lat=lat,
                lon=lon,
                postcode=centre.outcode,
                size_class=None,
            )
        )
    return centres


def assign_opening_hours(
    places: list[LocationRecord], choices: list[str]
) -> list[LocationRecord]:
    """Stores get one of ``choices`` (real OSM strings), picked by a stable hash.

    Distribution centres work around the clock (``24/7``).
    """
    ordered = sorted(set(choices))
    assigned = []
    for place in places:
        if place.kind is LocationKind.DISTRIBUTION_CENTRE:
            hours = "24/7"
        elif ordered and place.opening_hours is None:
            digest = hashlib.blake2b(place.id.encode(), digest_size=8).digest()
            hours = ordered[int.from_bytes(digest, "big") % len(ordered)]
        else:
            hours = place.opening_hours
        assigned.append(dataclasses.replace(place, opening_hours=hours))
    return assigned
