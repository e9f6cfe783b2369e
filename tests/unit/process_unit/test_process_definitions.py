"""Process definitions: the standard ones load, bad ones are refused clearly."""

from __future__ import annotations

import textwrap

import pytest

from oms_core.process.definition import DefinitionError, parse_definition
from oms_core.process.registry import STANDARD_FOLDER, Registry

MINIMAL = """
name: tiny
version: 1
start: placed
states:
  placed:
    job: release_to_location
    exits: {done: waiting}
  waiting:
    exits: {arrived: completed}
  completed: {final: true}
  cancelled: {final: true}
"""


def test_every_standard_process_has_one_definition():
    registry = Registry(STANDARD_FOLDER)

    assert registry.names() == [
        "collect_elsewhere",
        "collect_here",
        "collection_point",
        "curbside",
        "deliver_from_dc",
        "drop_ship",
        "ship_from_store",
    ]


def test_a_definition_says_where_each_event_leads():
    definition = parse_definition(MINIMAL)

    assert definition.target("waiting", "arrived") == "completed"
    assert definition.target("waiting", "cancel") == "cancelled"
    assert definition.target("waiting", "done") is None
    assert definition.target("completed", "cancel") is None


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("exits: {arrived: completed}", "exits: {arrived: nowhere}"), "unknown state"),
        (("job: release_to_location", "job: launch_rocket"), "unknown job"),
        (("  cancelled: {final: true}\n", ""), "'cancelled' state is required"),
        (("start: placed", "start: elsewhere"), "start state"),
        (("exits: {done: waiting}", "exits: {ok: waiting}"), "'done' exit"),
        (("version: 1", "version: zero"), "version"),
    ],
)
def test_a_broken_definition_is_refused_with_a_clear_message(change, message):
    old, new = change

    with pytest.raises(DefinitionError, match=message):
        parse_definition(MINIMAL.replace(old, new))


def test_an_unreachable_state_is_refused():
    text = MINIMAL + "  orphan:\n    exits: {arrived: completed}\n"

    with pytest.raises(DefinitionError, match="never reached"):
        parse_definition(text)


def test_a_reload_takes_the_newest_version_and_refuses_a_bad_file(tmp_path):
    (tmp_path / "tiny.yaml").write_text(MINIMAL)
    (tmp_path / "tiny-v2.yaml").write_text(MINIMAL.replace("version: 1", "version: 2"))
    registry = Registry(tmp_path)
    assert registry.latest("tiny").version == 2

    (tmp_path / "broken.yaml").write_text(textwrap.dedent("name: [unclosed"))
    with pytest.raises(DefinitionError, match=r"broken\.yaml"):
        registry.reload()
    assert registry.latest("tiny").version == 2
