"""The whole rule base as a graph (facts and conclusions as nodes, rules as edges).

Used by load-time validation (reachability, cycles), by the coverage test and by `rules graph`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from engine.categories import CASE_KINDS, LAYER_OF_KIND, fact_key
from engine.knowledge.base import RuleBase
from engine.knowledge.rule import ANY, Rule

if TYPE_CHECKING:
    import networkx as nx


def node_id(kind: str, name: str) -> str:
    """A vocabulary word's node: the key of its fact on no particular limb."""
    return fact_key(kind, name, "none")


def conclusion_nodes(rule: Rule) -> list[str]:
    """The nodes a rule concludes; a safety rule concludes about each recommendation it matched."""
    then = rule.then
    if then.name is not None:
        return [node_id(then.kind, then.name)]
    target = rule.target
    names = target.names if target is not None else [ANY]
    return [node_id(then.kind, name) for name in names]


def rulebase_graph(rulebase: RuleBase) -> nx.MultiDiGraph:
    """Every vocabulary word a rule can touch, with one edge per (premise, conclusion) of each rule."""
    import networkx as nx  # only when a graph is asked for: loading a rule base does not need it

    graph = nx.MultiDiGraph(name=rulebase.name, version=rulebase.version, sha256=rulebase.sha256)
    for rule in rulebase.rules:
        for target in conclusion_nodes(rule):
            kind, name = target.split(":", 1)
            graph.add_node(target, kind=kind, name=name, layer=LAYER_OF_KIND[kind])
            for condition in rule.when:
                for name in condition.names:
                    source = node_id(condition.kind, name)
                    graph.add_node(source, kind=condition.kind, name=name, layer=LAYER_OF_KIND[condition.kind])
                    graph.add_edge(
                        source, target, key=rule.id, rule=rule.id, grade=rule.grade, negated=condition.absent
                    )
    return graph


def has_cycle(rulebase: RuleBase) -> bool:
    """Whether rulebase_graph would hold a cycle (Kahn's algorithm on the same edges, without building it)."""
    edges: dict[str, set[str]] = {}
    for rule in rulebase.rules:
        sources = {node_id(c.kind, name) for c in rule.when for name in c.names}
        for target in conclusion_nodes(rule):
            edges.setdefault(target, set())
            for source in sources:
                edges.setdefault(source, set()).add(target)
    incoming = dict.fromkeys(edges, 0)
    for targets in edges.values():
        for target in targets:
            incoming[target] += 1
    ready = [node for node, count in incoming.items() if count == 0]
    removed = 0
    while ready:
        removed += 1
        for target in edges[ready.pop()]:
            incoming[target] -= 1
            if incoming[target] == 0:
                ready.append(target)
    return removed < len(edges)


def live_rules(rulebase: RuleBase) -> set[str]:
    """Rules that can fire for some case: every positive condition can be met by a case fact or a live rule."""
    reachable: set[tuple[str, str]] = set()
    live: set[str] = set()
    changed = True
    while changed:
        changed = False
        for rule in rulebase.rules:
            if rule.id in live or not all(_can_hold(c.kind, c.names, reachable) for c in rule.positive):
                continue
            live.add(rule.id)
            changed = True
            for target in conclusion_nodes(rule):
                kind, name = target.split(":", 1)
                reachable.add((kind, name))
                reachable.add((kind, ANY))
    return live


def _can_hold(kind: str, names: list[str], reachable: set[tuple[str, str]]) -> bool:
    if kind in CASE_KINDS:
        return True
    return any((kind, name) in reachable for name in names)


def with_rule_nodes(graph: nx.MultiDiGraph) -> dict:
    """The rule-base graph in the node-link shape of an explanation (rules as nodes between their
    premises and conclusions), so the same SVG and Mermaid renderers draw both."""
    nodes = [
        {"id": node, "type": "fact", "label": data["name"], **data} for node, data in sorted(graph.nodes(data=True))
    ]
    rules: dict[str, dict] = {}
    edges: set[tuple[str, str]] = set()
    for source, target, data in graph.edges(data=True):
        rule = f"rule:{data['rule']}"
        rules[rule] = {
            "id": rule,
            "type": "rule",
            "rule": data["rule"],
            "grade": data["grade"],
            "layer": "rule",
            "label": data["rule"],
        }
        edges |= {(source, rule), (rule, target)}
    nodes += [rules[key] for key in sorted(rules)]
    return {"directed": True, "nodes": nodes, "edges": [{"source": a, "target": b} for a, b in sorted(edges)]}
