"""From a derivation to the Assessment: items per layer, the safety outcome applied, sides merged, sorted."""

from __future__ import annotations

from typing import Any

import networkx as nx
from pydantic import BaseModel

from engine.knowledge.bibliography import cited_references
from engine.knowledge.rule import ANY, Rule
from engine.knowledge.rulebase import RuleBase
from engine.reasoning.assessment import (
    Assessment,
    Blocked,
    Compensation,
    Evidence,
    Finding,
    Presentation,
    Question,
    Recommendation,
    Referral,
    Risk,
    RuleBaseIdentity,
    Withheld,
)
from engine.reasoning.explanation import chain_grades, derivation_graph, firings_into, node_link, strongest
from engine.reasoning.facts import fact_key
from engine.reasoning.plan import ROLES, compose
from engine.reasoning.reasoner import Derivation
from engine.reasoning.status import judge_status
from engine.version import __version__


class _Builder:
    """Holds one derivation and its graph while the items are built."""

    def __init__(self, derivation: Derivation, rulebase: RuleBase) -> None:
        self.derivation = derivation
        self.rulebase = rulebase
        self.vocabulary = rulebase.vocabulary
        self.graph = derivation_graph(derivation, rulebase)
        self.chain = chain_grades(self.graph)

    def facts(self, kind: str) -> list[dict[str, Any]]:
        return [fact for fact in self.derivation.facts.values() if fact["kind"] == kind]

    def rules_of(self, key: str) -> list[Rule]:
        ids = sorted({self.graph.nodes[f]["rule"] for f in firings_into(self.graph, key)})
        return [self.rulebase.by_id[rule_id] for rule_id in ids]

    def premises_of(self, key: str, *kinds: str) -> list[str]:
        """Names of the given kinds among the facts the firings into `key` matched."""
        names = {
            self.graph.nodes[p]["name"]
            for f in firings_into(self.graph, key)
            for p in firings_into(self.graph, f)
            if self.graph.nodes[p]["kind"] in kinds
        }
        return sorted(names)

    def common(self, fact: dict[str, Any], label: str | None = None) -> dict[str, Any]:
        key = fact["key"]
        rules = self.rules_of(key)
        sources = list(dict.fromkeys(part for rule in rules for part in rule.source.split("; ")))
        ancestors = nx.ancestors(self.graph, key)
        evidence = [
            Evidence(kind=n["kind"], name=n["name"], side=n["side"], value=n.get("value", n.get("result")))
            for n in (self.graph.nodes[a] for a in sorted(ancestors))
            if n["type"] == "fact" and n["layer"] == "case"
        ]
        return {
            "id": fact["name"],
            "label": label or self.vocabulary.label(fact["kind"], fact["name"]),
            "side": fact["side"],
            "grade": strongest(*(rule.grade for rule in rules)),
            "chain_grade": self.chain[key],
            "source": "; ".join(sources),
            "rules": [rule.id for rule in rules],
            "evidence": evidence,
            "contradicted_by": sorted({source for rule in rules for source in rule.contradicted_by}),
        }

    def has(self, kind: str, name: str, side: str) -> bool:
        return fact_key(kind, name, side) in self.derivation.facts


def _merge_sides(items: list[Any]) -> list[Any]:
    """One item for 'both' where left and right say the same thing; rules and evidence are pooled."""
    merged: list[Any] = []
    pending: dict[tuple[Any, ...], Any] = {}
    for item in items:
        signature = tuple(
            sorted(
                (k, repr(v)) for k, v in item.model_dump().items() if k not in ("side", "rules", "evidence", "source")
            )
        )
        other = pending.pop(signature, None)
        if other is None or other.side == item.side:
            pending[signature] = item
            merged.append(item)
            continue
        both = other.model_copy(
            update={
                "side": "both",
                "rules": sorted(set(other.rules) | set(item.rules)),
                "evidence": sorted({*other.evidence, *item.evidence}, key=lambda e: (e.kind, e.name, e.side)),
                "source": "; ".join(dict.fromkeys([*other.source.split("; "), *item.source.split("; ")])),
            }
        )
        merged[merged.index(other)] = both
    return merged


def _order(vocabulary_words: list[str]) -> Any:
    position = {word: index for index, word in enumerate(vocabulary_words)}
    return lambda item: (position.get(item.id, len(position)), item.side)


def _held(b: _Builder, fact: dict[str, Any], label: str, blocked_by: list[str]) -> Withheld | None:
    """The Withheld item for a recommendation a red flag or a missing screen holds back, else None."""
    name, side = fact["name"], fact["side"]
    withheld_key, pending_key = fact_key("withheld", name, side), fact_key("pending", name, side)
    keys = [key for key in (withheld_key, pending_key) if key in b.derivation.facts]
    if not keys:
        return None
    flags = b.premises_of(withheld_key, "red_flag") if withheld_key in b.derivation.facts else []
    questions = sorted({rule.then.pending for rule in b.rules_of(pending_key)}) if pending_key in keys else []
    reason = "pending"
    if flags:
        reason = "medical_clearance" if any(b.vocabulary.is_whole_patient(f) for f in flags) else "red_flag"
    parts = [b.common(b.derivation.facts[key], label) for key in keys]
    rules = sorted({rule for part in parts for rule in part["rules"]})
    return Withheld(
        **{**parts[0], "id": name, "rules": rules, "grade": strongest(*(p["grade"] for p in parts))},
        family=b.vocabulary.interventions[name].family,
        reason=reason,
        withheld_by=sorted(r["name"] for r in b.facts("referral") if r["side"] == side) if flags else [],
        red_flags=flags,
        questions=questions,
        also_blocked_by=blocked_by,
    )


def _recommendations(b: _Builder) -> tuple[list[Recommendation], list[Withheld], list[Blocked]]:
    recommended, withheld, blocked = [], [], []
    for fact in b.facts("recommendation"):
        name, side = fact["name"], fact["side"]
        rules = b.rules_of(fact["key"])
        first = min(rules, key=lambda rule: (rule.then.priority, rule.id))
        spec = b.vocabulary.interventions[name]
        blocked_key = fact_key("blocked", name, side)
        blockers = (
            b.premises_of(blocked_key, "condition", "red_flag", "finding", "presentation")
            if blocked_key in b.derivation.facts
            else []
        )
        held = _held(b, fact, spec.label, blockers)
        if held is not None:  # listed once, as held; its contraindications travel with it
            withheld.append(held)
            continue
        if blockers:
            blocked.append(
                Blocked(
                    **{**b.common(b.derivation.facts[blocked_key], spec.label), "id": name},
                    family=spec.family,
                    conditions=blockers,
                    alternative=_alternative(b, name, side),
                )
            )
            continue
        warning_key = fact_key("warning", name, side)
        warnings = (
            sorted({rule.then.warning for rule in b.rules_of(warning_key)}) if warning_key in b.derivation.facts else []
        )
        recommended.append(
            Recommendation(
                **b.common(fact),
                family=spec.family,
                dose=_dose(rules, spec),
                dose_source=spec.dose_source,
                priority=first.then.priority,
                warnings=warnings,
                role=min((rule.then.role or "optional" for rule in rules), key=ROLES.index),
            )
        )
    order = _order(b.vocabulary.words("interventions"))
    return (
        sorted(_merge_sides(sorted(recommended, key=order)), key=lambda r: (r.priority, *order(r))),
        _merge_sides(sorted(withheld, key=order)),
        _merge_sides(sorted(blocked, key=order)),
    )


def _dose(rules: list[Rule], spec: Any) -> str:
    """The vocabulary dose (the preventive one when every reason is an asymptomatic risk), or the override of
    the most urgent rule that gives one; then every rule's note on it (irritability, load history)."""
    overrides = sorted((r for r in rules if r.then.dose), key=lambda r: (r.then.priority, r.id))
    preventive = all(r.then.preventive for r in rules) and spec.preventive_dose
    dose = overrides[0].then.dose if overrides else (spec.preventive_dose if preventive else spec.dose)
    notes = sorted({r.then.dose_note for r in rules if r.then.dose_note})
    return "; ".join([dose, *notes])


def _alternative(b: _Builder, name: str, side: str) -> str | None:
    """The first intervention of the same family that nothing in this case would block or withhold."""
    family = b.vocabulary.interventions[name].family
    for candidate, spec in b.vocabulary.interventions.items():
        if spec.family != family or candidate == name or b.has("withheld", candidate, side):
            continue
        if not any(_would_block(b, rule, candidate, side) for rule in b.rulebase.rules if rule.then.blocked):
            return candidate
    return None


def _would_block(b: _Builder, rule: Rule, candidate: str, side: str) -> bool:
    target = rule.target
    if target is None or not (ANY in target.names or candidate in target.names):
        return False
    others = [c for c in rule.positive if c is not target]
    return all(
        any(
            fact["kind"] == c.kind and fact["name"] in c.names and fact["side"] in (side, "none")
            for fact in b.derivation.facts.values()
        )
        for c in others
    )


def _referrals(b: _Builder) -> list[Referral]:
    order = b.vocabulary.words("urgencies")
    referrals = []
    for fact in b.facts("referral"):
        rules = b.rules_of(fact["key"])
        flags = b.premises_of(fact["key"], "red_flag")
        referrals.append(
            Referral(
                **b.common(fact),
                urgency=min((rule.then.urgency for rule in rules), key=order.index),
                red_flags=flags,
                whole_patient=any(b.vocabulary.is_whole_patient(flag) for flag in flags),
                notes=sorted({rule.then.qualifier for rule in rules if rule.then.qualifier}),
            )
        )
    return _merge_sides(sorted(referrals, key=lambda r: (order.index(r.urgency), r.id, r.side)))


def assemble(case: BaseModel, derivation: Derivation, rulebase: RuleBase) -> Assessment:
    b = _Builder(derivation, rulebase)
    vocabulary = rulebase.vocabulary
    findings = [
        Finding(**b.common(f), qualifiers=sorted({r.then.qualifier for r in b.rules_of(f["key"]) if r.then.qualifier}))
        for f in b.facts("finding")
    ]
    compensations: dict[tuple[str, str], Compensation] = {}
    for fact in b.facts("compensation"):  # seen and expected on one limb: one item, observed
        item = Compensation(**b.common(fact), observed=fact["observed"])
        known = compensations.get((fact["name"], fact["side"]))
        if known is not None:
            item = item.model_copy(
                update={
                    "observed": True,
                    "rules": sorted({*known.rules, *item.rules}),
                    "evidence": sorted({*known.evidence, *item.evidence}, key=lambda e: (e.kind, e.name, e.side)),
                }
            )
        compensations[(fact["name"], fact["side"])] = item
    risks = [Risk(**b.common(f)) for f in b.facts("risk")]
    presentations = [Presentation(**b.common(f)) for f in b.facts("presentation")]
    questions = [Question(**b.common(f, vocabulary.questions[f["name"]].label)) for f in b.facts("question")]
    recommendations, withheld, blocked = _recommendations(b)
    recommendations, omitted = compose(recommendations)
    referrals = _referrals(b)
    questions = _merge_sides(sorted(questions, key=_order(vocabulary.words("questions"))))
    status, status_text = judge_status(vocabulary, referrals, questions, recommendations, withheld)
    echo = case.model_dump(mode="json", exclude_none=True)
    assessment = Assessment(
        case_id=case.case_id,
        visit_date=case.visit_date.isoformat() if case.visit_date else None,
        patient=case.patient.model_dump(exclude_none=True) if case.patient else {},
        engine_version=__version__,
        rulebase=RuleBaseIdentity(**rulebase.identity()),
        status=status,
        status_text=status_text,
        referrals=referrals,
        presentations=_merge_sides(sorted(presentations, key=_order(vocabulary.words("presentations")))),
        findings=_merge_sides(sorted(findings, key=_order(vocabulary.words("findings")))),
        compensations=_merge_sides(sorted(compensations.values(), key=_order(vocabulary.words("compensations")))),
        risks=_merge_sides(sorted(risks, key=_order(vocabulary.words("risks")))),
        recommendations=recommendations,
        withheld=withheld,
        blocked=blocked,
        questions=questions,
        omitted=omitted,
        case={key: value for key, value in echo.items() if key != "extensions"},
        extensions=echo.get("extensions"),
        explanation=node_link(b.graph),
    )
    # built from the finished items so the numbering follows report order; reports then need no rule base
    return assessment.model_copy(update={"references": cited_references(assessment.items(), rulebase.bibliography)})
