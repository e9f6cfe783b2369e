"""The planner's rules, without a database: real places, made-up stock."""

from __future__ import annotations

from datetime import UTC, date, datetime

from oms_core import geo, network
from oms_core.api_models import (
    Capability,
    ErrorCode,
    LocationKind,
    LocationState,
    SourcingMethod,
    SourcingRules,
    TraceDecision,
)
from oms_core.opening_hours import parse
from oms_core.sourcing import LineNeed, Node, plan

# Real places: Daventry DC, Doncaster DC, and three towns' stores.
DAVENTRY = geo.Point(52.217508, -1.18785)
DONCASTER = geo.Point(53.504282, -1.12104)
NORTHAMPTON = geo.Point(52.2405, -0.9027)
LEEDS = geo.Point(53.7997, -1.5492)
RUGBY = geo.Point(52.3709, -1.2650)
# Monday 7 December 2026, 10:00 in London.
NOW = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)
RULES = SourcingRules(name="test")


def node(node_id, point, kind=LocationKind.STORE, **atp):
    return Node(
        id=node_id,
        name=node_id.title(),
        kind=kind,
        point=point,
        capabilities=network.DEFAULT_CAPABILITIES[kind],
        atp=dict(atp),
    )


def deliver(index, sku, quantity, to=NORTHAMPTON):
    return LineNeed(index, sku, quantity, destination=to)


def test_one_location_for_the_whole_order_beats_two_nearer_ones():
    nodes = {
        "rugby": node("rugby", RUGBY, A=1),
        "daventry": node("daventry", DAVENTRY, LocationKind.DISTRIBUTION_CENTRE, B=1),
        "leeds": node("leeds", LEEDS, A=1, B=1),
    }

    result = plan(RULES, [deliver(0, "A", 1), deliver(1, "B", 1)], nodes, NOW)

    assert {p.location_id for picks in result.picks.values() for p in picks} == {
        "leeds"
    }
    assert result.shipments == 1


def test_fewest_locations_when_no_single_one_holds_everything():
    nodes = {
        "rugby": node("rugby", RUGBY, A=1),
        "daventry": node("daventry", DAVENTRY, LocationKind.DISTRIBUTION_CENTRE, B=1),
        "leeds": node("leeds", LEEDS, B=1, C=1),
    }
    lines = [deliver(0, "A", 1), deliver(1, "B", 1), deliver(2, "C", 1)]

    result = plan(RULES, lines, nodes, NOW)

    assert result.picks[1][0].location_id == "leeds"
    assert result.shipments == 2


def test_a_line_is_split_only_when_the_rules_allow_it():
    nodes = {
        "rugby": node("rugby", RUGBY, A=2),
        "leeds": node("leeds", LEEDS, A=2),
    }

    refused = plan(RULES, [deliver(0, "A", 3)], nodes, NOW)
    split = plan(
        SourcingRules(name="split", allow_split_lines=True),
        [deliver(0, "A", 3)],
        nodes,
        NOW,
    )

    assert refused.refused[0].code is ErrorCode.INSUFFICIENT_STOCK
    assert [(p.location_id, p.quantity) for p in split.picks[0]] == [
        ("rugby", 2),
        ("leeds", 1),
    ]


def test_collect_comes_from_the_collection_store_or_is_refused():
    nodes = {
        "rugby": node("rugby", RUGBY, A=1),
        "leeds": node("leeds", LEEDS, A=5),
    }
    line = LineNeed(0, "A", 2, collect_at="rugby")

    refused = plan(RULES, [line], nodes, NOW)
    moved = plan(
        SourcingRules(name="transfer", collect_by_transfer=True), [line], nodes, NOW
    )

    assert refused.refused[0].location_id == "rugby"
    assert "does not allow a transfer" in refused.refused[0].reason
    assert moved.picks[0][0].location_id == "leeds"
    assert moved.picks[0][0].method is SourcingMethod.TRANSFER


def test_a_dark_store_ships_but_hands_over_no_collection():
    dark = node("rugby", RUGBY, A=5)
    dark.state = LocationState.DARK
    nodes = {"rugby": dark}

    collected = plan(RULES, [LineNeed(0, "A", 1, collect_at="rugby")], nodes, NOW)
    shipped = plan(RULES, [deliver(0, "A", 1)], nodes, NOW)

    assert collected.refused[0].code is ErrorCode.LOCATION_CANNOT_FULFIL
    assert shipped.picks[0][0].location_id == "rugby"


def test_every_refusal_is_in_the_trace_with_its_reason():
    closed = node("leeds", LEEDS, A=5)
    closed.state = LocationState.CLOSED
    full = node("rugby", RUGBY, A=5)
    full.capacity_left = 0
    supplier = node("acme", DONCASTER, LocationKind.SUPPLIER, A=5)
    far = node("daventry", DAVENTRY, LocationKind.DISTRIBUTION_CENTRE, A=5)
    rules = SourcingRules(
        name="strict",
        allowed_kinds=[LocationKind.STORE, LocationKind.DISTRIBUTION_CENTRE],
        max_distance_km=10,
    )
    nodes = {n.id: n for n in (closed, full, supplier, far)}

    result = plan(rules, [deliver(0, "A", 1)], nodes, NOW)

    reasons = {
        note.location_id: note.reason
        for note in result.trace
        if note.decision is TraceDecision.REFUSED
    }
    assert reasons["leeds"] == "offline (closed)"
    assert reasons["rugby"] == "daily order capacity reached"
    assert "not allowed" in reasons["acme"]
    assert "beyond the rule set's 10 km" in reasons["daventry"]
    assert 0 in result.refused


def test_cost_breaks_ties_when_it_ranks_first():
    nodes = {
        "rugby": node("rugby", RUGBY, A=5),
        "daventry": node("daventry", DAVENTRY, LocationKind.DISTRIBUTION_CENTRE, A=5),
    }
    rules = SourcingRules(
        name="cheap",
        ranking=["cost", "distance"],
        cost_per_kind={"store": 900, "distribution_centre": 300},
    )

    result = plan(rules, [deliver(0, "A", 1, to=RUGBY)], nodes, NOW)

    assert result.picks[0][0].location_id == "daventry"
    passed = [n for n in result.trace if n.location_id == "rugby"]
    assert passed[0].decision is TraceDecision.PASSED_OVER


def test_the_earliest_date_waits_for_the_store_to_open():
    shop = node("rugby", RUGBY, A=5)
    shop.hours = parse("Mo-Fr 09:00-17:00")
    saturday = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)

    result = plan(
        RULES, [LineNeed(0, "A", 1, collect_at="rugby")], {"rugby": shop}, saturday
    )

    assert result.picks[0][0].earliest_date == date(2026, 12, 7)


def test_a_store_without_collection_capability_refuses_collection():
    shop = node("rugby", RUGBY, A=5)
    shop.capabilities = frozenset({Capability.SHIP_FROM})

    result = plan(
        RULES, [LineNeed(0, "A", 1, collect_at="rugby")], {"rugby": shop}, NOW
    )

    assert "click & collect" in result.refused[0].reason


def test_the_trace_says_how_many_lines_the_chosen_location_holds():
    nodes = {
        "rugby": node("rugby", RUGBY, A=1),
        "leeds": node("leeds", LEEDS, B=1, C=1),
        "doncaster": node(
            "doncaster", DONCASTER, LocationKind.DISTRIBUTION_CENTRE, A=1, B=1
        ),
    }
    lines = [deliver(0, "A", 1), deliver(1, "B", 1), deliver(2, "C", 1)]

    three = plan(RULES, lines, nodes, NOW)
    one = plan(RULES, [deliver(0, "A", 1)], nodes, NOW)

    def passed(result):
        return {
            note.reason
            for note in result.trace
            if note.decision == TraceDecision.PASSED_OVER
        }

    held = "Doncaster ranked first (it holds 2 of the 3 delivered lines still open)"
    assert held in passed(three)
    assert any(r.endswith("(it holds the whole line)") for r in passed(one))
