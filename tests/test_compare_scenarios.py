"""Binds scenarios/follow_up.feature: follow-up visits compared in clinician language."""

from __future__ import annotations

import pytest
from pytest_bdd import given, parsers, scenarios, then, when

from engine.api import Engine
from engine.comparison import Comparison, compare

scenarios("follow_up.feature")

MEASURES = {
    "knee-to-wall distance": "lunge_distance_cm",
    "lunge angle": "lunge_angle_deg",
    "knee-straight dorsiflexion": "dorsiflexion_knee_straight_deg",
    "knee-bent dorsiflexion": "dorsiflexion_knee_bent_deg",
}
VERDICTS = {
    "a real improvement": "real improvement",
    "no real change": "no real change",
    "a real decline": "real decline",
}
#: What a clinician expects the verdict to say -> the words it must contain.
SAYS = {
    "the mobility plan can progress": "mobility plan can progress",
    "to keep the plan and re-measure in 2-4 weeks": "keep the plan and re-measure in 2-4 weeks",
    "to review the plan": "review the plan",
    "the change is within the 1.9 cm measurement error": "is within the 1.9 cm measurement error",
    "a referral comes first": "Referral now indicated",
}


@pytest.fixture(scope="module")
def follow_up_engine() -> Engine:
    return Engine()


@pytest.fixture
def visits() -> dict[str, dict]:
    return {"first": {"case_id": "RUN-7001"}, "follow-up": {"case_id": "RUN-7001"}}


@given(parsers.parse("a {visit} visit where the {side} {measure} is {value:g} {unit}"))
def visit_measurement(visits, visit, side, measure, value):
    measurements = visits[visit].setdefault("measurements", {})
    measurements.setdefault(MEASURES[measure], {})[side] = value


@given(parsers.parse("the follow-up visit records the red flag {flag}"))
def follow_up_red_flag(visits, flag):
    visits["follow-up"].setdefault("red_flags", []).append(flag)


@given("the follow-up visit belongs to another runner")
def another_runner(visits):
    visits["follow-up"]["case_id"] = "RUN-7002"


@when("the clinician compares the two visits", target_fixture="comparison")
def compare_visits(visits, follow_up_engine) -> Comparison:
    return compare(visits["first"], visits["follow-up"], follow_up_engine)


@then(parsers.parse("the {side} side shows {verdict}"))
def side_shows(comparison, side, verdict):
    rows = [r for r in comparison.side(side).measurements if r.change is not None]
    assert rows, f"nothing measured on the {side} at both visits"
    assert {r.verdict for r in rows} == {VERDICTS[verdict]}, rows


@then(parsers.parse("the verdict for the {side} side says {meaning}"))
def verdict_says(comparison, side, meaning):
    assert SAYS[meaning] in comparison.side(side).verdict, comparison.side(side).verdict


@then(parsers.parse("{item} has {change} on the {side} side"))
def item_changed(comparison, item, change, side):
    items = getattr(comparison.side(side), change)
    assert item in {i.id for i in items}, items


@then(parsers.parse("{item} is still present on the {side} side"))
def item_persists(comparison, visits, follow_up_engine, item, side):
    ids = {i.id for i in comparison.side(side).appeared + comparison.side(side).resolved}
    assert item not in ids
    after = follow_up_engine.assess(visits["follow-up"])
    assert any(i.id == item and i.side in (side, "both") for i in after.items())


@then(parsers.parse("the knee-to-wall asymmetry falls from {before:g} cm to {after:g} cm"))
def asymmetry_falls(comparison, before, after):
    gap = next(a for a in comparison.asymmetry if a.measurement == "lunge_distance_cm")
    assert (gap.before, gap.after, gap.verdict) == (before, after, "smaller")


@then("the clinician is warned that the case ids differ")
def warned(comparison):
    assert any("case ids differ" in w for w in comparison.warnings)
