"""Escalation at follow-up (brief section 9): the main outcome has not improved by its MCID in time.

The second visit's presentations (or, without any, its symptom sites) choose a family from the rules
(`follow_up.escalation.families`): the family names the main outcome (VISA-A for the Achilles tendon, VISA-P for
the patellar tendon, PSFS or pain otherwise) and the weeks it gets to improve (12 for tendon and fascia, 6 for the
others). Time under treatment is the visit interval, or, for undated visits, the growth of the symptom's weeks.
The case format records no adherence, so the safer reading applies: escalate once the time has passed, and say
that adherence must be confirmed. A main outcome worse by its MCID keeps the comparison's "re-examine"; once the
time has passed it escalates as well.
"""

from __future__ import annotations

from typing import Any, Literal

from engine.knowledge.follow_up_spec import EscalationFamily, FollowUpSpec, _Strict
from engine.numbers import number_text
from engine.workflow.follow_up import SEVERITY, OutcomeChange, OutcomeVerdict, describe

EscalationVerdict = Literal["escalate", "not yet", "not needed", "not judged"]
SIDES_OF = {"left": ("left",), "right": ("right",), "both": ("left", "right")}


class Escalation(_Strict):
    """One family and side of the second visit: is the main outcome improving in time, and if not, the referral."""

    verdict: EscalationVerdict
    text: str
    family: str
    side: str
    about: str
    outcome: str | None
    weeks_under_treatment: float | None
    threshold_weeks: int | float
    referral: str | None
    urgency: str | None
    grade: str
    source: str
    adherence_recorded: bool = False


class _Target(_Strict):
    family: str
    side: str
    about: str
    sites: tuple[str, ...] | None  # None: pain at any site on that side counts


def _family_of(spec: FollowUpSpec, presentation: str | None = None, site: str | None = None) -> str:
    families = spec.escalation.families
    for name, family in families.items():
        if presentation in family.presentations or site in family.sites:
            return name
    return next(name for name, family in families.items() if family.catch_all)


def targets(after_case: Any, assessment: Any, spec: FollowUpSpec, vocabulary: Any) -> list[_Target]:
    """What must improve: each presentation of the second visit by side, else each symptom site by side."""
    found: dict[tuple[str, str], _Target] = {}
    for item in assessment.presentations:
        name = _family_of(spec, presentation=item.id)
        family = spec.escalation.families[name]
        about = f"{item.side} {item.label}"
        found.setdefault((name, item.side), _Target(family=name, side=item.side, about=about, sites=None))
        if family.sites:
            found[(name, item.side)] = found[(name, item.side)].model_copy(update={"sites": tuple(family.sites)})
    if found:
        return list(found.values())
    for symptom in getattr(after_case, "symptoms", None) or []:
        name = _family_of(spec, site=symptom.site)
        label = vocabulary.symptom_sites.get(symptom.site, symptom.site)
        target = _Target(family=name, side=symptom.side, about=f"{symptom.side} {label}", sites=(symptom.site,))
        found.setdefault((name, symptom.side), target)
    return list(found.values())


def _rows(target: _Target, family: EscalationFamily, rows: list[OutcomeChange]) -> tuple[str | None, list]:
    """The main outcome (the first of the family's outcomes scored at both visits) and its rows on this side."""
    sides = SIDES_OF.get(target.side, (target.side,))
    for name in family.main_outcomes:
        chosen = [
            r
            for r in rows
            if r.outcome == name
            and r.verdict != "not comparable"
            and (r.side == "patient" or r.side in sides)
            and (r.outcome != SEVERITY or target.sites is None or r.site in target.sites)
        ]
        if chosen:
            return name, chosen
    return None, []


def treatment_weeks(before: Any, after: Any, target: _Target, interval: float | None) -> tuple[float | None, str]:
    """The visit interval; for undated visits, how much the same symptom's weeks grew between the visits."""
    if interval is not None:
        return interval, "weeks_interval"
    sides = set(SIDES_OF.get(target.side, (target.side,)))
    grown = [
        b.weeks - a.weeks
        for a in getattr(before, "symptoms", None) or []
        for b in getattr(after, "symptoms", None) or []
        if a.site == b.site
        and (target.sites is None or b.site in target.sites)
        and sides & set(SIDES_OF.get(b.side, ())) & set(SIDES_OF.get(a.side, ()))
        and a.weeks is not None
        and b.weeks is not None
        and b.weeks >= a.weeks
    ]
    return (float(max(grown)), "weeks_symptom") if grown else (None, "")


def _change(row: OutcomeChange, spec: FollowUpSpec) -> str:
    gain = row.change if spec.outcomes[row.outcome].better == "higher" else -row.change
    amount = f"{number_text(abs(row.change))} {row.unit}"
    return spec.text("change_up" if gain > 0 else "change_down" if gain < 0 else "change_none", amount=amount)


def judge_escalation(
    target: _Target, rows: list[OutcomeChange], weeks: tuple[float | None, str], spec: FollowUpSpec
) -> Escalation:
    esc = spec.escalation
    family = esc.families[target.family]
    name, main = _rows(target, family, rows)
    values: dict[str, Any] = {"where": target.about, "family": family.label, "referral": esc.referral}
    values |= {
        "urgency": esc.urgency,
        "threshold": number_text(family.weeks),
        "outcomes": ", ".join(family.main_outcomes),
    }
    base = {"family": target.family, "side": target.side, "about": target.about, "outcome": name}
    base |= {"weeks_under_treatment": weeks[0], "threshold_weeks": family.weeks, "grade": esc.grade}
    base |= {"source": family.source, "referral": None, "urgency": None}
    if not main:
        return Escalation(verdict="not judged", text=spec.text("escalation_unscored", **values), **base)
    worse = [r for r in main if r.verdict == "worse"]
    lead = (worse or [r for r in main if r.verdict != "improved"] or main)[0]
    values |= {"outcome": describe(lead), "mcid": lead.mcid_basis, "change": _change(lead, spec)}
    values["amount"] = f"{number_text(abs(lead.change))} {lead.unit}"
    if all(r.verdict == "improved" for r in main):
        return Escalation(verdict="not needed", text=spec.text("escalation_not_needed", **values), **base)
    if weeks[0] is None:
        return Escalation(verdict="not judged", text=spec.text("escalation_untimed", **values), **base)
    values |= {"weeks": number_text(weeks[0]), "basis": spec.text(weeks[1])}
    if weeks[0] < family.weeks:
        text = spec.text("escalation_worse_not_yet" if worse else "escalation_not_yet", **values)
        return Escalation(verdict="not yet", text=text, **base)
    base |= {"referral": esc.referral, "urgency": esc.urgency}
    return Escalation(verdict="escalate", text=spec.text("escalate_worse" if worse else "escalate", **values), **base)


def escalations(
    cases: tuple[Any, Any], assessment: Any, rows: list[OutcomeChange], interval: float | None, vocabulary: Any
) -> list[Escalation]:
    """One escalation check per family and side of the second visit, escalations first."""
    spec: FollowUpSpec = vocabulary.follow_up
    checks = [
        judge_escalation(t, rows, treatment_weeks(cases[0], cases[1], t, interval), spec)
        for t in targets(cases[1], assessment, spec, vocabulary)
    ]
    order = {"escalate": 0, "not yet": 1, "not judged": 2, "not needed": 3}
    return sorted(checks, key=lambda c: order[c.verdict])


def with_escalation(verdict: OutcomeVerdict, checks: list[Escalation], spec: FollowUpSpec) -> OutcomeVerdict:
    """The overall verdict never tells a clinician to carry on when a check escalates: 'unchanged' says escalate
    instead of 're-assess at 12 weeks', 'better' and 'worse' (re-examine) keep their text and add the escalation."""
    if not any(c.verdict == "escalate" for c in checks):
        return verdict
    values = {"referral": spec.escalation.referral, "urgency": spec.escalation.urgency}
    if verdict.verdict == "unchanged":
        return OutcomeVerdict(verdict=verdict.verdict, text=spec.text("unchanged_escalate", **values))
    return OutcomeVerdict(verdict=verdict.verdict, text=verdict.text + spec.text("escalation_note", **values))
