"""Steps for case format v2 and the screen-before-you-plan safety layer (a pytest-bdd plugin):
the complaint's onset, red flags on a named side, screening results, and what the plan holds back."""

from __future__ import annotations

from pytest_bdd import given, parsers, then
from scenario_language import SIDE_PHRASE, Visit, brief, covers, identifier, known, on_side, side_of, where_text

#: The screens as a clinician names them, to the case-format `screening` fields.
SCREENS = {
    "Thompson test": "thompson_test",
    "Ottawa rules": "ottawa_rules",
    "hop test": "hop_test",
    "bone palpation": "focal_bone_tenderness",
    "neurological screen": "neuro_screen",
    "REDs screen": "red_s_screen",
}
ONSETS = {"suddenly": "sudden", "gradually": "gradual", "with an injury": "injury"}


@given(parsers.re(r"the pain began (?P<how>suddenly|gradually|with an injury)"))
def _onset(visit: Visit, how: str) -> None:
    symptoms = visit.edit().get("symptoms")
    assert symptoms, "say where it hurts before how it began"
    symptoms[-1]["onset"] = ONSETS[how]


@given(
    parsers.re(r"the runner has the red flag (?P<words>.+?) on (?:the (?P<side>left|right) side|(?P<both>both) sides)")
)
def _sided_red_flag(visit: Visit, words: str, side: str | None, both: str | None) -> None:
    flags = visit.edit().setdefault("red_flags", {})
    assert isinstance(flags, dict), "a case uses one red-flag form: the list or the side map"
    flags[known("red_flags", identifier(words))] = both or side


@given(
    parsers.re(
        r"the (?P<screen>" + "|".join(SCREENS) + r") is (?P<result>negative|positive|normal|abnormal)"
        r"(?: on the (?P<side>left|right) side)?"
    )
)
def _screen(visit: Visit, screen: str, result: str, side: str | None) -> None:
    screening = visit.edit().setdefault("screening", {})
    name = SCREENS[screen]
    if side is None:
        screening[name] = result
    else:
        current = screening.get(name)
        screening[name] = {**(current if isinstance(current, dict) else {}), side: result}


@given(parsers.re(r"the Wells score is (?P<score>-?\d+)"))
def _wells(visit: Visit, score: str) -> None:
    visit.edit().setdefault("screening", {})["wells_score"] = int(score)


@given(parsers.re(r"the runner ran (?P<km>\d+) km a week four weeks ago"))
def _volume_before(visit: Visit, km: str) -> None:
    visit.edit().setdefault("patient", {})["weekly_km_before"] = int(km)


# --- Then ----------------------------------------------------------------------------------------------


@then(parsers.re(r"(?P<name>\w+) is held" + SIDE_PHRASE + r" until (?P<question>screen_\w+) is answered"))
def _pending(visit: Visit, name: str, where: str | None, question: str) -> None:
    known("interventions", name)
    known("questions", question)
    side = side_of(where)
    a = visit.assessment
    found = on_side(a.withheld, name, side)
    assert found, f"{name} not held{where_text(side)}; withheld: {brief(a.withheld)}; plan: {brief(a.recommendations)}"
    assert all(question in w.questions for w in found), f"{name} held for {[w.questions for w in found]}"
    assert not on_side(a.recommendations, name, side), f"{name} still in the plan{where_text(side)}"


@then(parsers.re(r"nothing is given on either leg until medically cleared"))
def _nothing_until_cleared(visit: Visit) -> None:
    a = visit.assessment
    given_items = [r for r in a.recommendations if r.family != "offload"]
    assert not given_items, f"given despite a whole-patient flag: {brief(given_items)}"
    assert a.withheld, "nothing was held (was any advice due?)"
    assert all(w.reason == "medical_clearance" for w in a.withheld), [w.reason for w in a.withheld]
    assert {s for w in a.withheld for s in (("left", "right") if w.side == "both" else (w.side,))} == {"left", "right"}


@then(parsers.re(r"the (?P<name>\w+) is for the whole patient"))
def _whole_patient(visit: Visit, name: str) -> None:
    known("referrals", name)
    found = [r for r in visit.assessment.referrals if r.id == name]
    assert found and all(r.whole_patient and r.side == "both" for r in found), brief(visit.assessment.referrals)


@then(parsers.re(r"the status line says \"(?P<text>[^\"]+)\""))
def _status_text(visit: Visit, text: str) -> None:
    assert text.lower() in visit.assessment.status_text.lower(), visit.assessment.status_text


@then(parsers.re(r"the plan still gives (?P<name>\w+)" + SIDE_PHRASE))
def _still_given(visit: Visit, name: str, where: str | None) -> None:
    known("interventions", name)
    side = side_of(where)
    assert on_side(visit.assessment.recommendations, name, side), brief(visit.assessment.recommendations)
    assert not any(covers(w, side or "both") and w.id == name for w in visit.assessment.withheld)


@then(parsers.re(r"(?P<name>\w+) is a presentation" + SIDE_PHRASE))
def _presentation(visit: Visit, name: str, where: str | None) -> None:
    known("presentations", name)
    side = side_of(where)
    found = on_side(visit.assessment.presentations, name, side)
    assert found, f"{name} not a presentation{where_text(side)}; presentations: {brief(visit.assessment.presentations)}"


@then(parsers.re(r"(?P<name>\w+) is not a presentation(?P<where> on the (?:left|right) side)?"))
def _no_presentation(visit: Visit, name: str, where: str | None) -> None:
    known("presentations", name)
    side = side_of(where)
    found = on_side(visit.assessment.presentations, name, side)
    assert not found, f"unexpected presentation {brief(found)}"


@then(parsers.re(r"(?P<name>\w+) is an? (?P<kind>core|optional) item"))
def _core_or_optional(visit: Visit, name: str, kind: str) -> None:
    known("interventions", name)
    found = [r for r in visit.assessment.recommendations if r.id == name]
    assert found, f"{name} not in the plan: {brief(visit.assessment.recommendations)}"
    assert all(r.core == (kind == "core") for r in found), [(r.id, r.core, r.role) for r in found]


@then(parsers.re(r"the core programme has at most (?P<n>\d+) items"))
def _core_size(visit: Visit, n: str) -> None:
    core = {r.id for r in visit.assessment.recommendations if r.core}
    assert 0 < len(core) <= int(n), sorted(core)


@then("priorities run from 1 without gaps")
def _contiguous(visit: Visit) -> None:
    numbers = sorted({r.priority for r in visit.assessment.recommendations})
    assert numbers == list(range(1, len(numbers) + 1)), numbers


@then(parsers.re(r"the risk (?P<name>\w+) says it is contradicted by (?P<source>.+)"))
def _contradicted(visit: Visit, name: str, source: str) -> None:
    known("risks", name)
    found = [r for r in visit.assessment.risks if r.id == name]
    assert found and all(source in r.contradicted_by for r in found), [(r.id, r.contradicted_by) for r in found]
    assert all(r.chain_grade == "C" for r in found), "a contradicted link makes its chain grade C"
