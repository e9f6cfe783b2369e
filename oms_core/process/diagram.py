"""Pictures of process definitions as SVG, drawn from the definition itself.

States are laid out top to bottom by their distance from the start; each
row is centred. Task states, job states and waiting states have their own
colours, final states a double border, and the state an order is in a
thick outline. Exits to the next row are straight arrows, exits further
down bow out to the side, exits within a row are short arrows, and exits
back up are dashed curves on the right; each is labelled with its event. ``cancel`` is
allowed from every open state and is written once in the legend instead
of as an arrow from each state.
"""

from __future__ import annotations

import logging
from collections import deque
from xml.sax.saxutils import escape, quoteattr

from oms_core.process.definition import CANCELLED, Definition, State

logger = logging.getLogger(__name__)

BOX_W, BOX_H = 236, 46
GAP_X, GAP_Y = 30, 58
MARGIN = 24
LEGEND_H = 70
COLOURS = {
    "task": ("#e3f2e1", "#2e7d32"),
    "job": ("#e1ecf7", "#1f5f99"),
    "wait": ("#f2f2f2", "#666666"),
    "final": ("#fff4df", "#9a6a00"),
}
HIGHLIGHT = "#c62828"


def render_svg(definition: Definition, current: str | None = None) -> str:
    """The definition as an SVG document; ``current`` is outlined if given."""
    rows = _rows(definition)
    widest = max(len(row) for row in rows)
    width = max(2 * MARGIN + widest * BOX_W + (widest - 1) * GAP_X + 80, 640)
    height = 2 * MARGIN + len(rows) * (BOX_H + GAP_Y) + LEGEND_H

    places: dict[str, tuple[float, float]] = {}
    for index, row in enumerate(rows):
        row_width = len(row) * BOX_W + (len(row) - 1) * GAP_X
        left = (width - 80 - row_width) / 2
        for position, state_id in enumerate(row):
            x = left + position * (BOX_W + GAP_X)
            places[state_id] = (x, MARGIN + index * (BOX_H + GAP_Y))

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" '
        f'height="{height:.0f}" viewBox="0 0 {width:.0f} {height:.0f}" '
        f'font-family="sans-serif" font-size="12">',
        f"<title>{escape(definition.title)} (v{definition.version})</title>",
        "<defs><marker id='arrow' viewBox='0 0 10 10' refX='10' refY='5' "
        "markerWidth='7' markerHeight='7' orient='auto-start-reverse'>"
        "<path d='M0,0 L10,5 L0,10 z' fill='#555'/></marker></defs>",
        '<rect width="100%" height="100%" fill="#ffffff"/>',
    ]
    for state in definition.states.values():
        for event, target in state.exits.items():
            parts.append(_edge(places[state.id], places[target], event))
    for state in definition.states.values():
        parts.append(_box(state, places[state.id], state.id == current))
    parts.append(_legend(height - LEGEND_H + 10))
    parts.append("</svg>")
    return "\n".join(parts)


def state_kind(state: State) -> str:
    """``task``, ``job``, ``final`` or ``wait``: what colour a state gets."""
    if state.final:
        return "final"
    if state.task is not None:
        return "task"
    if state.job is not None:
        return "job"
    return "wait"


def _rows(definition: Definition) -> list[list[str]]:
    depth = {definition.start: 0}
    queue = deque([definition.start])
    while queue:
        state_id = queue.popleft()
        for target in definition.states[state_id].exits.values():
            if target not in depth and target != CANCELLED:
                depth[target] = depth[state_id] + 1
                queue.append(target)
    last = max(depth.values()) + 1
    depth.setdefault(CANCELLED, last)
    if depth[CANCELLED] < last:
        depth[CANCELLED] = last

    rows: dict[int, list[str]] = {}
    for state_id in definition.states:  # file order inside a row
        rows.setdefault(depth.get(state_id, last), []).append(state_id)
    return [rows[key] for key in sorted(rows)]


def _box(state: State, place: tuple[float, float], current: bool) -> str:
    x, y = place
    fill, stroke = COLOURS[state_kind(state)]
    detail = ""
    if state.task is not None:
        detail = f"task: {state.task.kind.replace('_', ' ')} at {state.task.at}"
    elif state.job is not None:
        detail = f"job: {state.job.replace('_', ' ')}"
    elif state.timers:
        detail = f"{len(state.timers)} timer(s)"
    outline = HIGHLIGHT if current else stroke
    width = 4 if current else 1.5
    parts = [
        f'<g class="state" data-state={quoteattr(state.id)}>',
        f'<rect x="{x:.1f}" y="{y:.1f}" width="{BOX_W}" height="{BOX_H}" rx="8" '
        f'fill="{fill}" stroke="{outline}" stroke-width="{width}"/>',
    ]
    if state.final:
        parts.append(
            f'<rect x="{x + 3:.1f}" y="{y + 3:.1f}" width="{BOX_W - 6}" '
            f'height="{BOX_H - 6}" rx="6" fill="none" stroke="{stroke}"/>'
        )
    parts.append(
        f'<text x="{x + BOX_W / 2:.1f}" y="{y + 19:.1f}" text-anchor="middle" '
        f'font-weight="bold">{escape(state.title)}</text>'
    )
    if detail:
        parts.append(
            f'<text x="{x + BOX_W / 2:.1f}" y="{y + 35:.1f}" text-anchor="middle" '
            f'fill="#333">{escape(detail)}</text>'
        )
    parts.append("</g>")
    return "".join(parts)


def _edge(start: tuple[float, float], end: tuple[float, float], event: str) -> str:
    sx, sy = start
    ex, ey = end
    label = escape(event)
    if ey == sy:  # same row: a short arrow between facing sides
        leftward = ex < sx
        x1 = sx if leftward else sx + BOX_W
        x2 = ex + BOX_W if leftward else ex
        y = sy + BOX_H / 2
        return (
            f'<line x1="{x1:.1f}" y1="{y:.1f}" x2="{x2:.1f}" y2="{y:.1f}" '
            f'stroke="#555" marker-end="url(#arrow)"/>'
            f'<text x="{(x1 + x2) / 2 - 12:.1f}" y="{y - 6:.1f}" '
            f'fill="#555">{label}</text>'
        )
    if ey > sy:
        x1, y1 = sx + BOX_W / 2, sy + BOX_H
        x2, y2 = ex + BOX_W / 2, ey
        if ey - sy <= BOX_H + GAP_Y:
            return (
                f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" '
                f'stroke="#555" marker-end="url(#arrow)"/>'
                f'<text x="{(x1 + x2) / 2 + 6:.1f}" y="{(y1 + y2) / 2 + 4:.1f}" '
                f'fill="#555">{label}</text>'
            )
        # Past a row: bow out to the side so the line misses the boxes between.
        side = -1 if x1 <= x2 else 1
        bow = min(x1, x2) - BOX_W * 0.7 if side < 0 else max(x1, x2) + BOX_W * 0.7
        return (
            f'<path d="M{x1:.1f},{y1:.1f} C{bow:.1f},{y1 + GAP_Y:.1f} '
            f'{bow:.1f},{y2 - GAP_Y:.1f} {x2:.1f},{y2:.1f}" fill="none" '
            f'stroke="#555" marker-end="url(#arrow)"/>'
            f'<text x="{max(2.0, (x1 + 6 * bow + x2) / 8 + 4):.1f}" '
            f'y="{(y1 + y2) / 2:.1f}" '
            f'fill="#555">{label}</text>'
        )
    x1, y1 = sx + BOX_W, sy + BOX_H / 2
    x2, y2 = ex + BOX_W, ey + BOX_H / 2
    bend = max(x1, x2) + 40 + abs(y1 - y2) * 0.15
    return (
        f'<path d="M{x1:.1f},{y1:.1f} C{bend:.1f},{y1:.1f} {bend:.1f},{y2:.1f} '
        f'{x2:.1f},{y2:.1f}" fill="none" stroke="#555" stroke-dasharray="4 3" '
        f'marker-end="url(#arrow)"/>'
        f'<text x="{bend - 10:.1f}" y="{(y1 + y2) / 2:.1f}" fill="#555">{label}</text>'
    )


def _legend(y: float) -> str:
    items = [("task", "task for staff"), ("job", "automated job"), ("wait", "waiting")]
    parts = []
    for index, (kind, text) in enumerate(items):
        fill, stroke = COLOURS[kind]
        x = MARGIN + index * 150
        parts.append(
            f'<rect x="{x}" y="{y:.1f}" width="18" height="14" fill="{fill}" '
            f'stroke="{stroke}"/><text x="{x + 24}" y="{y + 12:.1f}">{text}</text>'
        )
    parts.append(
        f'<text x="{MARGIN}" y="{y + 36:.1f}" fill="#555">'
        "cancel: allowed from every state that is not final</text>"
    )
    return "".join(parts)
