"""Distances on the Earth and postcode districts."""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass

from oms_core.api_models import normalise_uk_postcode, outcode_of

logger = logging.getLogger(__name__)

EARTH_RADIUS_KM = 6371.0088


@dataclass(frozen=True, slots=True)
class Point:
    """A latitude and longitude in degrees."""

    lat: float
    lon: float


class UnknownPostcodeError(LookupError):
    """A postcode that is malformed or whose district is not known."""


def haversine_km(a: Point, b: Point) -> float:
    """Great-circle distance between two points, in kilometres."""
    lat1, lat2 = math.radians(a.lat), math.radians(b.lat)
    d_lat = lat2 - lat1
    d_lon = math.radians(b.lon - a.lon)

    h = (
        math.sin(d_lat / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin(d_lon / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def district_of(postcode: str) -> str:
    """The outcode of a full UK postcode or of an outcode alone.

    Raises :class:`UnknownPostcodeError` when the text is not a UK postcode.
    """
    try:
        return outcode_of(normalise_uk_postcode(postcode))
    except ValueError as exc:
        raise UnknownPostcodeError(f"not a UK postcode: {postcode!r}") from exc
