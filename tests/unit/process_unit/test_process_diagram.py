"""Process pictures: drawn from the definition, current state outlined."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from oms_core.process.diagram import COLOURS, HIGHLIGHT, render_svg
from oms_core.process.registry import STANDARD_FOLDER, Registry

SVG = "{http://www.w3.org/2000/svg}"


def _boxes(svg: str) -> dict[str, ET.Element]:
    root = ET.fromstring(svg)
    return {
        group.get("data-state"): group.find(f"{SVG}rect")
        for group in root.iter(f"{SVG}g")
    }


def test_every_standard_process_renders_as_valid_svg_with_all_states():
    registry = Registry(STANDARD_FOLDER)
    for name in registry.names():
        definition = registry.latest(name)

        boxes = _boxes(render_svg(definition))

        assert set(boxes) == set(definition.states)


def test_tasks_and_jobs_have_their_own_colours_and_the_current_state_stands_out():
    definition = Registry(STANDARD_FOLDER).latest("collect_here")

    boxes = _boxes(render_svg(definition, current="packing"))

    assert boxes["picking"].get("fill") == COLOURS["task"][0]
    assert boxes["released"].get("fill") == COLOURS["job"][0]
    assert boxes["packing"].get("stroke") == HIGHLIGHT
    assert boxes["picking"].get("stroke") != HIGHLIGHT


def test_text_from_a_definition_is_escaped(tmp_path):
    source = (STANDARD_FOLDER / "collect_here.yaml").read_text()
    (tmp_path / "p.yaml").write_text(
        source.replace("title: Picking", "title: '<Picking & co>'")
    )
    definition = Registry(tmp_path).latest("collect_here")

    svg = render_svg(definition)

    assert "&lt;Picking &amp; co&gt;" in svg
    ET.fromstring(svg)


def test_changing_the_file_and_reloading_changes_the_picture(tmp_path):
    source = (STANDARD_FOLDER / "collect_here.yaml").read_text()
    (tmp_path / "p.yaml").write_text(source)
    registry = Registry(tmp_path)
    before = render_svg(registry.latest("collect_here"))

    (tmp_path / "p.yaml").write_text(
        source.replace("title: Packing", "title: Gift wrapping").replace(
            "version: 1", "version: 2"
        )
    )
    registry.reload()
    after = render_svg(registry.latest("collect_here"))

    assert "Gift wrapping" not in before
    assert "Gift wrapping" in after
