"""Then-steps on the plan, safety outcomes, questions and the explanation (a pytest-bdd plugin)."""

from __future__ import annotations

import networkx as nx
from pytest_bdd import parsers, then
from scenario_language import (
    EXERCISE_FAMILIES,
    SIDE_PHRASE,
    VOCABULARY,
    Visit,
    brief,
    covers,
    expect_item,
    expect_no_item,
    known,
    known_node_name,
    on_side,
    side_of,
    where_text,
)

from engine.reports.why import graph_of

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
    expect_no_item(visit.assessment.recommendations, "interventions", name, where, "recommendation")


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
    held = [w for w in on_side(a.withheld, name, side) if reason in w.also_blocked_by]
    if held:  # held back by a red flag or a missing screen, and contraindicated once cleared too
        assert alt is None, f"{name} is held back, so no alternative is offered"
        return
    found = on_side(a.blocked, name, side)
    assert found, f"{name} not blocked{where_text(side)}; blocked: {brief(a.blocked)}; withheld: {brief(a.withheld)}"
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
    expect_item(visit.assessment.questions, "questions", name, where, "question")


@then(parsers.re(r"the plan does not ask to (?P<name>\w+)(?P<where> for the (?:left|right) side)?"))
def _does_not_ask(visit: Visit, name: str, where: str | None) -> None:
    expect_no_item(visit.assessment.questions, "questions", name, where, "question")


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
    graph = graph_of(visit.assessment)
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
