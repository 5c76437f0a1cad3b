"""Clinical scenarios in Gherkin (scenarios/*.feature), run by pytest-bdd.

Given-steps build one case file, in a clinician's words, fact by fact; Then-steps assess it once with the
bundled rule base and look the named item up in the Assessment. Every identifier a Then-step names is checked
against the vocabulary first, so a misspelt word can never make a negative assertion pass by accident.

Sides: "on the left side" holds for an item on the left or on both; "on both sides" needs the item to hold
on each side; "not ... on the right side" fails for an item on the right or on both.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
import pytest
from pytest_bdd import given, parsers, scenarios, then, when

import engine
from engine.result import Assessment, Item

#: The clinical feature files this module binds (scenarios/follow_up.feature is bound by test_compare_scenarios.py).
FEATURES = (
    "measurement_findings.feature",
    "compensations.feature",
    "risks.feature",
    "plans.feature",
    "questions.feature",
    "safety.feature",
)
scenarios(*FEATURES)

VOCABULARY = engine.default_engine().rulebase.vocabulary

#: Families that count as exercise or treatment advice (everything but assessment and monitoring).
EXERCISE_FAMILIES = frozenset({"mobility", "soft_tissue", "recovery", "strength", "whole_chain"})

MEASUREMENTS = {
    "knee-to-wall distance": ("lunge_distance_cm", "cm"),
    "lunge distance": ("lunge_distance_cm", "cm"),
    "lunge angle": ("lunge_angle_deg", "degrees"),
    "tibial angle": ("lunge_angle_deg", "degrees"),
    "knee-straight dorsiflexion": ("dorsiflexion_knee_straight_deg", "degrees"),
    "knee-bent dorsiflexion": ("dorsiflexion_knee_bent_deg", "degrees"),
}

#: Clinicians' words for signs and symptom sites that are not simply the identifier with spaces.
SIGN_WORDS = {
    "heels lifting in a deep squat": "heel_lift_in_squat",
    "heel lift in a squat": "heel_lift_in_squat",
    "early heel rise while running": "early_heel_rise_in_gait",
    "early heel rise in gait": "early_heel_rise_in_gait",
    "knee valgus on a single-leg squat": "dynamic_knee_valgus",
    "contralateral hip drop": "hip_drop",
    "pinch at the front of the ankle": "anterior_ankle_pinch",
    "anterior ankle pinch": "anterior_ankle_pinch",
    "fatigue always on the same side": "one_sided_fatigue",
    "one-sided fatigue": "one_sided_fatigue",
}
SITE_WORDS = {
    "front-of-knee": "anterior_knee",
    "outside-of-knee": "lateral_knee",
    "heel": "plantar_heel",
    "front-of-ankle": "anterior_ankle",
}

SIDE_PHRASE = r"(?P<where> (?:on|for) (?:the (?:left|right) side|both sides))?"


def side_of(where: str | None) -> str | None:
    """'left', 'right', 'both', or None when the step names no side."""
    if not where:
        return None
    return "both" if "both" in where else ("left" if "left" in where else "right")


def identifier(words: str) -> str:
    """'positive Thompson test' -> 'positive_thompson_test'; "Raynaud's" -> 'raynauds'."""
    words = re.sub(r"^(?:an?|the) ", "", words.strip().lower()).replace("'", "")
    return re.sub(r"[\s-]+", "_", words)


def known(section: str, name: str) -> str:
    words = VOCABULARY.words(section)
    assert name in words, f"{name!r} is not in the {section} vocabulary; known: {words}"
    return name


def known_node_name(name: str) -> str:
    sections = (
        "measurements", "derived_measurements", "signs", "symptom_sites", "findings", "compensations", "risks",
        "interventions", "questions", "referrals", "red_flags", "conditions",
    )  # fmt: skip
    if any(name in VOCABULARY.words(s) for s in sections):
        return name
    rule_ids = {rule.id for rule in engine.default_engine().rulebase.rules}
    assert name in rule_ids, f"{name!r} is neither a vocabulary word nor a rule id"
    return name


@dataclass
class Visit:
    """The case being written by the Given-steps, and its assessment once a Then-step asks for it."""

    case: dict[str, Any] = field(default_factory=lambda: {"format": 1, "case_id": "BDD-SCENARIO"})
    _assessment: Assessment | None = None

    @property
    def assessment(self) -> Assessment:
        if self._assessment is None:
            self._assessment = engine.assess(copy.deepcopy(self.case))
        return self._assessment

    def edit(self) -> dict[str, Any]:
        assert self._assessment is None, "a Given-step after the runner was assessed"
        return self.case


@pytest.fixture
def visit() -> Visit:
    return Visit()


# --- what the assessment says, by side ----------------------------------------------------------------


def covers(item: Item, side: str) -> bool:
    return item.side in (side, "both")


def on_side(items: list[Any], name: str, side: str | None) -> list[Any]:
    """Items called `name` that hold on `side` (any side when None; each side when 'both')."""
    named = [item for item in items if item.id == name]
    if side is None:
        return named
    if side == "both":
        left = [item for item in named if covers(item, "left")]
        right = [item for item in named if covers(item, "right")]
        return left + [item for item in right if item not in left] if left and right else []
    return [item for item in named if covers(item, side)]


def brief(items: list[Any]) -> str:
    return ", ".join(f"{item.id}:{item.side}" for item in items) or "nothing"


def where_text(side: str | None) -> str:
    return "" if side is None else (" on both sides" if side == "both" else f" on the {side} side")


# --- Given: the case, fact by fact ------------------------------------------------------------------


@given("a runner")
@given("a runner with nothing recorded but the visit")
def _a_runner(visit: Visit) -> None:
    visit.edit()


@given(
    parsers.re(
        r"a (?P<age>\d+)-year-old (?P<sex>female|male) runner (?:running|who runs) (?P<km>\d+(?:\.\d+)?) km a week"
    )
)
def _patient(visit: Visit, age: str, sex: str, km: str) -> None:
    visit.edit()["patient"] = {"age": int(age), "sex": sex, "weekly_km": float(km)}


@given(
    parsers.re(
        r"(?:a runner whose|the runner's|their) (?P<side>left|right) (?P<test>[a-z -]+?) is "
        r"(?P<value>-?\d+(?:\.\d+)?) (?P<unit>cm|degrees?)"
    )
)
def _measurement(visit: Visit, side: str, test: str, value: str, unit: str) -> None:
    _record_measurement(visit, test, unit, {side: float(value)})


@given(
    parsers.re(
        r"(?:a runner whose|the runner's|their) (?P<test>[a-z -]+?) is "
        r"(?P<value>-?\d+(?:\.\d+)?) (?P<unit>cm|degrees?) on both sides"
    )
)
def _measurement_both(visit: Visit, test: str, value: str, unit: str) -> None:
    _record_measurement(visit, test, unit, {"left": float(value), "right": float(value)})


def _record_measurement(visit: Visit, test: str, unit: str, values: dict[str, float]) -> None:
    assert test in MEASUREMENTS, f"unknown test {test!r}; known: {sorted(MEASUREMENTS)}"
    name, expected_unit = MEASUREMENTS[test]
    assert unit.rstrip("s") == expected_unit.rstrip("s"), f"{test} is measured in {expected_unit}, not {unit}"
    visit.edit().setdefault("measurements", {}).setdefault(name, {}).update(values)


@given(parsers.re(r"the runner shows (?P<words>.+?) on (?:the (?P<side>left|right) side|(?P<both>both) sides)"))
def _sign(visit: Visit, words: str, side: str | None, both: str | None) -> None:
    phrase = re.sub(r"^(?:an?|the) ", "", words.strip().lower())
    name = known("signs", SIGN_WORDS.get(phrase, identifier(phrase)))
    signs = visit.edit().setdefault("signs", {})
    new = both or side
    assert new is not None
    signs[name] = new if signs.get(name) in (None, new) else "both"


@given(
    parsers.re(
        r"the runner reports (?P<words>.+?) pain on (?:the (?P<side>left|right) side|(?P<both>both) sides)"
        r"(?: for (?P<weeks>\d+) weeks?)?(?:, severity (?P<severity>\d+) out of 10)?"
    )
)
def _symptom(
    visit: Visit, words: str, side: str | None, both: str | None, weeks: str | None, severity: str | None
) -> None:
    phrase = words.strip().lower()
    site = known("symptom_sites", SITE_WORDS.get(phrase, identifier(phrase)))
    symptom: dict[str, Any] = {"site": site, "side": both or side}
    if weeks is not None:
        symptom["weeks"] = int(weeks)
    if severity is not None:
        symptom["severity"] = int(severity)
    visit.edit().setdefault("symptoms", []).append(symptom)


@given(parsers.re(r"the runner has the red flag (?P<words>.+)"))
def _red_flag(visit: Visit, words: str) -> None:
    visit.edit().setdefault("red_flags", []).append(known("red_flags", identifier(words)))


@given(parsers.re(r"the runner has the condition (?P<words>.+)"))
def _condition(visit: Visit, words: str) -> None:
    visit.edit().setdefault("conditions", []).append(known("conditions", identifier(words)))


@when("the runner is assessed")
def _assessed(visit: Visit) -> None:
    assert visit.assessment.case_id == visit.case["case_id"]


# --- Then: status and referrals ---------------------------------------------------------------------


@then(parsers.re(r"the status is (?P<status>refer_urgently|refer|plan)"))
def _status(visit: Visit, status: str) -> None:
    a = visit.assessment
    assert a.status == status, f"status is {a.status}, referrals: {brief(a.referrals)}"


@then(parsers.re(r"an? (?P<name>\w+) is made" + SIDE_PHRASE + r"(?: with (?P<urgency>urgent|soon|routine) urgency)?"))
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
    known("findings", name)
    found = on_side(visit.assessment.findings, name, side_of(where))
    assert not found, f"unexpected finding {brief(found)}"


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
    known("compensations", name)
    found = on_side(visit.assessment.compensations, name, side_of(where))
    assert not found, f"unexpected compensation {brief(found)}"


@then(parsers.re(r"no compensation is (?:expected or observed|listed)(?P<where> on the (?:left|right) side)?"))
def _no_compensations(visit: Visit, where: str | None) -> None:
    side = side_of(where)
    found = [c for c in visit.assessment.compensations if side is None or covers(c, side)]
    assert not found, f"unexpected compensations {brief(found)}"


@then(parsers.re(r"(?P<name>\w+) is a risk" + SIDE_PHRASE))
def _risk(visit: Visit, name: str, where: str | None) -> None:
    known("risks", name)
    side = side_of(where)
    assert on_side(visit.assessment.risks, name, side), (
        f"{name} is no risk{where_text(side)}; risks: {brief(visit.assessment.risks)}"
    )


@then(parsers.re(r"(?P<name>\w+) is not a risk(?P<where> on the (?:left|right) side)?"))
def _no_risk(visit: Visit, name: str, where: str | None) -> None:
    known("risks", name)
    found = on_side(visit.assessment.risks, name, side_of(where))
    assert not found, f"unexpected risk {brief(found)}"


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


# --- Then: the plan -----------------------------------------------------------------------------------


@then(parsers.re(r"(?P<name>\w+) is recommended" + SIDE_PHRASE))
def _recommended(visit: Visit, name: str, where: str | None) -> None:
    known("interventions", name)
    side = side_of(where)
    assert on_side(visit.assessment.recommendations, name, side), (
        f"{name} not recommended{where_text(side)}; plan: {brief(visit.assessment.recommendations)}; "
        f"withheld: {brief(visit.assessment.withheld)}; blocked: {brief(visit.assessment.blocked)}"
    )


@then(parsers.re(r"(?P<name>\w+) is not recommended(?P<where> for the (?:left|right) side)?"))
def _not_recommended(visit: Visit, name: str, where: str | None) -> None:
    known("interventions", name)
    found = on_side(visit.assessment.recommendations, name, side_of(where))
    assert not found, f"unexpected recommendation {brief(found)}"


@then(parsers.re(r"(?P<name>\w+) is recommended with a dose mentioning \"(?P<text>[^\"]+)\""))
def _dose(visit: Visit, name: str, text: str) -> None:
    known("interventions", name)
    found = on_side(visit.assessment.recommendations, name, None)
    assert found, f"{name} not recommended; plan: {brief(visit.assessment.recommendations)}"
    assert all(text in r.dose for r in found), f"{name} dose: {[r.dose for r in found]}"


@then(parsers.re(r"(?P<name>\w+) is recommended at priority (?P<priority>\d+)"))
def _priority(visit: Visit, name: str, priority: str) -> None:
    known("interventions", name)
    found = on_side(visit.assessment.recommendations, name, None)
    assert found, f"{name} not recommended; plan: {brief(visit.assessment.recommendations)}"
    assert all(r.priority == int(priority) for r in found), f"{name} priority: {[r.priority for r in found]}"


@then("recommendations are in priority order")
def _priority_order(visit: Visit) -> None:
    priorities = [r.priority for r in visit.assessment.recommendations]
    assert priorities, "the plan is empty"
    assert priorities == sorted(priorities), f"priorities in plan order: {priorities}"


@then(parsers.re(r"(?P<first>\w+) comes before (?P<second>\w+) in the plan"))
def _before(visit: Visit, first: str, second: str) -> None:
    ids = [r.id for r in visit.assessment.recommendations]
    for name in (first, second):
        known("interventions", name)
        assert name in ids, f"{name} not in the plan {ids}"
    assert ids.index(first) < ids.index(second), f"plan order: {ids}"


@then(parsers.re(r"no exercise is recommended(?P<where> for the (?:left|right) side| for either side)?"))
def _no_exercise(visit: Visit, where: str | None) -> None:
    side = side_of(where) if where and "either" not in where else None
    found = [
        r
        for r in visit.assessment.recommendations
        if r.family in EXERCISE_FAMILIES and (side is None or covers(r, side))
    ]
    assert not found, f"exercise advice given: {brief(found)}"


@then(parsers.re(r"the plan recommends nothing(?P<where> for the (?:left|right) side)?"))
def _nothing(visit: Visit, where: str | None) -> None:
    side = side_of(where)
    found = [r for r in visit.assessment.recommendations if side is None or covers(r, side)]
    assert not found, f"plan: {brief(found)}"


@then(parsers.re(r"(?P<name>\w+) carries a warning mentioning \"(?P<text>[^\"]+)\""))
def _warning(visit: Visit, name: str, text: str) -> None:
    known("interventions", name)
    found = on_side(visit.assessment.recommendations, name, None)
    assert found, f"{name} not recommended; blocked: {brief(visit.assessment.blocked)}"
    assert all(any(text in w for w in r.warnings) for r in found), f"{name} warnings: {[r.warnings for r in found]}"


@then(parsers.re(r"(?P<name>\w+) carries no warning"))
def _no_warning(visit: Visit, name: str) -> None:
    known("interventions", name)
    found = on_side(visit.assessment.recommendations, name, None)
    assert found, f"{name} not recommended"
    assert not any(r.warnings for r in found), f"{name} warnings: {[r.warnings for r in found]}"


# --- Then: safety -------------------------------------------------------------------------------------


@then(
    parsers.re(
        r"(?P<name>\w+) is withheld" + SIDE_PHRASE + r" because of (?P<flag>\w+)(?: pending the (?P<referral>\w+))?"
    )
)
def _withheld(visit: Visit, name: str, where: str | None, flag: str, referral: str | None) -> None:
    known("interventions", name)
    known("red_flags", flag)
    side = side_of(where)
    found = on_side(visit.assessment.withheld, name, side)
    assert found, f"{name} not withheld{where_text(side)}; withheld: {brief(visit.assessment.withheld)}"
    assert all(flag in w.red_flags for w in found), f"{name} withheld for {[w.red_flags for w in found]}"
    if referral is not None:
        known("referrals", referral)
        assert all(referral in w.withheld_by for w in found), f"{name} pending {[w.withheld_by for w in found]}"
    if side is not None:
        assert not on_side(visit.assessment.recommendations, name, side), f"{name} still in the plan{where_text(side)}"


@then(parsers.re(r"all exercise advice is withheld" + SIDE_PHRASE + r" because of (?P<flag>\w+)"))
def _all_withheld(visit: Visit, where: str | None, flag: str) -> None:
    known("red_flags", flag)
    side = side_of(where)
    sides = ("left", "right") if side in (None, "both") else (side,)
    a = visit.assessment
    for one in sides:
        given = [r for r in a.recommendations if r.family in EXERCISE_FAMILIES and covers(r, one)]
        assert not given, f"exercise advice on the {one} side: {brief(given)}"
        held = [w for w in a.withheld if w.family in EXERCISE_FAMILIES and covers(w, one)]
        assert held, f"nothing withheld on the {one} side (was any advice due?)"
        assert all(flag in w.red_flags for w in held), f"withheld on the {one} side for {[w.red_flags for w in held]}"


@then(parsers.re(r"nothing is withheld(?P<where> on the (?:left|right) side)?"))
def _nothing_withheld(visit: Visit, where: str | None) -> None:
    side = side_of(where)
    found = [w for w in visit.assessment.withheld if side is None or covers(w, side)]
    assert not found, f"withheld: {brief(found)}"


@then(
    parsers.re(
        r"(?P<name>\w+) is blocked" + SIDE_PHRASE + r" because of (?P<reason>\w+)"
        r"(?: with (?P<alt>an alternative|no alternative|the alternative (?P<alternative>\w+)))?"
    )
)
def _blocked(visit: Visit, name: str, where: str | None, reason: str, alt: str | None, alternative: str | None) -> None:
    known("interventions", name)
    known_node_name(reason)
    side = side_of(where)
    a = visit.assessment
    found = on_side(a.blocked, name, side)
    assert found, f"{name} not blocked{where_text(side)}; blocked: {brief(a.blocked)}"
    assert all(reason in b.conditions for b in found), f"{name} blocked for {[b.conditions for b in found]}"
    assert not on_side(a.recommendations, name, side), f"{name} still in the plan{where_text(side)}"
    if alt == "an alternative":
        assert all(b.alternative for b in found), f"{name} alternatives: {[b.alternative for b in found]}"
        for b in found:
            assert VOCABULARY.interventions[b.alternative].family == b.family, f"{b.alternative} is not a {b.family}"
    elif alt == "no alternative":
        assert all(b.alternative is None for b in found), f"{name} alternatives: {[b.alternative for b in found]}"
    elif alternative is not None:
        known("interventions", alternative)
        assert all(b.alternative == alternative for b in found), (
            f"{name} alternatives: {[b.alternative for b in found]}"
        )


@then(parsers.re(r"(?P<name>\w+) is not blocked"))
def _not_blocked(visit: Visit, name: str) -> None:
    known("interventions", name)
    found = on_side(visit.assessment.blocked, name, None)
    assert not found, f"unexpected block {brief(found)} for {[b.conditions for b in found]}"


# --- Then: questions ----------------------------------------------------------------------------------


@then(parsers.re(r"the plan asks to (?P<name>\w+)" + SIDE_PHRASE))
def _asks(visit: Visit, name: str, where: str | None) -> None:
    known("questions", name)
    side = side_of(where)
    assert on_side(visit.assessment.questions, name, side), (
        f"no question {name}{where_text(side)}; questions: {brief(visit.assessment.questions)}"
    )


@then(parsers.re(r"the plan does not ask to (?P<name>\w+)(?P<where> for the (?:left|right) side)?"))
def _does_not_ask(visit: Visit, name: str, where: str | None) -> None:
    known("questions", name)
    found = on_side(visit.assessment.questions, name, side_of(where))
    assert not found, f"unexpected question {brief(found)}"


@then("the plan asks no questions")
def _no_questions(visit: Visit) -> None:
    assert not visit.assessment.questions, f"questions: {brief(visit.assessment.questions)}"


# --- Then: the explanation ----------------------------------------------------------------------------

EXPLAINED_KINDS = {
    "": "recommendation",
    "the finding ": "finding",
    "the compensation ": "compensation",
    "the risk ": "risk",
    "the referral ": "referral",
    "the question ": "question",
    "the block on ": "blocked",
    "the withholding of ": "withheld",
}


@then(
    parsers.re(
        r"the explanation of (?P<kind>the (?:finding|compensation|risk|referral|question|block on|withholding of) )?"
        r"(?P<name>\w+)" + r"(?P<where> on the (?:left|right) side)?" + r" passes through (?P<via>[\w.]+)"
    )
)
def _explanation(visit: Visit, kind: str | None, name: str, where: str | None, via: str) -> None:
    """Some path from a case fact to the conclusion runs through a node called `via` (fact name or rule id)."""
    fact_kind = EXPLAINED_KINDS[kind or ""]
    known_node_name(name)
    known_node_name(via)
    side = side_of(where)
    explanation = visit.assessment.explanation
    graph = nx.DiGraph()
    for node in explanation["nodes"]:
        graph.add_node(node["id"], **{k: v for k, v in node.items() if k != "id"})
    graph.add_edges_from((edge["source"], edge["target"]) for edge in explanation["edges"])
    targets = [
        n
        for n, data in graph.nodes(data=True)
        if data.get("kind") == fact_kind and data.get("name") == name and (side is None or data.get("side") == side)
    ]
    assert targets, f"no {fact_kind} node {name}{where_text(side)} in the explanation"

    def is_case(n: str) -> bool:
        return graph.nodes[n].get("layer") == "case"

    def called(n: str) -> bool:
        data = graph.nodes[n]
        return data.get("name") == via or data.get("rule") == via

    for target in targets:
        upstream = nx.ancestors(graph, target)
        for n in upstream:
            if called(n) and (is_case(n) or any(is_case(m) for m in nx.ancestors(graph, n))):
                return
    raise AssertionError(
        f"no path from a case fact to {fact_kind} {name}{where_text(side)} passes through {via}; "
        f"upstream: {sorted(nx.ancestors(graph, targets[0]))}"
    )
