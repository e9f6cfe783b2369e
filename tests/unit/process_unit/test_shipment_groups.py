"""Which lines of an order travel together, and on which standard process."""

from __future__ import annotations

from oms_core.api_models import LocationKind
from oms_core.process.groups import PlannedLine, group_lines

KINDS = {
    "store-0001": LocationKind.STORE,
    "store-0002": LocationKind.STORE,
    "dc-0001": LocationKind.DISTRIBUTION_CENTRE,
    "cp-0001": LocationKind.COLLECTION_POINT,
    "sup-0001": LocationKind.SUPPLIER,
}


def _collect(line_no: int, at: str, source: str) -> PlannedLine:
    return PlannedLine(line_no, "collect", at, source)


def _deliver(line_no: int, source: str) -> PlannedLine:
    return PlannedLine(line_no, "deliver", None, source)


def test_an_order_of_one_fulfilment_is_the_single_group_0():
    groups = group_lines(
        [
            _collect(0, "store-0001", "store-0001"),
            _collect(1, "store-0001", "store-0001"),
        ],
        KINDS,
    )

    assert [(g.group_no, g.process, g.line_nos) for g in groups] == [
        (0, "collect_here", (0, 1))
    ]
    assert groups[0].collection_location_id == "store-0001"


def test_collected_and_delivered_lines_run_separate_processes():
    groups = group_lines(
        [
            _deliver(0, "dc-0001"),
            _collect(1, "store-0001", "store-0001"),
            _deliver(2, "store-0002"),
            _deliver(3, "dc-0001"),
        ],
        KINDS,
    )

    assert [(g.process, g.line_nos, g.collection_location_id) for g in groups] == [
        ("deliver_from_dc", (0, 3), None),
        ("collect_here", (1,), "store-0001"),
        ("ship_from_store", (2,), None),
    ]
    assert [g.group_no for g in groups] == [0, 1, 2]


def test_a_collection_with_something_travelling_to_it_is_collected_elsewhere():
    groups = group_lines(
        [
            _collect(0, "store-0002", "store-0002"),
            _collect(1, "store-0002", "store-0001"),
            _collect(2, "store-0001", "store-0001"),
        ],
        KINDS,
    )

    assert [(g.process, g.line_nos) for g in groups] == [
        ("collect_elsewhere", (0, 1)),
        ("collect_here", (2,)),
    ]


def test_collection_points_and_suppliers_take_their_own_processes():
    groups = group_lines(
        [_collect(0, "cp-0001", "store-0001"), _deliver(1, "sup-0001")], KINDS
    )

    assert [g.process for g in groups] == ["collection_point", "drop_ship"]


def test_groups_are_numbered_by_their_first_line_whatever_the_input_order():
    lines = [_deliver(1, "dc-0001"), _collect(0, "store-0001", "store-0001")]

    groups = group_lines(lines, KINDS)

    assert [(g.group_no, g.process) for g in groups] == [
        (0, "collect_here"),
        (1, "deliver_from_dc"),
    ]
