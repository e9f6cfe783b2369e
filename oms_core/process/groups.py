"""Shipment groups: which lines of an order travel together, on which process.

An order may mix fulfilments: a line collected here, one delivered from a
DC, one collected at another store. Each group of lines that reaches the
customer the same way runs its own standard process:

- lines collected at one place form one group: ``collect_here`` when every
  line is sourced there, ``collect_elsewhere`` when something travels to
  it, ``collection_point`` when the place is a collection point;
- delivered lines form one group per way they leave: ``drop_ship`` from a
  supplier, ``deliver_from_dc`` from a DC or warehouse, ``ship_from_store``
  from stores.

Groups are numbered 0, 1, ... in the order of their first line, so an
order of one fulfilment has the single group 0, as before groups existed.
This module is pure: it sees lines and location kinds, never a database.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from oms_core.api_models import LocationKind

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class PlannedLine:
    """What grouping needs of an order line."""

    line_no: int
    method: str
    collection_location_id: str | None
    source_location_id: str


@dataclass(frozen=True, slots=True)
class ShipmentGroup:
    """Lines that reach the customer one way, and the process they run."""

    group_no: int
    process: str
    line_nos: tuple[int, ...]
    collection_location_id: str | None


def planned(row) -> PlannedLine:
    """An ``order_lines`` row as grouping sees it."""
    fulfilment = json.loads(row.fulfilment)
    method = fulfilment.get("method", "deliver")
    return PlannedLine(
        line_no=row.line_no,
        method=method,
        collection_location_id=fulfilment.get("location_id")
        if method == "collect"
        else None,
        source_location_id=row.source_location_id,
    )


def group_lines(
    lines: Iterable[PlannedLine], kinds: Mapping[str, str | None]
) -> list[ShipmentGroup]:
    """The order's shipment groups, numbered by their first line.

    Groups are chosen once, at placement.
    """
    # TODO: a line re-sourced after a short pick stays in its group and on
    # its group's process; a collected line now sent from another store is
    # not moved onto collect_elsewhere (its hand-over still happens here).
    keyed: dict[tuple[str, str], list[PlannedLine]] = {}
    for line in sorted(lines, key=lambda item: item.line_no):
        keyed.setdefault(_key(line, kinds), []).append(line)

    groups = []
    for number, ((kind, place), members) in enumerate(keyed.items()):
        if kind == "collect":
            process = _collection_process(place, members, kinds)
            collection = place
        else:
            process, collection = place, None
        groups.append(
            ShipmentGroup(
                group_no=number,
                process=process,
                line_nos=tuple(line.line_no for line in members),
                collection_location_id=collection,
            )
        )
    return groups


def _key(line: PlannedLine, kinds: Mapping[str, str | None]) -> tuple[str, str]:
    if line.collection_location_id is not None:
        return ("collect", line.collection_location_id)
    source_kind = kinds.get(line.source_location_id)
    if source_kind == LocationKind.SUPPLIER:
        return ("deliver", "drop_ship")
    if source_kind in (LocationKind.DISTRIBUTION_CENTRE, LocationKind.WAREHOUSE):
        return ("deliver", "deliver_from_dc")
    return ("deliver", "ship_from_store")


def _collection_process(
    place: str, members: list[PlannedLine], kinds: Mapping[str, str | None]
) -> str:
    if kinds.get(place) == LocationKind.COLLECTION_POINT:
        return "collection_point"
    sources = {line.source_location_id for line in members}
    return "collect_here" if sources == {place} else "collect_elsewhere"
