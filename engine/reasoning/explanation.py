"""The explanation graph of one assessment, built on demand from the Assessment itself: case facts -> rule
firings -> conclusions (a networkx DAG).

It answers *why* (every path from the case facts to a conclusion, with each rule's rationale and grade)
and *why not* (a withheld or blocked intervention is a node too, reached through the safety rule that
withheld or blocked it). Nothing here reads a rule base: the reasons, the case facts and the rule texts
travel in the Assessment, so the graph is the same wherever the Assessment is rendered. networkx is
imported only here, and this module only when a graph is asked for.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any

import networkx as nx

from engine.categories import LAYER_OF_KIND, key_parts, rule_node, strongest, weakest

if TYPE_CHECKING:
    from engine.reasoning.assessment import Assessment

__all__ = [
    "case_sources",
    "explanation_graph",
    "explanation_of",
    "explanation_subgraph",
    "firings_into",
    "graph_from_node_link",
    "node_link",
    "strongest",
    "weakest",
    "why_paths",
    "with_explanation",
]


def explanation_graph(assessment: Assessment, texts: bool = False) -> nx.DiGraph:
    """The derivation graph of the assessment: fact nodes (by key) and rule-firing nodes; with `texts`,
    each rule node also carries its rationale and source (for a picture or a tree; the JSON form refers
    to the assessment's `rules` table instead)."""
    graph = nx.DiGraph()
    case = {fact.key: fact for fact in assessment.facts}
    reasons = assessment.all_reasons()
    keys = sorted({r.fact for r in reasons} | {p for r in reasons for p in r.premises} | set(case))
    for key in keys:
        kind, name, side = key_parts(key)
        fact = case.get(key)
        has_value = fact is not None and fact.value is not None
        attributes: dict[str, Any] = {}
        if has_value:
            attributes["result" if isinstance(fact.value, str) else "value"] = fact.value
        if kind == "compensation":
            attributes["observed"] = key.endswith(":observed")
        graph.add_node(
            key,
            type="fact",
            kind=kind,
            name=name,
            side=side,
            layer=LAYER_OF_KIND[kind],
            label=assessment.fact_label(key),
            **attributes,
        )
    seen: Counter[str] = Counter()
    for reason in reasons:
        side = key_parts(reason.fact)[2]
        seen[f"{reason.rule}@{side}"] += 1
        node = rule_node(reason.rule, side, seen[f"{reason.rule}@{side}"])
        text = assessment.rules.get(reason.rule)
        contradicted = bool(text and text.contradicted_by)
        graph.add_node(
            node,
            type="rule",
            rule=reason.rule,
            grade=reason.grade,
            link_grade="C" if contradicted else reason.grade,  # a contradicted link weakens its chain to C
            layer="rule",
            label=reason.rule,
            **({"rationale": text.rationale, "source": text.source} if texts and text else {}),
        )
        for premise in reason.premises:
            graph.add_edge(premise, node)
        graph.add_edge(node, reason.fact)
    return graph


def explanation_of(assessment: Assessment) -> dict[str, Any]:
    """The node-link explanation a picture is drawn from: the attached one, else built now (with rule texts)."""
    if assessment.explanation is not None:
        return assessment.explanation
    return node_link(explanation_graph(assessment, texts=True))


def with_explanation(assessment: Assessment) -> Assessment:
    """The same assessment with its explanation graph attached as node-link JSON (for `--explain`)."""
    return assessment.model_copy(update={"explanation": node_link(explanation_graph(assessment))})


def firings_into(graph: nx.DiGraph, node: str) -> list[str]:
    return sorted(graph.predecessors(node))


def case_sources(graph: nx.DiGraph, node: str) -> list[str]:
    """The case facts a conclusion rests on, in key order."""
    return sorted(
        n
        for n in nx.ancestors(graph, node) | {node}
        if graph.nodes[n]["type"] == "fact" and graph.nodes[n]["layer"] == "case"
    )


def why_paths(graph: nx.DiGraph, target: str) -> list[list[str]]:
    """Every path from a case fact to the target, in a stable order."""
    paths = []
    for source in case_sources(graph, target):
        if source != target:
            paths += nx.all_simple_paths(graph, source, target)
    return sorted(paths)


def explanation_subgraph(graph: nx.DiGraph, targets: list[str]) -> nx.DiGraph:
    """The part of the graph that explains the targets: them and all their ancestors."""
    keep: set[str] = set(targets)
    for target in targets:
        keep |= nx.ancestors(graph, target)
    return graph.subgraph(sorted(keep)).copy()


def graph_from_node_link(data: dict[str, Any]) -> nx.DiGraph:
    """The DAG back from node-link JSON (the inverse of node_link)."""
    graph = nx.DiGraph()
    for node in data.get("nodes", []):
        graph.add_node(node["id"], **{k: v for k, v in node.items() if k != "id"})
    graph.add_edges_from((edge["source"], edge["target"]) for edge in data.get("edges", []))
    return graph


def node_link(graph: nx.DiGraph) -> dict[str, Any]:
    """Node-link JSON with nodes and edges in sorted order (byte-identical for the same case)."""
    return {
        "directed": True,
        "nodes": [{"id": node, **graph.nodes[node]} for node in sorted(graph.nodes)],
        "edges": [{"source": a, "target": b} for a, b in sorted(graph.edges)],
    }
