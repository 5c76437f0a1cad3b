"""The explanation graph as inline SVG, laid out left to right in layers (pure Python, no Graphviz).

Columns: case facts -> findings -> compensations -> risks -> recommendations / questions / referrals -> safety,
with each rule firing drawn as a small box (its rule id and grade) in the column just before its conclusion.
Only nodes on a path to a conclusion are drawn. Same explanation in, same bytes out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html import escape
from typing import Any

import networkx as nx

from engine.explanation import graph_from_node_link
from engine.graph_export import LAYER_COLOURS

#: Left-to-right group of each explanation layer; rule nodes sit between groups.
GROUP_OF_LAYER = {
    "case": 0,
    "findings": 1,
    "compensations": 2,
    "presentations": 3,
    "risks": 3,
    "recommendations": 4,
    "questions": 4,
    "referrals": 4,
    "safety": 5,
}
#: layer -> (legend title, stroke colour); fills come from graph_export.LAYER_COLOURS.
LAYERS = {
    "case": ("Case facts", "#5b8ac4"),
    "findings": ("Findings", "#c9a227"),
    "compensations": ("Compensations", "#d9822b"),
    "presentations": ("Presentations", "#8c3b8c"),
    "risks": ("Risks", "#c94c4c"),
    "recommendations": ("Recommendations", "#3f9b5f"),
    "questions": ("Questions", "#8162c4"),
    "referrals": ("Referrals", "#b42318"),
    "safety": ("Safety", "#7a7a7a"),
    "rule": ("Rule firing (id [grade])", "#9aa3b2"),
}
LAYER_TITLES = {layer: title for layer, (title, _) in LAYERS.items()}
LAYER_STROKES = {layer: stroke for layer, (_, stroke) in LAYERS.items()}
SANS = "Helvetica, Arial, 'DejaVu Sans', sans-serif"
MONO = "Menlo, Consolas, 'DejaVu Sans Mono', monospace"
INK = "#374151"
SVG_NS = "http://www.w3.org/2000/svg"
FACT_FONT, META_FONT, RULE_FONT = 12.0, 10.5, 10.0
PAD_X, PAD_Y, V_GAP, H_GAP, MARGIN = 8.0, 6.0, 10.0, 40.0, 16.0


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
        detail.append(f"{data['value']:g}")
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


@dataclass
class Box:
    node: str
    rule: bool
    lines: list[str]
    meta: str = ""
    x: float = 0.0
    y: float = 0.0
    w: float = 0.0
    h: float = 0.0
    layer: str = "rule"
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def cy(self) -> float:
        return self.y + self.h / 2


def _ranks(graph: nx.DiGraph) -> dict[str, int]:
    """Longest-path layering that keeps the layer groups in order; a rule sits just left of its conclusion."""
    rank: dict[str, int] = {}
    order = list(nx.lexicographical_topological_sort(graph))
    base = 0
    for group in range(max(GROUP_OF_LAYER.values()) + 1):
        facts = [
            n for n in order if graph.nodes[n]["type"] == "fact" and GROUP_OF_LAYER[graph.nodes[n]["layer"]] == group
        ]
        if not facts:
            continue
        for node in facts:
            firings = [
                max((rank.get(p, base - 2) for p in graph.predecessors(r)), default=base - 2) + 1
                for r in graph.predecessors(node)
            ]
            rank[node] = max([base, *(f + 1 for f in firings)])
        base = max(rank.values()) + 2
    for node in order:
        if graph.nodes[node]["type"] == "rule":
            rank[node] = min(rank[s] for s in graph.successors(node)) - 1
    used = sorted(set(rank.values()))
    return {node: used.index(r) for node, r in rank.items()}


def _barycentre_order(graph: nx.DiGraph, columns: list[list[str]], sweeps: int = 3) -> None:
    """Reorder each column by the mean position of its neighbours (down and up sweeps) to cut crossings."""
    pos: dict[str, float] = {}

    def index(column: list[str]) -> None:
        for i, node in enumerate(column):
            pos[node] = (i + 0.5) / len(column)

    for column in columns:
        index(column)
    down = (range(1, len(columns)), graph.predecessors)
    up = (range(len(columns) - 2, -1, -1), graph.successors)
    for cols, neighbours in [down, up] * sweeps + [down]:
        for c in cols:

            def key(node: str, nb: Any = neighbours) -> tuple[float, float, str]:
                return (_mean([pos[n] for n in nb(node)], pos[node]), pos[node], node)

            columns[c].sort(key=key)
            index(columns[c])


def _mean(values: list[float], default: float) -> float:
    return sum(values) / len(values) if values else default


def _place(boxes: list[Box], desired: list[float]) -> None:
    """Tops in order with gaps, centres as close to `desired` as possible (least squares, pool adjacent)."""
    offsets, total = [], 0.0
    for box in boxes:
        offsets.append(total)
        total += box.h + V_GAP
    blocks: list[list[float]] = []  # [sum, count]
    for box, want, off in zip(boxes, desired, offsets, strict=True):
        blocks.append([want - box.h / 2 - off, 1.0])
        while len(blocks) > 1 and blocks[-2][0] / blocks[-2][1] > blocks[-1][0] / blocks[-1][1]:
            s, n = blocks.pop()
            blocks[-1][0] += s
            blocks[-1][1] += n
    values = [b[0] / b[1] for b in blocks for _ in range(int(b[1]))]
    for box, value, off in zip(boxes, values, offsets, strict=True):
        box.y = value + off


def layout(graph: nx.DiGraph) -> tuple[list[list[Box]], dict[str, Box]]:
    """Columns of positioned boxes (left to right) and the box of each node."""
    rank = _ranks(graph)
    columns: list[list[str]] = [[] for _ in range(max(rank.values(), default=-1) + 1)]
    side_order = {"left": 0, "none": 1, "right": 2}
    for node in sorted(graph.nodes, key=lambda n: (side_order.get(graph.nodes[n].get("side"), 1), n)):
        columns[rank[node]].append(node)
    _barycentre_order(graph, columns)
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
        _place(column, [0.0] * len(column))
    sweeps = [(grid[1:], graph.predecessors), (grid[-2::-1], graph.successors), (grid[1:], graph.predecessors)]
    for cols, neighbours in sweeps:
        for column in cols:
            _place(column, [_mean([boxes[n].cy for n in neighbours(b.node)], b.cy) for b in column])
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
