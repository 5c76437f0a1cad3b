"""Answering "why?" and "why not?" for one intervention of one assessment."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from engine.reasoning.assessment import Assessment
from engine.reasoning.explanation import explanation_graph, explanation_subgraph, firings_into, why_paths

if TYPE_CHECKING:
    import networkx as nx  # annotations only: these reports need no networkx to run

#: Where an intervention can end up, in the order `explain` looks for it.
OUTCOMES = ("recommendation", "withheld", "pending", "blocked")


def graph_of(assessment: Assessment) -> nx.DiGraph:
    """The derivation DAG of the assessment, with each rule's rationale and source."""
    return explanation_graph(assessment, texts=True)


@dataclass(frozen=True)
class Answer:
    """The nodes that answer the question and the graph around them."""

    intervention: str
    targets: list[str]
    graph: nx.DiGraph

    @property
    def found(self) -> bool:
        return bool(self.targets)

    def subgraph(self) -> nx.DiGraph:
        return explanation_subgraph(self.graph, self.targets)

    def paths(self) -> list[list[str]]:
        return [path for target in self.targets for path in why_paths(self.graph, target)]


def explain(assessment: Assessment, intervention: str, side: str | None = None) -> Answer:
    """Find the intervention as recommended, withheld or blocked (on a side, or on every side)."""
    graph = graph_of(assessment)
    sides = ("left", "right") if side in (None, "both") else (side,)
    targets = [
        node for outcome in OUTCOMES for one in sides if graph.has_node(node := f"{outcome}:{intervention}:{one}")
    ]
    return Answer(intervention, targets, graph)


def _describe_outcome(graph: nx.DiGraph, node: str) -> str:
    data = graph.nodes[node]
    verdicts = {
        "recommendation": "recommended",
        "withheld": "NOT recommended: withheld because of a red flag",
        "pending": "NOT recommended yet: held until a required screen is answered",
        "blocked": "NOT recommended: blocked by a contraindication",
    }
    if data["kind"] == "recommendation" and any(
        graph.has_node(f"{kind}:{data['name']}:{data['side']}") for kind in ("withheld", "pending", "blocked")
    ):
        return f"{data['name']} ({data['side']}): proposed by the plan rules"
    return f"{data['name']} ({data['side']}): {verdicts[data['kind']]}"


def render_tree(answer: Answer) -> str:
    """An indented derivation tree, each rule with its grade, rationale and source."""
    graph = answer.graph
    lines: list[str] = []

    def walk(node: str, prefix: str, seen: frozenset[str]) -> None:
        for index, firing in enumerate(firings_into(graph, node)):
            last = index == len(firings_into(graph, node)) - 1
            rule = graph.nodes[firing]
            branch = "└─" if last else "├─"
            text = f"rule {rule['rule']} [grade {rule['grade']}]: {rule['rationale']} ({rule['source']})"
            lines.append(f"{prefix}{branch} {text}")
            inner = prefix + ("   " if last else "│  ")
            premises = firings_into(graph, firing)
            for number, premise in enumerate(premises):
                end = number == len(premises) - 1
                data = graph.nodes[premise]
                tag = "  [case]" if data["layer"] == "case" else ""
                lines.append(f"{inner}{'└─' if end else '├─'} {data['label']}{tag}")
                if premise not in seen:
                    walk(premise, inner + ("   " if end else "│  "), seen | {premise})

    for target in answer.targets:
        lines.append(_describe_outcome(graph, target))
        walk(target, "", frozenset({target}))
        lines.append("")
    lines.append("Paths from the case facts:")
    for path in answer.paths():
        lines.append("  " + " -> ".join(graph.nodes[n]["label"] for n in path))
    return "\n".join(lines) + "\n"
