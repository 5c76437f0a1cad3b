"""The plan's raw material: each recommended intervention as given, held (a red flag, a missing screen) or
blocked (a contraindication, with an unblocked alternative), with its dose and role."""

from __future__ import annotations

from typing import Any

from engine.categories import fact_key
from engine.knowledge.rule import ANY, Rule
from engine.reasoning._building import Builder, make, merge_sides, order_by
from engine.reasoning.assessment import Blocked, Recommendation, Withheld
from engine.reasoning.plan import ROLES


def _held(b: Builder, fact: dict[str, Any], label: str, blocked_by: list[str]) -> Withheld | None:
    """The Withheld item for a recommendation a red flag or a missing screen holds back, else None."""
    name, side = fact["name"], fact["side"]
    withheld_key, pending_key = fact_key("withheld", name, side), fact_key("pending", name, side)
    keys = tuple(key for key in (withheld_key, pending_key) if b.trace.has(key))
    if not keys:
        return None
    flags = b.premises_of(withheld_key, "red_flag") if b.trace.has(withheld_key) else []
    questions = sorted({rule.then.pending for rule in b.rules_of(pending_key)}) if pending_key in keys else []
    reason = "pending"
    if flags:
        reason = "medical_clearance" if any(b.vocabulary.is_whole_patient(f) for f in flags) else "red_flag"
    return make(
        Withheld,
        {
            **b.common(fact, label, keys),
            "family": b.vocabulary.interventions[name].family,
            "reason": reason,
            "withheld_by": sorted(r["name"] for r in b.facts("referral") if r["side"] == side) if flags else [],
            "red_flags": flags,
            "questions": questions,
            "also_blocked_by": blocked_by,
        },
    )


def interventions(b: Builder) -> tuple[list[Recommendation], list[Withheld], list[Blocked]]:
    recommended, withheld, blocked = [], [], []
    for fact in b.facts("recommendation"):
        name, side = fact["name"], fact["side"]
        rules = b.rules_of(fact["key"])
        first = min(rules, key=lambda rule: (rule.then.priority, rule.id))
        spec = b.vocabulary.interventions[name]
        blocked_key = fact_key("blocked", name, side)
        blockers = (
            b.premises_of(blocked_key, "condition", "red_flag", "finding", "presentation")
            if b.trace.has(blocked_key)
            else []
        )
        held = _held(b, fact, spec.label, blockers)
        if held is not None:  # listed once, as held; its contraindications travel with it
            withheld.append(held)
            continue
        if blockers:
            blocked.append(
                make(
                    Blocked,
                    {
                        **b.common(fact, spec.label, (blocked_key,)),
                        "family": spec.family,
                        "conditions": blockers,
                        "alternative": _alternative(b, name, side),
                    },
                )
            )
            continue
        warning_key = fact_key("warning", name, side)
        warnings = sorted({rule.then.warning for rule in b.rules_of(warning_key)}) if b.trace.has(warning_key) else []
        recommended.append(
            make(
                Recommendation,
                {
                    **b.common(fact),
                    "family": spec.family,
                    "dose": _dose(rules, spec),
                    "dose_source": spec.dose_source,
                    "priority": first.then.priority,
                    "warnings": warnings,
                    "role": min((rule.then.role or "optional" for rule in rules), key=ROLES.index),
                    "core": False,
                },
            )
        )
    order = order_by(b.vocabulary.words("interventions"))
    return (
        sorted(merge_sides(sorted(recommended, key=order)), key=lambda r: (r.priority, *order(r))),
        merge_sides(sorted(withheld, key=order)),
        merge_sides(sorted(blocked, key=order)),
    )


def _dose(rules: list[Rule], spec: Any) -> str:
    """The vocabulary dose (the preventive one when every reason is an asymptomatic risk), or the override of
    the most urgent rule that gives one; then every rule's note on it (irritability, load history)."""
    overrides = sorted((r for r in rules if r.then.dose), key=lambda r: (r.then.priority, r.id))
    preventive = all(r.then.preventive for r in rules) and spec.preventive_dose
    dose = overrides[0].then.dose if overrides else (spec.preventive_dose if preventive else spec.dose)
    notes = sorted({r.then.dose_note for r in rules if r.then.dose_note})
    return "; ".join([dose, *notes])


def _alternative(b: Builder, name: str, side: str) -> str | None:
    """The first intervention of the same family that nothing in this case would block or withhold."""
    family = b.vocabulary.interventions[name].family
    for candidate, spec in b.vocabulary.interventions.items():
        if spec.family != family or candidate == name or b.has("withheld", candidate, side):
            continue
        if not any(_would_block(b, rule, candidate, side) for rule in b.rulebase.rules if rule.then.blocked):
            return candidate
    return None


def _would_block(b: Builder, rule: Rule, candidate: str, side: str) -> bool:
    target = rule.target
    if target is None or not (ANY in target.names or candidate in target.names):
        return False
    others = [c for c in rule.positive if c is not target]
    return all(
        any(
            fact["kind"] == c.kind and fact["name"] in c.names and fact["side"] in (side, "none")
            for fact in b.trace.facts.values()
        )
        for c in others
    )
