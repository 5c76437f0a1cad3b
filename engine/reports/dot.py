"""Graphviz DOT text for explanation and rule-base graphs (text only: no Graphviz binary is needed)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import networkx as nx  # annotations only: these reports need no networkx to run


from engine.categories import LAYERS

#: layer -> fill colour (engine.categories.LAYERS)
LAYER_COLOURS = {layer: fill for layer, (_title, _stroke, fill) in LAYERS.items()}


def _quote(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def to_dot(graph: nx.DiGraph | nx.MultiDiGraph, name: str = "explanation") -> str:
    """Left-to-right DOT; nodes coloured by layer, rule nodes as small boxes, rule-base edges labelled by rule."""
    lines = [f"digraph {_quote(name)} {{", "  rankdir=LR;", '  node [style=filled, fontname="Helvetica"];']
    for node in sorted(graph.nodes):
        data = graph.nodes[node]
        shape = "box" if data.get("type") == "rule" else "ellipse"
        label = data.get("label", node)
        if data.get("grade") and data.get("type") == "rule":
            label = f"{label} [{data['grade']}]"
        colour = LAYER_COLOURS.get(data.get("layer", ""), "#ffffff")
        lines.append(f"  {_quote(node)} [label={_quote(label)}, shape={shape}, fillcolor={_quote(colour)}];")
    edges = (
        graph.edges(keys=True, data=True)
        if graph.is_multigraph()
        else ((a, b, None, d) for a, b, d in graph.edges(data=True))
    )
    for source, target, _key, data in sorted(edges, key=lambda e: (e[0], e[1], str(e[2]))):
        label = f" [label={_quote(data['rule'])}]" if data.get("rule") else ""
        lines.append(f"  {_quote(source)} -> {_quote(target)}{label};")
    lines.append("}")
    return "\n".join(lines) + "\n"
