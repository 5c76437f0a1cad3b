"""Follow-up outcomes: VISA-A, VISA-P, PSFS and pain severity judged against their MCIDs (docs/clinical-basis.md,
section 10).

A measurement change is judged against its minimal detectable change (is it real?); an outcome change against
its minimal clinically important difference (does it matter to the runner?). Every number and text comes from
the `follow_up` section of rules/vocabulary.yaml, so a clinician can review and change them without code.
"""

from __future__ import annotations

import datetime
from typing import Any, Literal

from pydantic import BaseModel

from engine.categories import SIDES
from engine.errors import RuleBaseError, VisitMismatchError
from engine.knowledge.follow_up_spec import TEXTS, FollowUpSpec, OutcomeSpec, _Strict
from engine.numbers import number_text

ROUND = 6  # drop float noise (8.4 - 6.5 = 1.9000000000000004; 0.3 * 6) before comparing with an MDC or MCID
OutcomeVerdictWord = Literal["improved", "worse", "no important change", "not comparable"]
Overall = Literal["better", "worse", "unchanged", "not scored"]
SEVERITY = "symptom_severity"
#: How a visit given as data (not a file) is named in a note.
GIVEN = ("the first visit given", "the second visit given")


def follow_up_spec(vocabulary: Any) -> FollowUpSpec:
    if vocabulary.follow_up is None:
        raise RuleBaseError(follow_up_problems(vocabulary))
    return vocabulary.follow_up


def follow_up_problems(vocabulary: Any) -> list[str]:
    """Load-time check that the follow_up section is there and complete (its types are checked with the
    vocabulary), named by file and key like every rule-base problem."""
    spec = vocabulary.follow_up
    if spec is None:
        return ["vocabulary.yaml: follow_up: missing (MCIDs and texts for comparing visits)"]
    problems = [f"vocabulary.yaml: follow_up.texts.{name}: missing" for name in TEXTS if name not in spec.texts]
    return problems + escalation_problems(vocabulary, spec)


def escalation_problems(vocabulary: Any, spec: FollowUpSpec) -> list[str]:
    """Every word of follow_up.escalation must be a vocabulary word, and exactly one family is the catch-all."""
    where = "vocabulary.yaml: follow_up.escalation"
    esc = spec.escalation
    problems = [
        f"{where}.referral: unknown referral '{esc.referral}'" for _ in [0] if esc.referral not in vocabulary.referrals
    ]
    problems += [
        f"{where}.urgency: unknown urgency '{esc.urgency}'" for _ in [0] if esc.urgency not in vocabulary.urgencies
    ]
    for name, family in esc.families.items():
        known = (
            ("presentations", family.presentations, vocabulary.presentations),
            ("sites", family.sites, vocabulary.symptom_sites),
            ("main_outcomes", family.main_outcomes, spec.outcomes),
        )
        problems += [
            f"{where}.families.{name}.{key}: unknown '{w}'" for key, words, ok in known for w in words if w not in ok
        ]
    if sum(f.catch_all for f in esc.families.values()) != 1:
        problems.append(
            f"{where}.families: expected exactly one family with no presentations and no sites (the others)"
        )
    return problems


class OutcomeChange(_Strict):
    """One outcome at both visits; `side` is left, right or patient (PSFS scores the runner, not a leg)."""

    outcome: str
    label: str
    unit: str
    site: str | None
    side: str
    before: float | None
    after: float | None
    change: float | None
    mcid: float | None
    mcid_basis: str
    verdict: OutcomeVerdictWord


class OutcomeVerdict(_Strict):
    verdict: Overall
    text: str


def interval_weeks(before: datetime.date | None, after: datetime.date | None) -> float | None:
    return None if before is None or after is None else round((after - before).days / 7, 1)


def mcid_for(spec: OutcomeSpec, weeks: float | None, texts: FollowUpSpec) -> tuple[float, str]:
    """The MCID for the visit interval. VISA-A's MCID falls from 14 points at ~12 weeks to 7 at ~24; visits at
    least `later_from_weeks` (20) apart use the later one, nearer visits and undated ones the 12-week one (the
    larger, so an unknown interval never makes a change look important too early)."""
    if spec.later_mcid is None or spec.later_from_weeks is None:
        return spec.mcid, f"{number_text(spec.mcid)} {spec.unit}"
    shown = None if weeks is None else number_text(weeks)
    values = {"unit": spec.unit, "weeks": shown, "from_weeks": number_text(spec.later_from_weeks)}
    if weeks is None:
        return spec.mcid, texts.text("undated_mcid", mcid=number_text(spec.mcid), **values)
    if weeks >= spec.later_from_weeks:
        return spec.later_mcid, texts.text("later_mcid", mcid=number_text(spec.later_mcid), **values)
    return spec.mcid, texts.text("early_mcid", mcid=number_text(spec.mcid), **values)


def judge(change: float, mcid: float, better: str) -> OutcomeVerdictWord:
    """Improved / worse when the change in the better (or worse) direction reaches the MCID (exactly counts)."""
    gain = round(change if better == "higher" else -change, ROUND)
    if abs(gain) < round(mcid, ROUND):
        return "no important change"
    return "improved" if gain > 0 else "worse"


def outcome_row(
    name: str, texts: FollowUpSpec, where: tuple[str | None, str], values: tuple[Any, Any], basis: tuple[float, str]
) -> OutcomeChange:
    """One outcome row. Pain counts as changed at 2 points or 30% of the first rating, whichever is reached
    first (Farrar 2001), in either direction: a rise that large is a worse runner, not noise."""
    spec = texts.outcomes[name]
    old, new = values
    change = None if old is None or new is None else round(new - old, ROUND)
    mcid, text = basis
    if spec.mcid_percent is not None and old:
        mcid = round(min(spec.mcid, old * spec.mcid_percent / 100), ROUND)
        text = texts.text(
            "percent_mcid",
            mcid=number_text(mcid),
            unit=spec.unit,
            points=number_text(spec.mcid),
            percent=number_text(spec.mcid_percent),
            baseline=number_text(old),
        )
    return OutcomeChange(
        outcome=name,
        label=spec.label,
        unit=spec.unit,
        site=where[0],
        side=where[1],
        before=old,
        after=new,
        change=change,
        mcid=mcid,
        mcid_basis=text,
        verdict="not comparable" if change is None else judge(change, mcid, spec.better),
    )


def _scores(case: Any, name: str) -> dict[str, Any]:
    """{side: score} for a per-side outcome, {'patient': score} for one value; {} when not recorded."""
    value = getattr(getattr(case, "outcomes", None), name, None)
    if value is None:
        return {}
    if isinstance(value, BaseModel):
        sides = {side: getattr(value, side, None) for side in ("left", "right")}
        return {side: score for side, score in sides.items() if score is not None}
    return {"patient": value}


def _severities(case: Any) -> dict[tuple[str, str], float]:
    """(site, side) -> pain rating; 'both' counts for left and right."""
    found = {}
    for symptom in getattr(case, "symptoms", None) or []:
        if symptom.severity is None:
            continue
        for side in ("left", "right") if symptom.side == "both" else (symptom.side,):
            found[(symptom.site, side)] = symptom.severity
    return found


def outcome_changes(before: Any, after: Any, spec: FollowUpSpec, weeks: float | None) -> list[OutcomeChange]:
    """One row per outcome (and site) and side scored at either visit, in the vocabulary's order."""
    rows = []
    for name, outcome in spec.outcomes.items():
        basis = mcid_for(outcome, weeks, spec)
        if name == SEVERITY:
            old, new = _severities(before), _severities(after)
            for site, side in sorted(old.keys() | new.keys(), key=lambda k: (k[1], k[0])):
                values = (old.get((site, side)), new.get((site, side)))
                rows.append(outcome_row(name, spec, (site, side), values, basis))
            continue
        old, new = _scores(before, name), _scores(after, name)
        for side in [s for s in ("left", "right", "patient") if s in old or s in new]:
            rows.append(outcome_row(name, spec, (None, side), (old.get(side), new.get(side)), basis))
    return rows


def describe(row: OutcomeChange) -> str:
    """'VISA-A (Achilles), left' or 'pain (NPRS), left achilles': which score, where."""
    where = " ".join(part for part in (row.side if row.side != "patient" else "", row.site or "") if part)
    return f"{row.label}, {where}" if where else row.label


def overall_verdict(rows: list[OutcomeChange], spec: FollowUpSpec) -> OutcomeVerdict:
    """Better = an outcome improved by its MCID and none worse by its MCID; worse = any worse by its MCID
    (re-examine, whatever else improved); else unchanged; 'not scored' when nothing was scored twice."""
    worse = [r for r in rows if r.verdict == "worse"]
    better = [r for r in rows if r.verdict == "improved"]
    lead = (worse or better or [None])[0]
    values = {}
    if lead is not None:
        values = {
            "outcome": describe(lead),
            "amount": f"{number_text(abs(lead.change))} {lead.unit}",
            "mcid": lead.mcid_basis,
        }
    if worse:
        return OutcomeVerdict(verdict="worse", text=spec.text("worse", **values))
    if better:
        return OutcomeVerdict(verdict="better", text=spec.text("better", **values))
    if any(r.verdict != "not comparable" for r in rows):
        return OutcomeVerdict(verdict="unchanged", text=spec.text("unchanged"))
    return OutcomeVerdict(verdict="not scored", text=spec.text("not_scored"))


def identity(name: str, spec: Any) -> dict[str, str]:
    """Which measurement a row is about, as every per-measurement row names it (id, label, unit)."""
    return {"measurement": name, "label": spec.label, "unit": spec.unit}


def measured(case: BaseModel, name: str) -> dict[str, float | None]:
    measured = getattr(case.measurements, name, None) if case.measurements else None
    return {side: getattr(measured, side, None) if measured else None for side in SIDES}


def diff(after: float | None, before: float | None) -> float | None:
    return None if after is None or before is None else round(after - before, ROUND)


def order_visits(
    cases: list[BaseModel], sources: list[str], spec: FollowUpSpec
) -> tuple[list[BaseModel], bool, list[str]]:
    """The visits in date order, whether they were swapped, and a note when the order could not be checked.
    Visits of different cases are refused: another runner's numbers are not progress."""
    if cases[0].case_id != cases[1].case_id:
        raise VisitMismatchError((sources[0], sources[1]), (cases[0].case_id, cases[1].case_id))
    first, second = (c.visit_date for c in cases)
    if first is None or second is None:
        which = " and ".join(
            name for name, d in (("the first visit", first), ("the second visit", second)) if d is None
        )
        return cases, False, [spec.text("undated", which=which)]
    if first == second:
        return cases, False, [spec.text("same_date", date=first.isoformat())]
    if second < first:
        named = zip(sources, cases, GIVEN, strict=True)
        names = [source if source != case.case_id else label for source, case, label in named]
        dates = {"first_date": first.isoformat(), "second_date": second.isoformat()}
        return cases[::-1], True, [spec.text("swapped", first=names[0], second=names[1], **dates)]
    return cases, False, []
