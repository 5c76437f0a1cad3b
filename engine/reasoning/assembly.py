"""From a derivation to the Assessment: items per layer, the safety outcome applied, sides merged, sorted.

Every choice here is a function of the set of facts and firings, never of the order durable-rules fired in:
facts are visited in key order, firings in sorted order, and where two facts make one item (an expected and
an observed compensation, the left and right of one item) the item keeps the strongest evidence of both.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from engine.categories import fact_key
from engine.knowledge.bibliography import cited_references
from engine.knowledge.rule import NUMERIC_KINDS
from engine.knowledge.rulebase import RuleBase
from engine.reasoning._building import Builder, Item, make, merge_sides, order_by
from engine.reasoning.assessment import (
    ITEM_LAYERS,
    Assessment,
    Compensation,
    Finding,
    Presentation,
    Question,
    Referral,
    Risk,
)
from engine.reasoning.interventions import interventions
from engine.reasoning.plan import compose
from engine.reasoning.reasoner import Derivation
from engine.reasoning.status import judge_status
from engine.version import __version__


def _referrals(b: Builder) -> list[Referral]:
    order = b.vocabulary.words("urgencies")
    referrals = []
    for fact in b.facts("referral"):
        rules = b.rules_of(fact["key"])
        flags = b.premises_of(fact["key"], "red_flag")
        referrals.append(
            make(
                Referral,
                {
                    **b.common(fact),
                    "urgency": min((rule.then.urgency for rule in rules), key=order.index),
                    "red_flags": flags,
                    "whole_patient": any(b.vocabulary.is_whole_patient(flag) for flag in flags),
                    "notes": sorted({rule.then.qualifier for rule in rules if rule.then.qualifier}),
                },
            )
        )
    return merge_sides(sorted(referrals, key=lambda r: (order.index(r.urgency), r.id, r.side)))


def _thresholds(b: Builder, key: str) -> list[dict[str, Any]]:
    """The cut-offs the rules behind a finding tested, each with the value measured."""
    found = set()
    for firing in b.trace.into.get(key, ()):
        rule = b.rulebase.by_id[firing.rule_id]
        for condition, premise in zip(rule.positive, firing.premises, strict=True):
            fact = b.trace.facts[premise]
            if condition.kind in NUMERIC_KINDS and "value" in fact:
                for test, bound in condition.bounds().items():
                    found.add((fact["name"], fact["side"], fact["value"], test, bound, rule.id))
    return [
        {"measurement": n, "side": s, "value": v, "test": t, "threshold": x, "rule": r}
        for n, s, v, t, x, r in sorted(found, key=lambda row: (row[0], row[1], row[3], row[5]))
    ]


def _compensations(b: Builder) -> list[Compensation]:
    """Seen and expected on one limb: one item, observed, with the strongest evidence of the two."""
    items = []
    for name, side in sorted({(f["name"], f["side"]) for f in b.facts("compensation")}):
        keys = tuple(k for k in (fact_key("compensation", name, side, o) for o in (True, False)) if b.trace.has(k))
        fact = b.trace.facts[keys[0]]
        observed = any(b.trace.facts[k]["observed"] for k in keys)
        items.append(make(Compensation, {**b.common(fact, keys=keys), "observed": observed}))
    return items


def _case_facts(b: Builder) -> list[dict[str, Any]]:
    out = []
    for key in b.trace.case_facts:
        fact = b.trace.facts[key]
        try:
            label = b.vocabulary.label(fact["kind"], fact["name"])
        except KeyError:  # a limb, or a patient number without a vocabulary entry: its name is its label
            label = fact["name"]
        value = fact.get("value", fact.get("result"))
        spec = b.vocabulary.measurements.get(fact["name"]) or b.vocabulary.derived_measurements.get(fact["name"])
        unit = getattr(spec, "unit", None) if fact["kind"] == "measurement" else None
        out.append({"key": key, "label": label, "value": value, "unit": unit})
    return out


def _labels(b: Builder, items: list[Any]) -> dict[str, str]:
    """Labels of the words items name besides their own: red flags, blocking conditions, alternatives."""
    words = set()
    for item in items:  # items under construction are dicts: a missing field is a default, not an exception
        words.update(item.get("red_flags", ()), item.get("also_blocked_by", ()), item.get("conditions", ()))
        words.update([item["alternative"]] if item.get("alternative") else [])
    labels = {}
    for word in sorted(words):
        for kind in ("red_flag", "condition", "finding", "presentation", "recommendation"):
            try:
                labels[word] = b.vocabulary.label(kind, word)
                break
            except KeyError:
                continue
    return labels


def _rule_texts(b: Builder) -> dict[str, dict[str, Any]]:
    texts = {}
    for rule_id in sorted({f.rule_id for firings in b.trace.into.values() for f in firings}):
        rule = b.rulebase.by_id[rule_id]
        texts[rule_id] = {
            "grade": rule.grade,
            "source": rule.source,
            "rationale": rule.rationale,
            "contradicted_by": list(rule.contradicted_by),
        }
    return texts


def assemble(
    case: BaseModel, derivation: Derivation, rulebase: RuleBase, explain: bool = False, compact: bool = False
) -> Assessment:
    """The Assessment of a derivation. With `compact`, the fields its compact JSON leaves out (case facts, rule
    texts, references, unlisted firings: assessment.COMPACT_EXCLUDE) are left empty instead of built: for a
    caller that only writes that JSON (a batch without reports); no report can be made from it."""
    b = Builder(derivation, rulebase)
    vocabulary = rulebase.vocabulary
    findings = [
        make(
            Finding,
            {
                **b.common(f),
                "qualifiers": sorted({r.then.qualifier for r in b.rules_of(f["key"]) if r.then.qualifier}),
                "thresholds": _thresholds(b, f["key"]),
            },
        )
        for f in b.facts("finding")
    ]
    compensations = _compensations(b)
    risks = [make(Risk, b.common(f)) for f in b.facts("risk")]
    presentations = [make(Presentation, b.common(f)) for f in b.facts("presentation")]
    questions = [make(Question, b.common(f, vocabulary.questions[f["name"]].label)) for f in b.facts("question")]
    recommendations, withheld, blocked = interventions(b)
    recommendations, omitted = compose(recommendations)
    referrals = _referrals(b)
    questions = merge_sides(sorted(questions, key=order_by(vocabulary.words("questions"))))
    status, status_text = judge_status(vocabulary, referrals, questions, recommendations, withheld)
    echo = case.model_dump(mode="json", exclude_none=True)
    assessment = Item(
        case_id=case.case_id,
        visit_date=case.visit_date.isoformat() if case.visit_date else None,
        patient=case.patient.model_dump(exclude_none=True) if case.patient else {},
        engine_version=__version__,
        rulebase=rulebase.identity(),
        status=status,
        status_text=status_text,
        referrals=referrals,
        presentations=merge_sides(sorted(presentations, key=order_by(vocabulary.words("presentations")))),
        findings=merge_sides(sorted(findings, key=order_by(vocabulary.words("findings")))),
        compensations=merge_sides(sorted(compensations, key=order_by(vocabulary.words("compensations")))),
        risks=merge_sides(sorted(risks, key=order_by(vocabulary.words("risks")))),
        recommendations=recommendations,
        withheld=withheld,
        blocked=blocked,
        questions=questions,
        omitted=omitted,
        case={key: value for key, value in echo.items() if key != "extensions"},
        extensions=echo.get("extensions"),
        facts=[] if compact else _case_facts(b),
        derived=[],
        references=[],
        rules={} if compact else _rule_texts(b),
        explanation=None,
    )
    # built from the finished items so the numbering follows report order; reports then need no rule base
    items = [item for layer in ITEM_LAYERS for item in assessment[layer]]
    if not compact:
        shown = {reason["fact"] for item in items for reason in item["because"]}
        assessment["derived"] = b.trace.reasons(*(key for key in sorted(b.trace.into) if key not in shown))
        assessment["references"] = cited_references(items, rulebase.bibliography)
    assessment["labels"] = _labels(b, items)
    result = Assessment.model_validate(assessment)
    if explain:
        from engine.reasoning.explanation import with_explanation

        result = with_explanation(result)
    return result
