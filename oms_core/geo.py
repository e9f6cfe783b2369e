"""Distances on the Earth, grid cells for finding what is near, postcodes.

A location's *cell* is the square of a fixed grid of ``CELL_DEGREES`` (half
a degree of latitude by half a degree of longitude) it lies in, numbered so
that the database can index it. :func:`box_cells` lists the cells covering
a latitude/longitude box, wrapping across the antimeridian and over the
poles, so a search reads only the locations in those cells.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass

from oms_core.api_models import normalise_uk_postcode, outcode_of

logger = logging.getLogger(__name__)

EARTH_RADIUS_KM = 6371.0088
# One degree of latitude on the sphere haversine_km measures on.
KM_PER_DEGREE = math.pi * EARTH_RADIUS_KM / 180.0

CELL_DEGREES = 0.5
CELL_ROWS = round(180 / CELL_DEGREES) + 1  # the last row holds the North Pole
CELL_COLUMNS = round(360 / CELL_DEGREES)


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


@dataclass(frozen=True, slots=True)
class Box:
    """A latitude/longitude box; ``west`` > ``east`` when it spans the antimeridian.

    ``west == -180`` and ``east == 180`` together mean every longitude.
    """

    south: float
    north: float
    west: float
    east: float

    @property
    def all_longitudes(self) -> bool:
        """Whether the box goes all the way round."""
        return self.west <= -180.0 and self.east >= 180.0

    def lon_ranges(self) -> list[tuple[float, float]]:
        """The box's longitudes as one or two ascending ranges."""
        if self.all_longitudes or self.west <= self.east:
            return [(self.west, self.east)]
        return [(self.west, 180.0), (-180.0, self.east)]


def box_around(point: Point, radius_km: float) -> Box:
    """A box holding every point within ``radius_km`` of ``point``.

    Near a pole the circle can take in the pole itself: then the box spans
    every longitude. Longitudes past +-180 wrap round.
    """
    d_lat = radius_km / KM_PER_DEGREE
    south, north = point.lat - d_lat, point.lat + d_lat
    if north >= 90.0 or south <= -90.0:
        return Box(max(-90.0, south), min(90.0, north), -180.0, 180.0)

    # Widest at the box's latitude farthest from the equator.
    cos_lat = math.cos(math.radians(max(abs(south), abs(north))))
    d_lon = radius_km / (KM_PER_DEGREE * cos_lat)
    if d_lon >= 180.0:
        return Box(south, north, -180.0, 180.0)
    west, east = point.lon - d_lon, point.lon + d_lon
    if west < -180.0:
        west += 360.0
    if east > 180.0:
        east -= 360.0
    return Box(south, north, west, east)


def _row(lat: float) -> int:
    return min(CELL_ROWS - 1, max(0, math.floor((lat + 90.0) / CELL_DEGREES)))


def _column(lon: float) -> int:
    return math.floor((lon + 180.0) / CELL_DEGREES) % CELL_COLUMNS


def cell_of(lat: float, lon: float) -> int:
    """The number of the grid cell holding the point."""
    return _row(lat) * CELL_COLUMNS + _column(lon)


def box_spans(box: Box) -> list[tuple[int, int, int]]:
    """The cells the box touches: (row, first column, last column) triples.

    One per row of the grid and per longitude range (two when the box
    spans the antimeridian).
    """
    if box.all_longitudes:
        columns = [(0, CELL_COLUMNS - 1)]
    else:
        columns = [
            (_column(west), _column(min(east, 180.0 - 1e-9)))
            for west, east in box.lon_ranges()
        ]
    return [
        (row, first, last)
        for row in range(_row(box.south), _row(box.north) + 1)
        for first, last in columns
    ]


def box_cell_ranges(box: Box, limit: int) -> list[tuple[int, int]] | None:
    """The cells the box touches, as few inclusive ranges of cell numbers.

    Whole rows next to each other make one range. None when that takes
    more than ``limit`` ranges (then the latitude band is read instead).
    """
    ranges = sorted(
        (row * CELL_COLUMNS + first, row * CELL_COLUMNS + last)
        for row, first, last in box_spans(box)
    )
    merged = [ranges[0]]
    for first, last in ranges[1:]:
        if first == merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], last)
        else:
            merged.append((first, last))
    return merged if len(merged) <= limit else None


def district_of(postcode: str) -> str:
    """The outcode of a full UK postcode or of an outcode alone.

    Raises :class:`UnknownPostcodeError` when the text is not a UK postcode.
    """
    try:
        return outcode_of(normalise_uk_postcode(postcode))
    except ValueError as exc:
        raise UnknownPostcodeError(f"not a UK postcode: {postcode!r}") from exc
