"""Two visits of one runner, compared: which changes are beyond measurement error, which outcomes changed by
what matters to the runner, what appeared or resolved.

A measurement change counts as real when it reaches the measurement's minimal detectable change (MDC, from the
vocabulary); below that it is "no real change". For all four measurements a larger value means more
dorsiflexion, so an increase is an improvement. Outcomes (VISA-A, VISA-P, PSFS, pain) are judged against their
MCIDs in engine.workflow.follow_up, and a main outcome that has not improved in time escalates
(engine.workflow.follow_up_escalation). Visits are compared in visit_date order, never backwards, and only of one case.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict

if TYPE_CHECKING:
    from engine.api import CaseInput, Engine

from engine.categories import SIDES
from engine.numbers import number_text
from engine.reasoning.assessment import Assessment
from engine.workflow.follow_up import (
    ROUND,
    FollowUpSpec,
    OutcomeChange,
    OutcomeVerdict,
    diff,
    follow_up_spec,
    identity,
    interval_weeks,
    measured,
    order_visits,
    outcome_changes,
    overall_verdict,
)
from engine.workflow.follow_up_asymmetry import AsymmetryChange, asymmetry_changes
from engine.workflow.follow_up_escalation import Escalation, escalations, with_escalation

#: The measurement a side's plain verdict quotes first (knee-to-wall is what clinicians re-test).
HEADLINE_ORDER = (
    "lunge_distance_cm",
    "lunge_angle_deg",
    "dorsiflexion_knee_bent_deg",
    "dorsiflexion_knee_straight_deg",
)
#: Assessment sections compared item by item.
ITEM_KINDS = (
    ("referral", "referrals"),
    ("presentation", "presentations"),
    ("finding", "findings"),
    ("risk", "risks"),
    ("recommendation", "recommendations"),
)
Verdict = Literal["real improvement", "no real change", "real decline", "not comparable"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class MeasurementChange(_Frozen):
    measurement: str
    label: str
    unit: str
    side: str
    before: float | None
    after: float | None
    change: float | None
    mdc: float
    verdict: Verdict


class ItemRef(_Frozen):
    kind: str
    id: str
    label: str


class SideComparison(_Frozen):
    side: str
    measurements: list[MeasurementChange]
    appeared: list[ItemRef]
    resolved: list[ItemRef]
    verdict: str


class Comparison(_Frozen):
    """Before and after for one runner, per side, with a plain verdict a clinician can act on."""

    case_id: str
    case_id_before: str
    case_id_after: str
    visit_date_before: str | None
    visit_date_after: str | None
    status_before: str
    status_after: str
    visits_swapped: bool
    interval_weeks: float | None
    outcome_verdict: OutcomeVerdict
    outcomes: list[OutcomeChange]
    escalation: list[Escalation]
    sides: list[SideComparison]
    asymmetry: list[AsymmetryChange]
    warnings: list[str]

    def to_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json")

    def to_json(self, indent: int | None = 2) -> str:
        """Deterministic JSON: field order fixed by the model, lists in vocabulary and report order."""
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)

    def side(self, side: str) -> SideComparison:
        return next(s for s in self.sides if s.side == side)


def classify(change: float, mdc: float) -> Verdict:
    """Real improvement / decline when |change| >= MDC (exactly the MDC counts as real), else no real change."""
    change = round(change, ROUND)
    if abs(change) < mdc:
        return "no real change"
    return "real improvement" if change > 0 else "real decline"


def measurement_changes(before: BaseModel, after: BaseModel, engine: Engine) -> list[MeasurementChange]:
    """One row per measurement and side recorded at either visit, in vocabulary order."""
    rows = []
    for name, spec in engine.rulebase.vocabulary.measurements.items():
        old, new = measured(before, name), measured(after, name)
        for side in SIDES:
            if old[side] is None and new[side] is None:
                continue
            change = diff(new[side], old[side])
            verdict = "not comparable" if change is None else classify(change, spec.mdc)
            rows.append(
                MeasurementChange(
                    **identity(name, spec),
                    side=side,
                    before=old[side],
                    after=new[side],
                    change=change,
                    mdc=spec.mdc,
                    verdict=verdict,
                )
            )
    return rows


def _items(assessment: Assessment, side: str) -> dict[tuple[str, str], str]:
    """(kind, id) -> label for every compared item on this side, 'both' counting for left and right."""
    found = {}
    for kind, section in ITEM_KINDS:
        for item in getattr(assessment, section):
            if item.side in (side, "both"):
                found[(kind, item.id)] = item.label
    return found


def _ordered(keys: set[tuple[str, str]], labels: dict[tuple[str, str], str]) -> list[ItemRef]:
    rank = {kind: i for i, (kind, _) in enumerate(ITEM_KINDS)}
    return [ItemRef(kind=k, id=i, label=labels[(k, i)]) for k, i in sorted(keys, key=lambda x: (rank[x[0]], x[1]))]


def _amount(row: MeasurementChange) -> str:
    return f"{number_text(abs(row.change))} {row.unit}"


def side_verdict(side: str, rows: list[MeasurementChange], after: Assessment, spec: FollowUpSpec) -> str:
    """The plain verdict for one side, led by the first measurement in HEADLINE_ORDER (texts from the rules)."""
    rank = {name: i for i, name in enumerate(HEADLINE_ORDER)}
    rows = sorted((r for r in rows if r.change is not None), key=lambda r: rank.get(r.measurement, len(rank)))
    better = [r for r in rows if r.verdict == "real improvement"]
    worse = [r for r in rows if r.verdict == "real decline"]
    values = {"side": side, "better": _amount(better[0]) if better else "", "worse": _amount(worse[0]) if worse else ""}
    if not rows:
        text = spec.text("not_measured", **values)
    elif better or worse:
        text = spec.text(
            "measurements_disagree" if better and worse else "improved" if better else "declined", **values
        )
    else:
        text = spec.text(
            "no_real_change", amount=_amount(rows[0]), mdc=f"{number_text(rows[0].mdc)} {rows[0].unit}", **values
        )
    referrals = sorted({r.label for r in after.referrals if r.side in (side, "both")})
    if referrals:
        text += spec.text("referral", referrals=", ".join(referrals))
    return text


def _source(case: CaseInput, loaded: BaseModel) -> str:
    return str(case) if isinstance(case, str | Path) else loaded.case_id


def compare(before: CaseInput, after: CaseInput, engine: Engine) -> Comparison:
    """Compare two visits (paths, dicts or cases) in visit_date order. Raises CaseError for an invalid case and
    VisitMismatchError for visits of different case ids."""
    spec = follow_up_spec(engine.rulebase.vocabulary)
    given = [engine.load_case(before), engine.load_case(after)]
    sources = [_source(case, loaded) for case, loaded in zip((before, after), given, strict=True)]
    (case_before, case_after), swapped, warnings = order_visits(given, sources, spec)
    old, new = engine.assess(case_before), engine.assess(case_after)
    weeks = interval_weeks(case_before.visit_date, case_after.visit_date)
    outcomes = outcome_changes(case_before, case_after, spec, weeks)
    checks = escalations((case_before, case_after), new, outcomes, weeks, engine.rulebase.vocabulary)
    rows = measurement_changes(case_before, case_after, engine)
    sides = []
    for side in SIDES:
        was, now = _items(old, side), _items(new, side)
        side_rows = [r for r in rows if r.side == side]
        sides.append(
            SideComparison(
                side=side,
                measurements=side_rows,
                appeared=_ordered(now.keys() - was.keys(), now),
                resolved=_ordered(was.keys() - now.keys(), was),
                verdict=side_verdict(side, side_rows, new, spec),
            )
        )
    dates = [str(c.visit_date) if c.visit_date else None for c in (case_before, case_after)]
    return Comparison(
        case_id=case_after.case_id,
        case_id_before=case_before.case_id,
        case_id_after=case_after.case_id,
        visit_date_before=dates[0],
        visit_date_after=dates[1],
        status_before=old.status,
        status_after=new.status,
        visits_swapped=swapped,
        interval_weeks=weeks,
        outcome_verdict=with_escalation(overall_verdict(outcomes, spec), checks, spec),
        outcomes=outcomes,
        escalation=checks,
        sides=sides,
        asymmetry=asymmetry_changes(case_before, case_after, engine, spec),
        warnings=warnings,
    )
