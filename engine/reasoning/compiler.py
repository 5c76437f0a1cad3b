"""Compiling rule data into durable-rules ruleset definitions (no decorators, no eval).

Each rule becomes one durable-rules rule whose patterns are joined on the limb: the first sided
condition is the anchor, and every other sided condition must be on the same (or, with `side: other`,
the opposite) limb. A rule with an `absent` condition also waits for the `case_complete` fact, which is
asserted after all case facts: durable-rules evaluates a negation when the rest of the pattern first
matches, so without the gate a later case fact could not prevent the firing.

durable-rules 2.0.28 has fixed limits that a ruleset beyond them breaks badly (creation or matching loops
forever, a segfault, or error 303 at assert time for some facts only): hashed tests under one node of its
alpha network, listed tests, patterns ending on one node, and 64 alpha nodes pending while one fact is matched.
engine/reasoning/network.py models the network durable-rules builds from a definition (read from its C
source) and bounds each of these from the rule data; `partition` packs the rule base, in file order, into as
few rulesets as that bound allows (the bundled rule base: one), and the reasoner chains conclusions between
them when there are several. A single rule that breaks a limit on its own is refused at load.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

from engine.knowledge.rule import ANY, COMPARISONS, UNSIDED_KINDS, Bounds, Condition, Rule, Where
from engine.reasoning.network import Network

GATE_KIND = "case_complete"
SHADOW = "absent:"
CATCH_ALL = "$catch_all"
#: Tests on one fact kind a single rule may have (alternative names times families): an authoring limit
#: checked at load, far below what one ruleset takes (see network.py).
KIND_BUDGET = 56
#: Matches every fact, last (see compile_rulebase).
CATCH_ALL_RULE: dict[str, Any] = {"all": [{"m": {"$ex": {"kind": 1}}}], "pri": 1000}


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
    definition[CATCH_ALL] = CATCH_ALL_RULE
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


def _ruleset_network() -> Network:
    network = Network()
    network.add(CATCH_ALL_RULE)
    return network


def ruleset_problem(rule: Rule) -> str | None:
    """Why durable-rules cannot run this rule even alone in a ruleset (None: it can)."""
    return _ruleset_network().add(compile_rule(rule))


def partition(rules: tuple[Rule, ...], budget: int | None = None) -> list[tuple[Rule, ...]]:
    """Consecutive groups of rules, each one durable-rules ruleset whose alpha network stays within every
    limit of durable-rules 2.0.28 (network.Network, computed from the compiled rules); with `budget`, also at
    most that many tests on any one fact kind (a finer split, for tests). A rule that breaks a limit on its
    own stands alone (and is refused at load: ruleset_problem). The bundled rule base is one group; 2,000
    thresholds on one measurement are 32 (63 thresholds a value can all pass fill the matching stack)."""
    groups: list[list[Rule]] = []
    network: Network | None = None
    load: Counter[str] = Counter()
    for rule in rules:
        body, weights = compile_rule(rule), rule_weights(rule)
        over_budget = budget is not None and any(load[kind] + n > budget for kind, n in weights.items())
        if network is None or network.add(body) is not None or over_budget:
            groups.append([])
            load = Counter()
            network = _ruleset_network()
            network.add(body)
        groups[-1].append(rule)
        load.update(weights)
    return [tuple(group) for group in groups]
