"""Compiling rule data into durable-rules ruleset definitions (no decorators, no eval).

Each rule becomes one durable-rules rule whose patterns are joined on the limb: the first sided
condition is the anchor, and every other sided condition must be on the same (or, with `side: other`,
the opposite) limb. A rule with an `absent` condition also waits for the `case_complete` fact, which is
asserted after all case facts: durable-rules evaluates a negation when the rest of the pattern first
matches, so without the gate a later case fact could not prevent the firing.

durable-rules 2.0.28 caps the fan-out of each node of its Rete network, and a ruleset beyond a cap never
works: at most 512 tests hashed under one node (the 513th makes ruleset creation loop forever: 513 rules
with different thresholds on one measurement), 128 listed tests (`$or`, `$nex`: error 107), 256 rules
sharing one pattern (error 108), and 64 alpha nodes pending while one fact is matched (error 303 when
asserting: 100 rules with different thresholds on one measurement). Patterns start with their kind test,
so nothing below a kind's node can exceed the number of tests on that kind; the rule base is packed, in
file order, into rulesets with at most KIND_BUDGET tests on any kind (`partition`), and the reasoner chains
conclusions between them. A single rule heavier than that is refused at load.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

from engine.knowledge.rule import ANY, COMPARISONS, UNSIDED_KINDS, Bounds, Condition, Rule, Where

GATE_KIND = "case_complete"
SHADOW = "absent:"
CATCH_ALL = "$catch_all"
#: Tests on one fact kind per durable-rules ruleset: every node below the kind's test, and the matching
#: stack for a fact of that kind, is bounded by it; below every cap above (the smallest is 64).
KIND_BUDGET = 56


def _one_of(field: str, values: list[str]) -> dict[str, Any]:
    terms = [{field: value} for value in values]
    return terms[0] if len(terms) == 1 else {"$or": terms}


def matched_kind(condition: Condition) -> str:
    """The fact kind a condition's pattern matches: its own, or for `absent` the kind's shadow.

    durable-rules never matches one fact with two patterns of the same rule, so a negated pattern cannot
    see the fact a positive pattern already holds ("a symptom at the ankle, and no injury-onset ankle symptom
    this week" would fire on the injured ankle itself). Every case fact of a kind some rule negates is
    therefore asserted twice, as itself and as its shadow (SHADOW + kind), and negations match shadows."""
    return SHADOW + condition.kind if condition.absent else condition.kind


def shadows(facts: list[dict[str, Any]], kinds: frozenset[str]) -> list[dict[str, Any]]:
    """The shadow of every fact whose kind some `absent` condition names (see matched_kind)."""
    return [
        {**fact, "kind": SHADOW + fact["kind"], "key": SHADOW + fact["key"]} for fact in facts if fact["kind"] in kinds
    ]


def negated_kinds(rules: tuple[Rule, ...]) -> frozenset[str]:
    return frozenset(c.kind for rule in rules for c in rule.when if c.absent)


def compile_condition(condition: Condition, anchor: str | None) -> dict[str, Any]:
    """One durable-rules pattern for one condition."""
    terms: list[dict[str, Any]] = [{"kind": matched_kind(condition)}]
    # The limb join must come before any $or: durable-rules 2.0.28 drops a reference placed after one.
    if anchor is not None and condition.kind not in UNSIDED_KINDS:
        terms.append({"side": {anchor: "side" if condition.side == "same" else "opposite"}})
    if condition.names != [ANY]:
        terms.append(_one_of("name", condition.names))
    terms += [{COMPARISONS[key]: {"value": value}} for key, value in condition.bounds().items()]
    if condition.observed is not None:
        terms.append({"observed": condition.observed})
    if condition.families:
        terms.append(_one_of("family", condition.families))
    if condition.not_family is not None:
        excluded = condition.not_family if isinstance(condition.not_family, list) else [condition.not_family]
        terms += [{"$neq": {"family": family}} for family in excluded]
    if condition.where is not None:
        terms += _where_terms(condition.where)
    return {"$and": terms}


def _where_terms(where: Where) -> list[dict[str, Any]]:
    terms: list[dict[str, Any]] = []
    for field, value in where.terms().items():
        if value == "absent":
            terms.append({"$nex": {field: 1}})
        elif isinstance(value, Bounds):
            terms += [{COMPARISONS[key]: {field: bound}} for key, bound in value.bounds().items()]
        elif isinstance(value, bool):
            terms.append({field: value})
        else:
            terms.append(_one_of(field, value if isinstance(value, list) else [value]))
    return terms


def alias(index: int) -> str:
    return f"p{index}"


def anchor_index(rule: Rule) -> int:
    return next(i for i, c in enumerate(rule.when) if not c.absent and c.kind not in UNSIDED_KINDS and c.side == "same")


def compile_rule(rule: Rule) -> dict[str, Any]:
    anchor = anchor_index(rule)
    patterns: list[dict[str, Any]] = []
    if any(c.absent for c in rule.when):
        patterns.append({"gate": {"kind": GATE_KIND}})
    order = [anchor] + [i for i, c in enumerate(rule.when) if i != anchor and not c.absent]
    order += [i for i, c in enumerate(rule.when) if c.absent]
    for index in order:
        condition = rule.when[index]
        name = alias(index) + ("$not" if condition.absent else "")
        patterns.append({name: compile_condition(condition, None if index == anchor else alias(anchor))})
    return {"all": patterns}


def compile_rulebase(rules: tuple[Rule, ...]) -> dict[str, dict[str, Any]]:
    """The durable-rules definition of a group of rules (see partition), keyed by rule id."""
    definition = {rule.id: compile_rule(rule) for rule in rules}
    # Every fact must be handled or durable-rules refuses it (MessageNotHandledException), and a refused
    # fact leaves the C engine's session memory corrupt (a crash when the state is deleted). The catch-all
    # matches every fact, last (pri 1000); the host skips its firings without parsing them. A catch-all
    # that never fires (a second pattern no fact matches) was tried: with several rulesets in one process
    # it corrupts memory in durable-rules 2.0.28 too.
    definition[CATCH_ALL] = {"all": [{"m": {"$ex": {"kind": 1}}}], "pri": 1000}
    return definition


def with_actions(definition: dict[str, dict[str, Any]], run: Callable[[str, Any], None]) -> dict[str, Any]:
    """The same definition for durable-rules' own Python host, which needs an action per rule:
    run(rule_id, closure). Used by the benchmark and the tests that compare the two hosts."""

    def action_for(rule_id: str) -> Callable[[Any], None]:
        def action(closure: Any) -> None:  # one parameter: durable-rules reads a second one as "async"
            run(rule_id, closure)

        return action

    return {rule_id: {**body, "run": action_for(rule_id)} for rule_id, body in definition.items()}


def rule_weights(rule: Rule) -> Counter[str]:
    """The tests the rule adds to a ruleset, per fact kind: one per alternative name (times family) per
    condition, and one on the gate for a rule with an absent condition."""
    weights: Counter[str] = Counter()
    for condition in rule.when:
        excluded = condition.not_family if isinstance(condition.not_family, list) else [condition.not_family]
        weights[condition.kind] += len(condition.names) * len(condition.families or [None])
        weights[condition.kind] += len(excluded) if condition.not_family is not None else 0
    weights[GATE_KIND] += any(c.absent for c in rule.when)
    return weights


def rule_weight(rule: Rule) -> int:
    """The rule's heaviest kind: a rule heavier than KIND_BUDGET cannot be compiled (refused at load)."""
    return max(rule_weights(rule).values())


def partition(rules: tuple[Rule, ...], budget: int = KIND_BUDGET) -> list[tuple[Rule, ...]]:
    """Consecutive groups of rules with at most `budget` tests on any one fact kind (a heavier rule stands
    alone). The bundled rule base is five groups; 2,000 rules on one measurement are 36."""
    groups: list[list[Rule]] = []
    load: Counter[str] = Counter()
    for rule in rules:
        weights = rule_weights(rule)
        if not groups or any(load[kind] + n > budget for kind, n in weights.items()):
            groups.append([])
            load = Counter()
        groups[-1].append(rule)
        load.update(weights)
    return [tuple(group) for group in groups]
