"""Then-steps on status, referrals, findings, compensations, risks and grades (a pytest-bdd plugin)."""

from __future__ import annotations

from pytest_bdd import parsers, then
from scenario_language import (
    SIDE_PHRASE,
    Visit,
    brief,
    covers,
    expect_item,
    expect_no_item,
    known,
    on_side,
    side_of,
    where_text,
)

# --- Then: status and referrals ---------------------------------------------------------------------


@then(parsers.re(r"the status is (?P<status>refer_urgently|screen_first|refer|plan|no_action)"))
def _status(visit: Visit, status: str) -> None:
    a = visit.assessment
    assert a.status == status, f"status is {a.status}, referrals: {brief(a.referrals)}"


@then(
    parsers.re(
        r"an? (?P<name>\w+) is made" + SIDE_PHRASE + r"(?: with (?P<urgency>emergency|same_day|soon|routine) urgency)?"
    )
)
def _referral(visit: Visit, name: str, where: str | None, urgency: str | None) -> None:
    known("referrals", name)
    side = side_of(where)
    found = on_side(visit.assessment.referrals, name, side)
    assert found, f"no {name}{where_text(side)}; referrals: {brief(visit.assessment.referrals)}"
    if urgency is not None:
        assert all(r.urgency == urgency for r in found), f"{name} urgency is {[r.urgency for r in found]}"


@then(parsers.re(r"the (?P<name>\w+) cites the red flag (?P<flag>\w+)"))
def _referral_flag(visit: Visit, name: str, flag: str) -> None:
    known("referrals", name)
    known("red_flags", flag)
    found = on_side(visit.assessment.referrals, name, None)
    assert found, f"no {name}; referrals: {brief(visit.assessment.referrals)}"
    assert any(flag in r.red_flags for r in found), f"{name} cites {[r.red_flags for r in found]}"


@then(parsers.re(r"no (?P<name>\w+_referral) is made(?P<where> (?:on|for) the (?:left|right) side)?"))
def _no_referral(visit: Visit, name: str, where: str | None) -> None:
    known("referrals", name)
    side = side_of(where)
    found = on_side(visit.assessment.referrals, name, side)
    assert not found, f"unexpected {brief(found)}"


@then("no referral is made")
def _no_referrals(visit: Visit) -> None:
    assert not visit.assessment.referrals, f"referrals: {brief(visit.assessment.referrals)}"


# --- Then: findings, compensations, risks ------------------------------------------------------------


@then(
    parsers.re(
        r"(?P<name>\w+) is found" + SIDE_PHRASE + r"(?: (?P<mode>with|without) the qualifier (?P<qualifier>\w+))?"
    )
)
def _finding_found(visit: Visit, name: str, where: str | None, mode: str | None, qualifier: str | None) -> None:
    known("findings", name)
    side = side_of(where)
    found = on_side(visit.assessment.findings, name, side)
    assert found, f"{name} not found{where_text(side)}; findings: {brief(visit.assessment.findings)}"
    if qualifier is not None:
        qualified = [qualifier in f.qualifiers for f in found]
        if mode == "with":
            assert all(qualified), f"{name} qualifiers: {[f.qualifiers for f in found]}"
        else:
            assert not any(qualified), f"{name} qualifiers: {[f.qualifiers for f in found]}"


@then(parsers.re(r"(?P<name>\w+) is not found(?P<where> on the (?:left|right) side)?"))
def _finding_absent(visit: Visit, name: str, where: str | None) -> None:
    expect_no_item(visit.assessment.findings, "findings", name, where, "finding")


@then(parsers.re(r"(?P<name>\w+) is an? (?P<kind>expected|observed) compensation" + SIDE_PHRASE))
def _compensation(visit: Visit, name: str, kind: str, where: str | None) -> None:
    known("compensations", name)
    side = side_of(where)
    found = on_side(visit.assessment.compensations, name, side)
    assert found, f"{name} is no compensation{where_text(side)}; have {brief(visit.assessment.compensations)}"
    observed = kind == "observed"
    assert all(c.observed is observed for c in found), (
        f"{name}{where_text(side)} observed={[c.observed for c in found]}, wanted {kind}"
    )


@then(parsers.re(r"(?P<name>\w+) is not a compensation(?P<where> on the (?:left|right) side)?"))
def _no_compensation(visit: Visit, name: str, where: str | None) -> None:
    expect_no_item(visit.assessment.compensations, "compensations", name, where, "compensation")


@then(parsers.re(r"no compensation is (?:expected or observed|listed)(?P<where> on the (?:left|right) side)?"))
def _no_compensations(visit: Visit, where: str | None) -> None:
    side = side_of(where)
    found = [c for c in visit.assessment.compensations if side is None or covers(c, side)]
    assert not found, f"unexpected compensations {brief(found)}"


@then(parsers.re(r"(?P<name>\w+) is a risk" + SIDE_PHRASE))
def _risk(visit: Visit, name: str, where: str | None) -> None:
    expect_item(visit.assessment.risks, "risks", name, where, "risk")


@then(parsers.re(r"(?P<name>\w+) is not a risk(?P<where> on the (?:left|right) side)?"))
def _no_risk(visit: Visit, name: str, where: str | None) -> None:
    expect_no_item(visit.assessment.risks, "risks", name, where, "risk")


LAYERS = {"finding": "findings", "compensation": "compensations", "risk": "risks", "recommendation": "recommendations"}


@then(
    parsers.re(
        r"the (?P<kind>finding|compensation|risk|recommendation) (?P<name>\w+) has (?P<which>grade|chain grade) "
        r"(?P<grade>[ABC])" + SIDE_PHRASE
    )
)
def _grade(visit: Visit, kind: str, name: str, which: str, grade: str, where: str | None) -> None:
    known("interventions" if kind == "recommendation" else LAYERS[kind], name)
    side = side_of(where)
    found = on_side(getattr(visit.assessment, LAYERS[kind]), name, side)
    assert found, f"no {kind} {name}{where_text(side)}"
    field_name = "grade" if which == "grade" else "chain_grade"
    actual = [getattr(item, field_name) for item in found]
    assert all(g == grade for g in actual), f"{kind} {name} {which}: {actual} (source: {found[0].source})"


@then(parsers.re(r"the risk (?P<name>\w+) says the evidence is against it"))
def _evidence_against(visit: Visit, name: str) -> None:
    known("risks", name)
    found = on_side(visit.assessment.risks, name, None)
    assert found, f"no risk {name}"
    assert all("against" in r.source.lower() for r in found), f"{name} sources: {[r.source for r in found]}"
