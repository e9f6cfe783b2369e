"""Grid cells and search boxes: the antimeridian, the poles, every point covered."""

from __future__ import annotations

import math
import random

import pytest

from oms_core import geo


def _point_at(origin: geo.Point, distance_km: float, bearing_deg: float) -> geo.Point:
    """The point ``distance_km`` from ``origin`` on a great circle."""
    delta = distance_km / geo.EARTH_RADIUS_KM
    theta = math.radians(bearing_deg)
    lat1, lon1 = math.radians(origin.lat), math.radians(origin.lon)
    lat2 = math.asin(
        math.sin(lat1) * math.cos(delta)
        + math.cos(lat1) * math.sin(delta) * math.cos(theta)
    )
    lon2 = lon1 + math.atan2(
        math.sin(theta) * math.sin(delta) * math.cos(lat1),
        math.cos(delta) - math.sin(lat1) * math.sin(lat2),
    )
    lon = (math.degrees(lon2) + 540.0) % 360.0 - 180.0
    return geo.Point(math.degrees(lat2), lon)


def _inside(box: geo.Box, point: geo.Point) -> bool:
    if not box.south <= point.lat <= box.north:
        return False
    return any(west <= point.lon <= east for west, east in box.lon_ranges())


def _in_ranges(ranges: list[tuple[int, int]], cell: int) -> bool:
    return any(first <= cell <= last for first, last in ranges)


def test_cells_number_the_whole_sphere_including_its_edges():
    corners = [(-90.0, -180.0), (90.0, 180.0), (90.0, -180.0), (0.0, 180.0)]
    cells = [geo.cell_of(lat, lon) for lat, lon in corners]

    assert all(0 <= cell < geo.CELL_ROWS * geo.CELL_COLUMNS for cell in cells)
    # +180 and -180 are one meridian, so one column.
    assert geo.cell_of(0.0, 180.0) == geo.cell_of(0.0, -180.0)


def test_a_box_near_the_antimeridian_wraps_into_two_ranges():
    apia = geo.Point(-13.83, -171.76)  # Samoa, just east of the line

    box = geo.box_around(apia, 1_000.0)

    assert box.west > box.east  # spans the line
    assert len(box.lon_ranges()) == 2
    assert _inside(box, geo.Point(-13.83, 179.0))
    assert _inside(box, geo.Point(-13.83, -165.0))
    assert not _inside(box, geo.Point(-13.83, 0.0))


@pytest.mark.parametrize("lat", [89.99, -89.99, 88.0])
def test_a_box_that_takes_in_a_pole_spans_every_longitude(lat: float):
    box = geo.box_around(geo.Point(lat, 25.0), 300.0)

    assert box.all_longitudes
    assert box.north == 90.0 or box.south == -90.0
    assert geo.box_cell_ranges(box, 10_000) is not None


def test_a_small_box_is_a_few_ranges():
    edinburgh = geo.Point(55.95, -3.19)

    ranges = geo.box_cell_ranges(geo.box_around(edinburgh, 15.0), 100)

    assert ranges is not None and len(ranges) <= 4
    assert _in_ranges(ranges, geo.cell_of(edinburgh.lat, edinburgh.lon))


def test_too_many_ranges_say_so():
    box = geo.box_around(geo.Point(10.0, 10.0), 3_000.0)

    assert geo.box_cell_ranges(box, 3) is None


def test_every_point_within_the_radius_lies_in_the_boxs_cells():
    # Centres all over the sphere, the antimeridian and the poles included.
    chooser = random.Random(20261204)
    centres = [geo.Point(chooser.uniform(-90, 90), chooser.uniform(-180, 180))]
    centres += [geo.Point(-13.83, -171.76), geo.Point(64.85, -147.72)]
    centres += [geo.Point(89.9, 0.0), geo.Point(-89.9, 120.0), geo.Point(0.0, 179.99)]
    centres += [
        geo.Point(chooser.uniform(-90, 90), chooser.uniform(-180, 180))
        for _ in range(60)
    ]

    for centre in centres:
        for radius in (2.0, 15.0, 250.0, 4_000.0):
            box = geo.box_around(centre, radius)
            ranges = geo.box_cell_ranges(box, 1_000_000)
            assert ranges is not None
            for _ in range(40):
                point = _point_at(
                    centre, chooser.uniform(0, radius * 0.999), chooser.uniform(0, 360)
                )
                assert geo.haversine_km(centre, point) <= radius
                assert _inside(box, point), (centre, radius, point)
                assert _in_ranges(ranges, geo.cell_of(point.lat, point.lon))


def test_degrees_and_kilometres_agree_with_the_distance():
    one_degree_north = geo.haversine_km(geo.Point(10.0, 5.0), geo.Point(11.0, 5.0))

    assert one_degree_north == pytest.approx(geo.KM_PER_DEGREE, rel=1e-9)
