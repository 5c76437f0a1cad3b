"""Compiling rule data into durable-rules ruleset definitions (no decorators, no eval).

Each rule becomes one durable-rules rule whose patterns are joined on the limb: the first sided
condition is the anchor, and every other sided condition must be on the same (or, with `side: other`,
the opposite) limb. A rule with an `absent` condition also waits for the `case_complete` fact, which is
asserted after all case facts: durable-rules evaluates a negation when the rest of the pattern first
matches, so without the gate a later case fact could not prevent the firing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from engine.rule_model import ANY, COMPARISONS, UNSIDED_KINDS, Bounds, Condition, Rule, Where

GATE_KIND = "case_complete"
CATCH_ALL = "$catch_all"

Action = Callable[[Rule, list[dict[str, Any]], Any], None]


def _one_of(field: str, values: list[str]) -> dict[str, Any]:
    terms = [{field: value} for value in values]
    return terms[0] if len(terms) == 1 else {"$or": terms}


def compile_condition(condition: Condition, anchor: str | None) -> dict[str, Any]:
    """One durable-rules pattern for one condition."""
    terms: list[dict[str, Any]] = [{"kind": condition.kind}]
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


def compile_rule(rule: Rule, run: Callable[[Any], None]) -> dict[str, Any]:
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
    return {"all": patterns, "run": run}


def compile_rulebase(rules: tuple[Rule, ...], on_fire: Action) -> dict[str, dict[str, Any]]:
    """The durable-rules definition of a whole rule base; on_fire(rule, premises, closure) runs per firing."""

    def action_for(rule: Rule) -> Callable[[Any], None]:
        positive = [alias(i) for i, c in enumerate(rule.when) if not c.absent]

        def run(closure: Any) -> None:
            on_fire(rule, [getattr(closure, name)._d for name in positive], closure)

        return run

    definition = {rule.id: compile_rule(rule, action_for(rule)) for rule in rules}
    # Every fact must be handled or durable-rules raises MessageNotHandledException; case facts that no
    # rule uses (a normal measurement, say) are absorbed here.
    definition[CATCH_ALL] = {"all": [{"m": {"$ex": {"kind": 1}}}], "pri": 1000, "run": lambda closure: None}
    return definition
