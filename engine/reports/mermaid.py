"""The explanation graph as a Mermaid `flowchart LR` block (for Markdown reports and `explain --format mermaid`).

The same pruned graph as the SVG picture: one subgraph per layer, facts as nodes, and each rule firing as
the label (its rule id) on the edges from its premises to its conclusion.
"""

from __future__ import annotations

from typing import Any

from engine.reports.dot import LAYER_COLOURS
from engine.reports.svg import LAYER_STROKES, LAYER_TITLES, fact_text, pruned_graph

LAYER_ORDER = [layer for layer in LAYER_TITLES if layer != "rule"]


def _label(text: str) -> str:
    """A quoted Mermaid label: quotes and angle brackets as entity codes."""
    for char, code in (("#", "#35;"), ('"', "#quot;"), ("<", "#lt;"), (">", "#gt;"), ("|", "#124;")):
        text = text.replace(char, code)
    return f'"{text}"'


def render_markdown_graph(explanation: dict[str, Any]) -> str:
    """A fenced ```mermaid block: facts by layer (left to right), rule ids as edge labels."""
    graph = pruned_graph(explanation)
    facts = sorted(n for n, d in graph.nodes(data=True) if d.get("type") == "fact")
    ids = {node: f"n{i}" for i, node in enumerate(facts)}
    lines = ["```mermaid", "flowchart LR"]
    if not facts:
        lines += ['  empty["no conclusions: nothing to explain"]', "```"]
        return "\n".join(lines) + "\n"
    by_layer: dict[str, list[str]] = {}
    for node in facts:
        by_layer.setdefault(graph.nodes[node]["layer"], []).append(node)
    present = [layer for layer in LAYER_ORDER if layer in by_layer]
    for layer in present:
        lines.append(f"  subgraph L_{layer}[{_label(LAYER_TITLES[layer])}]")
        for node in by_layer[layer]:
            title, detail = fact_text(graph.nodes[node])
            text = _label(title + (f" - {detail}" if detail else ""))
            lines.append(f"    {ids[node]}[{text}]")
        lines.append("  end")
    edges: list[tuple[str, str, str]] = []
    for rule in sorted(n for n, d in graph.nodes(data=True) if d.get("type") == "rule"):
        data = graph.nodes[rule]
        label = f"{data.get('rule', rule)} [{data.get('grade', '?')}]"
        for conclusion in sorted(graph.successors(rule)):
            for premise in sorted(graph.predecessors(rule)):
                if premise in ids and conclusion in ids:
                    edges.append((ids[premise], ids[conclusion], label))
    for source, target, label in sorted(set(edges), key=lambda e: (int(e[0][1:]), int(e[1][1:]), e[2])):
        lines.append(f"  {source} -->|{_label(label)}| {target}")
    for layer in present:
        lines.append(f"  classDef c_{layer} fill:{LAYER_COLOURS[layer]},stroke:{LAYER_STROKES[layer]},color:#111827")
        lines.append(f"  class {','.join(ids[n] for n in by_layer[layer])} c_{layer}")
    lines.append("```")
    return "\n".join(lines) + "\n"
