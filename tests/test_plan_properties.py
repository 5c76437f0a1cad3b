"""Plan properties over generated cases (docs/clinical-basis.md, sections 0, 4 and 9), judged by this test's own rules:
no heavy loading protocol without a working diagnosis on that side; at most four core items; priorities
1..n without gaps; and every item's chain grade is the weakest link of its strongest chain, recomputed
here from the explanation graph the Assessment carries (not with the engine's own chain code)."""

from __future__ import annotations

from functools import cache
from typing import Any

import yaml
from _support import RULES, case_strategy, sides_of
from hypothesis import HealthCheck, given, settings

import engine
from engine.reports.why import graph_of

CASES = case_strategy()
FAST = {"deadline": None, "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large]}
HEAVY = frozenset({"achilles_loading_programme", "patellar_tendon_loading", "plantar_fascia_loading"})
ORDER = "ABC"  # A strongest
#: (grade, contradicted?) of every rule, read straight from the rule files
RULE_GRADES = {
    rule["id"]: (rule["grade"], bool(rule.get("contradicted_by")))
    for path in sorted(RULES.glob("[0-9]*.yaml"))
    for rule in yaml.safe_load(path.read_text(encoding="utf-8"))["rules"]
}


def _chain_grades(graph: Any) -> dict[str, str]:
    """Weakest link of the strongest chain, by plain recursion over rule nodes (a contradicted rule is C)."""

    @cache
    def grade(node: str) -> str:
        rules = [p for p in graph.predecessors(node) if graph.nodes[p]["type"] == "rule"]
        if not rules:
            return "A"  # a case fact
        chains = []
        for rule in rules:
            rule_grade, contradicted = RULE_GRADES[graph.nodes[rule]["rule"]]
            link = "C" if contradicted else rule_grade
            premises = [grade(p) for p in graph.predecessors(rule)]
            chains.append(max([link, *premises], key=ORDER.index))
        return min(chains, key=ORDER.index)

    return {n: grade(n) for n, d in graph.nodes(data=True) if d["type"] == "fact"}


@settings(max_examples=250, **FAST)
@given(case=CASES)
def test_plan_is_short_numbered_and_graded_by_its_weakest_link(case: dict[str, Any]) -> None:
    result = engine.default_engine().assess(case)
    presentations = {(p.id, s) for p in result.presentations for s in sides_of(p.side)}
    for item in result.recommendations:
        if item.id in HEAVY:
            for side in sides_of(item.side):
                assert any(s == side for _, s in presentations), f"{item.id} on the {side} leg without a diagnosis"
    assert len({r.id for r in result.recommendations if r.core}) <= 4
    assert len({r.id for r in result.recommendations if not r.core and r.role != "retest"}) <= 4
    numbers = sorted({r.priority for r in result.recommendations})
    assert numbers == list(range(1, len(numbers) + 1)), numbers
    graph = graph_of(result)
    grades = _chain_grades(graph)
    for item in [*result.recommendations, *result.risks, *result.presentations, *result.findings]:
        kind = type(item).__name__.lower()
        for side in sides_of(item.side):
            assert item.chain_grade == grades[f"{kind}:{item.id}:{side}"], (item.id, side, item.chain_grade)
