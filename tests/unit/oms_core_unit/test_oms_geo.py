"""Great-circle distances and postcode districts."""

from __future__ import annotations

import pytest

from oms_core import geo


def test_haversine_matches_a_known_distance():
    london = geo.Point(51.5074, -0.1278)
    paris = geo.Point(48.8566, 2.3522)

    assert geo.haversine_km(london, paris) == pytest.approx(343.5, abs=1.0)


def test_haversine_is_symmetric_and_zero_on_the_spot():
    a, b = geo.Point(57.1471, -2.0966), geo.Point(50.3755, -4.1427)

    assert geo.haversine_km(a, b) == pytest.approx(geo.haversine_km(b, a))
    assert geo.haversine_km(a, a) == 0.0


def test_antipodes_are_half_the_circumference_apart():
    distance = geo.haversine_km(geo.Point(0, 0), geo.Point(0, 180))

    assert distance == pytest.approx(20015.1, abs=1.0)


@pytest.mark.parametrize(
    ("text", "district"),
    [("sw1a 1aa", "SW1A"), ("CF44 8DL", "CF44"), ("NN11", "NN11"), ("m1", "M1")],
)
def test_district_of_a_full_postcode_or_an_outcode(text, district):
    assert geo.district_of(text) == district


@pytest.mark.parametrize("text", ["", "12345", "SW1A 1", "not a postcode"])
def test_malformed_postcodes_are_refused(text):
    with pytest.raises(geo.UnknownPostcodeError):
        geo.district_of(text)
