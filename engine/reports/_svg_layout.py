"""Placing the boxes of the explanation graph (graph_svg): columns by layer group (longest-path ranks),
order within a column by barycentre sweeps, and vertical positions without overlap."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import networkx as nx

V_GAP = 10.0
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


def ranks(graph: nx.DiGraph) -> dict[str, int]:
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


def barycentre_order(graph: nx.DiGraph, columns: list[list[str]], sweeps: int = 3) -> None:
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
                return (mean([pos[n] for n in nb(node)], pos[node]), pos[node], node)

            columns[c].sort(key=key)
            index(columns[c])


def mean(values: list[float], default: float) -> float:
    return sum(values) / len(values) if values else default


def place(boxes: list[Box], desired: list[float]) -> None:
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
