"""The left-right difference at two visits: is it really smaller, and is that because the stiffer side got better?

A narrower gap is good news only when the stiffer side gained; the same gap closed by the good side stiffening
is a loss. So each side's own change is judged against the measurement's MDC beside the gap's change.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from engine.numbers import number_text
from engine.workflow.follow_up import FollowUpSpec, diff, identity, measured

AsymmetryVerdict = Literal["better", "smaller, not better", "larger", "no real change", "not comparable"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class AsymmetryChange(_Frozen):
    """Left-right difference (absolute) at each visit; a negative change means the sides came closer. `mdc` is
    the left-right MDC the difference is judged against; each side's own change is reported beside it."""

    measurement: str
    label: str
    unit: str
    before: float | None
    after: float | None
    change: float | None
    mdc: float
    mdc_basis: str
    stiffer_side: str | None
    stiffer_change: float | None
    other_change: float | None
    side_mdc: float
    verdict: AsymmetryVerdict


def asymmetry_verdict(gap_change: float, lr_mdc: float, stiffer: float, other: float, mdc: float) -> str:
    """Better only when the difference shrank by the left-right MDC because the stiffer side gained at least
    its MDC while the other side did not lose that much; a gap closed by the good side getting stiffer is
    smaller, not better."""
    if abs(gap_change) < lr_mdc:
        return "no real change"
    if gap_change > 0:
        return "larger"
    return "better" if stiffer >= mdc and other > -mdc else "smaller, not better"


def asymmetry_changes(before: BaseModel, after: BaseModel, engine: Any, spec: FollowUpSpec) -> list[AsymmetryChange]:
    """Left-right difference before vs after, per measurement measured on both sides at either visit. The
    knee-to-wall difference has its own left-right MDC (1.5 cm, Chisholm 2012); angles have none published,
    so they keep the measurement's MDC, and the row says which was used."""
    rows = []
    for name, spec_m in engine.rulebase.vocabulary.measurements.items():
        old, new = measured(before, name), measured(after, name)
        gaps = [diff(v["left"], v["right"]) for v in (old, new)]
        gap_before, gap_after = (None if g is None else abs(g) for g in gaps)
        if gap_before is None and gap_after is None:
            continue
        lr_mdc = spec.left_right_mdc.get(name, spec_m.mdc)
        values = {"mdc": number_text(lr_mdc), "unit": spec_m.unit, "source": spec.left_right_source}
        basis = spec.text("left_right" if name in spec.left_right_mdc else "angle_left_right", **values)
        stiffer = None if not gaps[0] else ("left" if gaps[0] < 0 else "right")
        other = {"left": "right", "right": "left"}.get(stiffer or "")
        stiffer_change = diff(new[stiffer], old[stiffer]) if stiffer else None
        other_change = diff(new[other], old[other]) if other else None
        change = diff(gap_after, gap_before)
        if change is None:
            verdict = "not comparable"
        elif stiffer_change is None or other_change is None:
            verdict = "larger" if change >= lr_mdc else "no real change"
        else:
            verdict = asymmetry_verdict(change, lr_mdc, stiffer_change, other_change, spec_m.mdc)
        rows.append(
            AsymmetryChange(
                **identity(name, spec_m),
                before=gap_before,
                after=gap_after,
                change=change,
                mdc=lr_mdc,
                mdc_basis=basis,
                stiffer_side=stiffer,
                stiffer_change=stiffer_change,
                other_change=other_change,
                side_mdc=spec_m.mdc,
                verdict=verdict,
            )
        )
    return rows
