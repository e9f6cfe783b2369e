"""Sourcing a delivered line: the nearest location with enough ATP."""

from __future__ import annotations

from oms_core import geo
from oms_core.sourcing import Candidate, rank_for_delivery

DAVENTRY = geo.Point(52.217508, -1.18785)
DONCASTER = geo.Point(53.504282, -1.12104)
AVONMOUTH = geo.Point(51.497, -2.675)


def test_nearest_able_location_comes_first():
    candidates = [
        Candidate("dc-doncaster", DONCASTER, 10),
        Candidate("dc-daventry", DAVENTRY, 10),
        Candidate("dc-avonmouth", AVONMOUTH, 10),
    ]

    ranked = rank_for_delivery(candidates, geo.Point(52.2, -1.2), 3)

    assert ranked == ["dc-daventry", "dc-avonmouth", "dc-doncaster"]


def test_locations_without_enough_atp_are_left_out():
    candidates = [
        Candidate("dc-daventry", DAVENTRY, 2),
        Candidate("dc-doncaster", DONCASTER, 5),
    ]

    assert rank_for_delivery(candidates, DAVENTRY, 3) == ["dc-doncaster"]
    assert rank_for_delivery(candidates, DAVENTRY, 6) == []


def test_equal_distances_are_broken_by_id():
    candidates = [
        Candidate("store-0002", DAVENTRY, 5),
        Candidate("store-0001", DAVENTRY, 5),
    ]

    assert rank_for_delivery(candidates, DAVENTRY, 1) == ["store-0001", "store-0002"]
