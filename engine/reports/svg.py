"""The explanation graph as inline SVG, laid out left to right in layers (pure Python, no Graphviz).

Columns: case facts -> findings -> compensations -> risks -> recommendations / questions / referrals -> safety,
with each rule firing drawn as a small box (its rule id and grade) in the column just before its conclusion.
Only nodes on a path to a conclusion are drawn. Same explanation in, same bytes out.
"""

from __future__ import annotations

import re
from html import escape
from typing import Any

import networkx as nx

from engine.categories import LAYERS
from engine.numbers import number_text
from engine.reasoning.explanation import graph_from_node_link
from engine.reports._svg_layout import Box, barycentre_order, mean, place, ranks
from engine.reports.dot import LAYER_COLOURS

LAYER_TITLES = {layer: title for layer, (title, _stroke, _fill) in LAYERS.items()}
LAYER_STROKES = {layer: stroke for layer, (_title, stroke, _fill) in LAYERS.items()}
SANS = "Helvetica, Arial, 'DejaVu Sans', sans-serif"
MONO = "Menlo, Consolas, 'DejaVu Sans Mono', monospace"
INK = "#374151"
SVG_NS = "http://www.w3.org/2000/svg"
FACT_FONT, META_FONT, RULE_FONT = 12.0, 10.5, 10.0
PAD_X, PAD_Y, H_GAP, MARGIN = 8.0, 6.0, 40.0, 16.0


def pruned_graph(explanation: dict[str, Any]) -> nx.DiGraph:
    """The conclusions and everything on a path to one (case facts no rule used are dropped)."""
    graph = graph_from_node_link(explanation)
    conclusions = [n for n, d in graph.nodes(data=True) if d.get("type") == "fact" and d.get("layer") != "case"]
    keep = set(conclusions)
    for node in conclusions:
        keep |= nx.ancestors(graph, node)
    return graph.subgraph(sorted(keep)).copy()


def fact_text(data: dict[str, Any]) -> tuple[str, str]:
    """(name, detail) of a fact node, e.g. ('lunge_distance_cm', 'left · 6.5')."""
    kind, name, side = data.get("kind", ""), data.get("name", ""), data.get("side", "none")
    title = f"{kind}: {name}" if kind in ("withheld", "pending", "blocked", "warning") else name
    detail = [] if side in ("none", "", None) else [side]
    if data.get("value") is not None:
        detail.append(number_text(data["value"]))
    if "observed" in data:
        detail.append("observed" if data["observed"] else "expected")
    return title, " · ".join(detail)


def rule_text(data: dict[str, Any]) -> str:
    grade = f" [{data['grade']}]" if data.get("grade") else ""
    return f"{data.get('rule', data.get('label', ''))}{grade}"


def wrap(text: str, limit: int) -> list[str]:
    """Break after '_', '.', '-' or spaces so no line is much longer than `limit` characters."""
    lines: list[str] = []
    line = ""
    for token in re.findall(r"[^_.\s-]*[_.\s-]|[^_.\s-]+$", text):
        if line and len((line + token).rstrip()) > limit:
            lines.append(line.rstrip())
            line = token.lstrip()
        else:
            line += token
    if line.strip():
        lines.append(line.rstrip())
    return lines or [""]


def text_width(text: str, size: float, mono: bool = False) -> float:
    if mono:
        return len(text) * 0.61 * size
    narrow, medium, wide = "ijlt.,:;!|'()[] ", "frI-", "mwMW"
    units = sum(0.32 if c in narrow else 0.42 if c in medium else 0.9 if c in wide else 0.62 for c in text)
    return units * size


def layout(graph: nx.DiGraph) -> tuple[list[list[Box]], dict[str, Box]]:
    """Columns of positioned boxes (left to right) and the box of each node."""
    rank = ranks(graph)
    columns: list[list[str]] = [[] for _ in range(max(rank.values(), default=-1) + 1)]
    side_order = {"left": 0, "none": 1, "right": 2}
    for node in sorted(graph.nodes, key=lambda n: (side_order.get(graph.nodes[n].get("side"), 1), n)):
        columns[rank[node]].append(node)
    barycentre_order(graph, columns)
    boxes: dict[str, Box] = {}
    for column in columns:
        for node in column:
            data = graph.nodes[node]
            if data["type"] == "rule":
                box = Box(node, True, wrap(rule_text(data), 26), extra=data)
                box.h = len(box.lines) * RULE_FONT * 1.25 + 2 * 4
                width = max(text_width(s, RULE_FONT, mono=True) for s in box.lines)
            else:
                title, meta = fact_text(data)
                box = Box(node, False, wrap(title, 22), meta, layer=data["layer"], extra=data)
                box.h = len(box.lines) * FACT_FONT * 1.25 + (META_FONT * 1.3 if meta else 0) + 2 * PAD_Y
                width = max(text_width(s, FACT_FONT) for s in [*box.lines, meta])
            box.w = width + 2 * PAD_X
            boxes[node] = box
    grid = [[boxes[n] for n in column] for column in columns]
    x = MARGIN
    for column in grid:
        width = max(b.w for b in column)
        for box in column:
            box.x, box.w = x, width
        x += width + H_GAP
    for column in grid:
        place(column, [0.0] * len(column))
    sweeps = [(grid[1:], graph.predecessors), (grid[-2::-1], graph.successors), (grid[1:], graph.predecessors)]
    for cols, neighbours in sweeps:
        for column in cols:
            place(column, [mean([boxes[n].cy for n in neighbours(b.node)], b.cy) for b in column])
    top = min((b.y for b in boxes.values()), default=0.0)
    for box in boxes.values():
        box.y -= top
    return grid, boxes


def _attr(text: str) -> str:
    return escape(str(text), quote=True)


def _f(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _text(x: float, y: float, text: str, size: float, fill: str, family: str, weight: str = "normal") -> str:
    return (
        f'<text x="{_f(x)}" y="{_f(y)}" font-family="{_attr(family)}" font-size="{_f(size)}" '
        f'font-weight="{weight}" fill="{fill}">{_attr(text)}</text>'
    )


def _legend(layers: list[str], width: float, y: float) -> tuple[list[str], float]:
    out, x = [], MARGIN
    for layer in [*layers, "rule"]:
        label = LAYER_TITLES[layer]
        item = 14 + 6 + text_width(label, 11) + 18
        if x + item > width - MARGIN and x > MARGIN:
            x, y = MARGIN, y + 20
        fill = "#ffffff" if layer == "rule" else LAYER_COLOURS[layer]
        out.append(
            f'<rect x="{_f(x)}" y="{_f(y)}" width="14" height="14" rx="3" fill="{fill}" '
            f'stroke="{LAYER_STROKES[layer]}" stroke-width="1.2"/>'
        )
        out.append(_text(x + 20, y + 11, label, 11, "#374151", SANS))
        x += item
    return out, y + 14


def render_svg(explanation: dict[str, Any], title: str = "") -> str:
    """The pruned explanation graph as a standalone <svg> element (viewBox set, width 100%)."""
    graph = pruned_graph(explanation)
    if graph.number_of_nodes() == 0:
        return (
            f'<svg xmlns="{SVG_NS}" viewBox="0 0 420 40" width="100%" role="img" '
            f'aria-label="explanation graph">{_text(MARGIN, 25, "No conclusions: nothing to explain.", 13, INK, SANS)}'
            "</svg>\n"
        )
    grid, boxes = layout(graph)
    graph_width = max(b.x + b.w for b in boxes.values()) + MARGIN
    present = sorted({b.layer for b in boxes.values() if not b.rule}, key=lambda layer: list(LAYER_TITLES).index(layer))
    head: list[str] = []
    y = MARGIN
    if title:
        head.append(_text(MARGIN, y + 13, title, 15, "#111827", SANS, "bold"))
        y += 26
    legend, y = _legend(present, graph_width, y)
    width = max(graph_width, text_width(title, 15) + 2 * MARGIN)
    head += legend
    y += 20
    headers = []
    for column in grid:
        layers = sorted({b.layer for b in column}, key=list(LAYER_TITLES).index)
        label = "rules" if layers == ["rule"] else " / ".join(LAYER_TITLES[x] for x in layers if x != "rule")
        headers.append(wrap(label.upper(), max(int(column[0].w / (10 * 0.7)), 8)))
    for column, lines in zip(grid, headers, strict=True):
        for i, line in enumerate(lines):
            head.append(_text(column[0].x, y + 12 * i, line, 10, "#6b7280", SANS, "bold"))
    body_top = y + 12 * max(len(lines) for lines in headers)
    for box in boxes.values():
        box.y += body_top
    height = max(b.y + b.h for b in boxes.values()) + MARGIN
    edges, nodes = [], []
    for source, target in sorted(graph.edges):
        a, b = boxes[source], boxes[target]
        x1, y1, x2, y2 = a.x + a.w, a.cy, b.x - 1, b.cy
        dx = max((x2 - x1) / 2, 12)
        colour = LAYER_STROKES[a.layer]
        edges.append(
            f'<path d="M{_f(x1)},{_f(y1)} C{_f(x1 + dx)},{_f(y1)} {_f(x2 - dx)},{_f(y2)} {_f(x2)},{_f(y2)}" '
            f'fill="none" stroke="{colour}" stroke-width="1.2" stroke-opacity="0.65"/>'
        )
        edges.append(f'<path d="M{_f(x2)},{_f(y2)} l-6,-3.2 v6.4 z" fill="{colour}" fill-opacity="0.8"/>')
    for node in sorted(boxes):
        nodes.append(_node_svg(boxes[node]))
    aria = _attr(title or "explanation graph")
    return (
        f'<svg xmlns="{SVG_NS}" viewBox="0 0 {_f(width)} {_f(height)}" width="100%" '
        f'role="img" aria-label="{aria}" data-width="{_f(width)}">'
        f"<title>{aria}</title>"
        f'<rect x="0" y="0" width="{_f(width)}" height="{_f(height)}" fill="#ffffff"/>'
        + "".join(head)
        + '<g class="edges">'
        + "".join(edges)
        + '</g><g class="nodes">'
        + "".join(nodes)
        + "</g></svg>\n"
    )


def _node_svg(box: Box) -> str:
    data = box.extra
    if box.rule:
        tip = f"rule {data.get('rule', '')} (grade {data.get('grade', '?')}): {data.get('rationale', '')}"
        parts = [
            f'<rect x="{_f(box.x)}" y="{_f(box.y)}" width="{_f(box.w)}" height="{_f(box.h)}" rx="3" '
            f'fill="#ffffff" stroke="{LAYER_STROKES["rule"]}" stroke-width="1" stroke-dasharray="3 2"/>'
        ]
        for i, line in enumerate(box.lines):
            parts.append(_text(box.x + PAD_X, box.y + 4 + RULE_FONT * (1.25 * i + 1), line, RULE_FONT, "#374151", MONO))
    else:
        tip = str(data.get("label", box.node))
        parts = [
            f'<rect x="{_f(box.x)}" y="{_f(box.y)}" width="{_f(box.w)}" height="{_f(box.h)}" rx="6" '
            f'fill="{LAYER_COLOURS[box.layer]}" stroke="{LAYER_STROKES[box.layer]}" stroke-width="1.2"/>'
        ]
        for i, line in enumerate(box.lines):
            y = box.y + PAD_Y + FACT_FONT * (1.25 * i + 0.95)
            parts.append(_text(box.x + PAD_X, y, line, FACT_FONT, "#111827", SANS, "bold"))
        if box.meta:
            y = box.y + PAD_Y + FACT_FONT * 1.25 * len(box.lines) + META_FONT
            parts.append(_text(box.x + PAD_X, y, box.meta, META_FONT, "#4b5563", SANS))
    return (
        f'<g class="{"rule" if box.rule else "fact " + box.layer}" data-node="{_attr(box.node)}">'
        f"<title>{_attr(tip)}</title>{''.join(parts)}</g>"
    )
