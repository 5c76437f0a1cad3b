"""Two visits of one runner, compared: which changes are beyond measurement error, what appeared or resolved.

A change counts as real when its size is at least the measurement's minimal detectable change (MDC, from the
vocabulary: 1.9 cm / 4.7 deg, Powden 2015); below that it is "no real change". For all four measurements a
larger value means more dorsiflexion, so an increase is an improvement.
"""

from __future__ import annotations

import json
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from engine.api import CaseInput, Engine, default_engine
from engine.numbers import number_text
from engine.result import Assessment

SIDES = ("left", "right")
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
    ("finding", "findings"),
    ("risk", "risks"),
    ("recommendation", "recommendations"),
)
Verdict = Literal["real improvement", "no real change", "real decline", "not comparable"]
AsymmetryVerdict = Literal["smaller", "larger", "no real change", "not comparable"]
ROUND = 6  # drop float noise (8.4 - 6.5 = 1.9000000000000004) before comparing with the MDC


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


class AsymmetryChange(_Frozen):
    """Left-right difference (absolute) at each visit; a negative change means the sides came closer."""

    measurement: str
    label: str
    unit: str
    before: float | None
    after: float | None
    change: float | None
    mdc: float
    verdict: AsymmetryVerdict


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


def _values(case: BaseModel, name: str) -> dict[str, float | None]:
    measured = getattr(case.measurements, name, None) if case.measurements else None
    return {side: getattr(measured, side, None) if measured else None for side in SIDES}


def _diff(after: float | None, before: float | None) -> float | None:
    return None if after is None or before is None else round(after - before, ROUND)


def measurement_changes(before: BaseModel, after: BaseModel, engine: Engine) -> list[MeasurementChange]:
    """One row per measurement and side recorded at either visit, in vocabulary order."""
    rows = []
    for name, spec in engine.rulebase.vocabulary.measurements.items():
        old, new = _values(before, name), _values(after, name)
        for side in SIDES:
            if old[side] is None and new[side] is None:
                continue
            change = _diff(new[side], old[side])
            verdict = "not comparable" if change is None else classify(change, spec.mdc)
            rows.append(
                MeasurementChange(
                    measurement=name,
                    label=spec.label,
                    unit=spec.unit,
                    side=side,
                    before=old[side],
                    after=new[side],
                    change=change,
                    mdc=spec.mdc,
                    verdict=verdict,
                )
            )
    return rows


def asymmetry_changes(before: BaseModel, after: BaseModel, engine: Engine) -> list[AsymmetryChange]:
    """Left-right difference before vs after, per measurement measured on both sides at either visit."""
    rows = []
    for name, spec in engine.rulebase.vocabulary.measurements.items():
        gaps = []
        for case in (before, after):
            values = _values(case, name)
            gaps.append(_diff(values["left"], values["right"]))
        gap_before, gap_after = (None if g is None else abs(g) for g in gaps)
        if gap_before is None and gap_after is None:
            continue
        change = _diff(gap_after, gap_before)
        if change is None:
            verdict = "not comparable"
        elif abs(change) < spec.mdc:
            verdict = "no real change"
        else:
            verdict = "smaller" if change < 0 else "larger"
        rows.append(
            AsymmetryChange(
                measurement=name,
                label=spec.label,
                unit=spec.unit,
                before=gap_before,
                after=gap_after,
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


def side_verdict(side: str, rows: list[MeasurementChange], after: Assessment) -> str:
    """The plain verdict for one side, led by the first measurement in HEADLINE_ORDER."""
    rank = {name: i for i, name in enumerate(HEADLINE_ORDER)}
    rows = sorted((r for r in rows if r.change is not None), key=lambda r: rank.get(r.measurement, len(rank)))
    better = [r for r in rows if r.verdict == "real improvement"]
    worse = [r for r in rows if r.verdict == "real decline"]
    if not rows:
        text = f"{side} dorsiflexion was not measured at both visits; re-measure to judge progress"
    elif better and worse:
        text = (
            f"{side} dorsiflexion measurements disagree (improved by {_amount(better[0])}, "
            f"declined by {_amount(worse[0])}); review the plan and re-measure"
        )
    elif worse:
        text = f"{side} dorsiflexion declined by {_amount(worse[0])}, beyond measurement error; review the plan"
    elif better:
        text = (
            f"{side} dorsiflexion improved by {_amount(better[0])}, beyond measurement error; "
            "mobility plan can progress"
        )
    else:
        row = rows[0]
        text = (
            f"no real change in {side} dorsiflexion ({_amount(row)} is within the {row.mdc:g} {row.unit} "
            "measurement error); keep the plan and re-measure in 2-4 weeks"
        )
    referrals = sorted({r.label for r in after.referrals if r.side in (side, "both")})
    if referrals:
        text += f". Referral now indicated ({', '.join(referrals)}): act on it before any progression"
    return text


def compare(before: CaseInput, after: CaseInput, engine: Engine | None = None) -> Comparison:
    """Compare two visits (paths, dicts or cases). Raises CaseError for an invalid case; differing case ids
    are compared anyway and reported in `warnings`."""
    engine = engine or default_engine()
    case_before, case_after = engine.load_case(before), engine.load_case(after)
    old, new = engine.assess(case_before), engine.assess(case_after)
    warnings = []
    if case_before.case_id != case_after.case_id:
        warnings.append(f"case ids differ ({case_before.case_id} before, {case_after.case_id} after); compared anyway")
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
                verdict=side_verdict(side, side_rows, new),
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
        sides=sides,
        asymmetry=asymmetry_changes(case_before, case_after, engine),
        warnings=warnings,
    )
