"""The derivation graph of one assessment: case facts -> rule firings -> conclusions (a networkx DAG).

It answers *why* (every path from the case facts to a conclusion, with each rule's rationale and
grade) and *why not* (a withheld or blocked intervention is a node too, reached through the safety
rule that withheld or blocked it).
"""

from __future__ import annotations

from collections import Counter
from functools import cache
from typing import Any

import networkx as nx

from engine.knowledge.graph import LAYER_OF_KIND
from engine.knowledge.rulebase import RuleBase
from engine.numbers import number_text
from engine.reasoning.reasoner import Derivation

GRADE_ORDER = "ABC"  # A is the strongest


def weakest(*grades: str) -> str:
    return max(grades, key=GRADE_ORDER.index)


def strongest(*grades: str) -> str:
    return min(grades, key=GRADE_ORDER.index)


def derivation_graph(derivation: Derivation, rulebase: RuleBase) -> nx.DiGraph:
    graph = nx.DiGraph()
    vocabulary = rulebase.vocabulary
    for key, fact in derivation.facts.items():
        graph.add_node(
            key,
            type="fact",
            kind=fact["kind"],
            name=fact["name"],
            side=fact["side"],
            layer=LAYER_OF_KIND[fact["kind"]],
            label=_fact_label(fact, vocabulary),
            **({"value": fact["value"]} if "value" in fact else {}),
            **({"result": fact["result"]} if "result" in fact else {}),
            **({"observed": fact["observed"]} if "observed" in fact else {}),
        )
    seen: Counter[str] = Counter()
    for firing in sorted(set(derivation.firings), key=lambda f: (f.rule_id, f.conclusion, f.premises)):
        rule = rulebase.by_id[firing.rule_id]
        base = f"rule:{firing.rule_id}@{derivation.facts[firing.conclusion]['side']}"
        seen[base] += 1
        node = base if seen[base] == 1 else f"{base}#{seen[base]}"
        graph.add_node(
            node,
            type="rule",
            rule=rule.id,
            grade=rule.grade,
            link_grade="C" if rule.contradicted_by else rule.grade,  # a contradicted link weakens its chain to C
            rationale=rule.rationale,
            source=rule.source,
            layer="rule",
            label=rule.id,
        )
        for premise in firing.premises:
            graph.add_edge(premise, node)
        graph.add_edge(node, firing.conclusion)
    return graph


def _fact_label(fact: dict[str, Any], vocabulary: Any) -> str:
    kind, name = fact["kind"], fact["name"]
    side = "" if fact["side"] == "none" else f" ({fact['side']})"
    if kind in ("withheld", "pending", "blocked", "warning"):
        return f"{kind}: {name}{side}"
    value = (
        f" = {number_text(fact['value'])}" if "value" in fact else f" = {fact['result']}" if "result" in fact else ""
    )
    return f"{name}{value}{side}"


def firings_into(graph: nx.DiGraph, node: str) -> list[str]:
    return sorted(graph.predecessors(node))


def chain_grades(graph: nx.DiGraph) -> dict[str, str]:
    """For each fact: the weakest link of its strongest chain back to the case (case facts count as A)."""

    @cache
    def grade(node: str) -> str:
        firings = firings_into(graph, node)
        if not firings:
            return "A"
        return strongest(
            *(weakest(graph.nodes[f]["link_grade"], *(grade(p) for p in firings_into(graph, f))) for f in firings)
        )

    return {node: grade(node) for node, data in graph.nodes(data=True) if data["type"] == "fact"}


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
    """The DAG back from the node-link JSON an assessment carries (the inverse of node_link)."""
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
