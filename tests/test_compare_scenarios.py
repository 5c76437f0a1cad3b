"""Binds scenarios/follow_up.feature: follow-up visits compared in clinician language."""

from __future__ import annotations

import pytest
from pytest_bdd import given, parsers, scenarios, then, when

from engine.api import Engine
from engine.errors import VisitMismatchError
from engine.workflow.comparison import Comparison, compare

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
OUTCOMES = {"VISA-A": "visa_a", "VISA-P": "visa_p", "PSFS": "psfs"}
VISIT = r"a (?P<visit>first|follow-up) visit"


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


@given(
    parsers.re(
        VISIT
        + r" on (?P<date>[0-9-]+) where the (?P<side>left|right) (?P<measure>[\w -]+) is (?P<value>[\d.]+) (cm|deg)"
    )
)
def dated_visit_measurement(visits, visit, date, side, measure, value):
    visits[visit]["visit_date"] = date
    visit_measurement(visits, visit, side, measure, float(value))


@given(
    parsers.re(
        VISIT + r"(?: on (?P<date>[0-9-]+))? where the (?P<side>left |right |)"
        r"(?P<outcome>VISA-A|VISA-P|PSFS) is (?P<value>[\d.]+)"
    )
)
def visit_outcome(visits, visit, date, side, outcome, value):
    if date:
        visits[visit]["visit_date"] = date
    outcomes = visits[visit].setdefault("outcomes", {})
    if side:
        outcomes.setdefault(OUTCOMES[outcome], {})[side.strip()] = float(value)
    else:
        outcomes[OUTCOMES[outcome]] = float(value)


@given(parsers.parse("a {visit} visit where the runner rates {side} {site} pain {value:g} out of 10"))
def visit_pain(visits, visit, side, site, value):
    visits[visit].setdefault("symptoms", []).append({"site": site, "side": side, "severity": value})


@given(parsers.parse("the follow-up visit records the red flag {flag}"))
def follow_up_red_flag(visits, flag):
    visits["follow-up"].setdefault("red_flags", []).append(flag)


@given("the follow-up visit belongs to another runner")
def another_runner(visits):
    visits["follow-up"]["case_id"] = "RUN-7002"


@when("the clinician compares the two visits", target_fixture="comparison")
def compare_visits(visits, follow_up_engine) -> Comparison:
    return compare(visits["first"], visits["follow-up"], follow_up_engine)


@when("the clinician tries to compare the two visits", target_fixture="refusal")
def try_to_compare(visits, follow_up_engine) -> Exception | None:
    try:
        compare(visits["first"], visits["follow-up"], follow_up_engine)
    except VisitMismatchError as error:
        return error
    return None


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
    assert (gap.before, gap.after) == (before, after)


@then(parsers.re(r"the knee-to-wall asymmetry is (?P<verdict>.+)"))
def asymmetry_is(comparison, verdict):
    gap = next(a for a in comparison.asymmetry if a.measurement == "lunge_distance_cm")
    assert gap.verdict == verdict, gap


@then("the comparison is refused because the visits are of different cases")
def refused(refusal):
    assert isinstance(refusal, VisitMismatchError), "visits of two runners were compared"
    assert "different cases" in str(refusal)


@then("the clinician is told the visits were given in reverse order")
def told_reversed(comparison):
    assert comparison.visits_swapped
    assert any("reverse order" in w and "compared in date order" in w for w in comparison.warnings)


@then("the clinician is told the visit dates are missing")
def told_undated(comparison):
    assert not comparison.visits_swapped
    assert any("visit date missing" in w and "order given" in w for w in comparison.warnings)


def _outcome(comparison, outcome, side, site=None):
    return next(r for r in comparison.outcomes if (r.outcome, r.side, r.site) == (outcome, side, site))


@then(parsers.re(r"the (?P<side>left |right |)(?P<outcome>VISA-A|VISA-P|PSFS) is (?P<verdict>.+)"))
def outcome_is(comparison, side, outcome, verdict):
    row = _outcome(comparison, OUTCOMES[outcome], side.strip() or "patient")
    assert row.verdict == verdict, row


@then(parsers.re(r"the (?P<side>left|right) (?P<site>\w+) pain is (?P<verdict>.+)"))
def pain_is(comparison, side, site, verdict):
    row = _outcome(comparison, "symptom_severity", side, site)
    assert row.verdict == verdict, row


@then(parsers.parse("the runner's outcome is {overall}"))
def overall_is(comparison, overall):
    assert comparison.outcome_verdict.verdict == overall, comparison.outcome_verdict


@then("the outcome verdict says re-examine")
def says_re_examine(comparison):
    assert "re-examine" in comparison.outcome_verdict.text


@given(parsers.parse("the runner is {age:d} years old"))
def runner_age(visits, age):
    for case in visits.values():
        case.setdefault("patient", {})["age"] = age


@then(parsers.re(r"the comparison escalates to a (?P<referral>.+?) (?P<urgency>within .+?) for the (?P<about>.+)"))
def says_escalate(comparison, follow_up_engine, referral, urgency, about):
    """'a specialist referral within 1-2 weeks' is what the report prints as 'specialist_referral (soon)'."""
    vocabulary = follow_up_engine.rulebase.vocabulary
    referral_id = next(k for k, label in vocabulary.referrals.items() if label == referral)
    urgency_id = next(k for k, u in vocabulary.urgencies.items() if u.label == urgency)
    (check,) = [c for c in comparison.escalation if c.verdict == "escalate"]
    assert (check.referral, check.urgency, check.about) == (referral_id, urgency_id, about), check
    assert check.text.startswith(f"escalate: {referral_id} ({urgency_id}) - {about}")


@then(parsers.parse("the escalation is grade {grade}, citing {source}"))
def escalation_cited(comparison, grade, source):
    (check,) = comparison.escalation
    assert (check.grade, check.source) == (grade, source)


@then("the clinician is asked to confirm the runner followed the programme")
def adherence_to_confirm(comparison):
    (check,) = comparison.escalation
    assert not check.adherence_recorded and "confirm the programme was followed" in check.text


@then(
    parsers.parse("there is no escalation yet, and it comes at {weeks:d} weeks if the {outcome} has still not improved")
)
def not_yet(comparison, weeks, outcome):
    (check,) = comparison.escalation
    assert (check.verdict, check.outcome, check.threshold_weeks) == ("not yet", OUTCOMES[outcome], weeks)
    assert f"escalate if still not improved at {weeks} weeks" in check.text


@then("the outcome verdict says escalate instead of carrying on")
def verdict_escalates(comparison):
    assert "escalate (specialist_referral, soon" in comparison.outcome_verdict.text
    assert "continue the plan" not in comparison.outcome_verdict.text


@then("nothing is escalated")
def nothing_escalated(comparison):
    assert comparison.escalation and all(c.verdict == "not needed" for c in comparison.escalation)
