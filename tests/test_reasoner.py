"""The durable-rules reasoner: rules compile with the limb join, limbs never mix, every conclusion the rules
imply arrives, each case runs in isolation (no state left behind, nothing leaking between cases or threads),
and the output is byte-for-byte deterministic."""

from __future__ import annotations

import itertools
import json
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import networkx as nx
import pytest
from _support import EXAMPLES, example_paths

import engine
from engine.knowledge.rule import UNSIDED_KINDS
from engine.reasoning.compiler import CATCH_ALL, GATE_KIND, alias, anchor_index, compile_rulebase
from engine.reasoning.facts import case_facts
from engine.reasoning.host import Ruleset
from engine.reports.why import graph_of


@pytest.fixture(scope="module")
def eng() -> engine.Engine:
    return engine.default_engine()


def facts_of(eng: engine.Engine, case: Any) -> list[dict[str, Any]]:
    return case_facts(eng.load_case(case), eng.rulebase.vocabulary)


def covers(item: Any, side: str) -> bool:
    return item.side in (side, "both")


# --- compilation ---------------------------------------------------------------------------------------


def test_every_rule_compiles_to_one_durable_rule(eng: engine.Engine) -> None:
    definition = compile_rulebase(eng.rulebase.rules)
    assert set(definition) == {r.id for r in eng.rulebase.rules} | {CATCH_ALL}


@pytest.mark.parametrize("rule_id", sorted(r.id for r in engine.default_engine().rulebase.rules))
def test_rule_compiles_with_the_limb_join(eng: engine.Engine, rule_id: str) -> None:
    rule = eng.rulebase.by_id[rule_id]
    compiled = compile_rulebase((rule,))[rule_id]
    patterns = compiled["all"]
    assert "run" not in compiled  # the host runs no Python action per rule: firings come back as data
    has_gate = any(c.absent for c in rule.when)
    assert (patterns[0] == {"gate": {"kind": GATE_KIND}}) == has_gate
    by_alias = {}
    for pattern in patterns[1:] if has_gate else patterns:
        ((name, body),) = pattern.items()
        by_alias[name.removesuffix("$not")] = (name.endswith("$not"), body["$and"])
    assert len(by_alias) == len(rule.when)
    anchor = alias(anchor_index(rule))
    for index, condition in enumerate(rule.when):
        negated, terms = by_alias[alias(index)]
        assert negated == condition.absent
        # a negation matches the kind's shadow: durable-rules never lets two patterns of one rule hold one fact
        assert terms[0] == {"kind": ("absent:" if condition.absent else "") + condition.kind}
        joins = [i for i, t in enumerate(terms) if "side" in t]
        if alias(index) == anchor or condition.kind in UNSIDED_KINDS:
            assert not joins, f"{rule_id}: {alias(index)} must not be joined"
            continue
        relation = "side" if condition.side == "same" else "opposite"
        assert [terms[i] for i in joins] == [{"side": {anchor: relation}}], f"{rule_id}: {alias(index)} not joined"
        ors = [i for i, t in enumerate(terms) if "$or" in t]
        # durable-rules 2.0.28 silently drops a reference placed after an $or
        assert all(joins[0] < i for i in ors), f"{rule_id}: limb join after an $or in {alias(index)}"


def test_anchor_comes_first_and_absent_conditions_last(eng: engine.Engine) -> None:
    for rule in eng.rulebase.rules:
        patterns = compile_rulebase((rule,))[rule.id]["all"]
        names = [next(iter(p)) for p in patterns if "gate" not in p]
        assert names[0] == alias(anchor_index(rule)), rule.id
        negated = [n.endswith("$not") for n in names]
        assert negated == sorted(negated), f"{rule.id}: a negation before a positive pattern"


# --- limbs never mix -----------------------------------------------------------------------------------

LOCAL_FLAGS = sorted(engine.default_engine().rulebase.vocabulary.red_flag_sites)


def _two_limb_case(flag: str | None, side: str) -> dict[str, Any]:
    site = engine.default_engine().rulebase.vocabulary.red_flag_sites_of(flag)[0] if flag else "calf"
    return {
        "case_id": "LIMBS-1",
        "measurements": {
            "lunge_distance_cm": {"left": 6.0, "right": 6.5},
            "lunge_angle_deg": {"left": 30, "right": 31},
            "dorsiflexion_knee_straight_deg": {"left": -2, "right": -1},
            "dorsiflexion_knee_bent_deg": {"left": 6, "right": 7},
        },
        "signs": {
            "calf_tightness": "both",
            "achilles_tightness": "both",
            "excessive_pronation": "both",
            "hip_drop": "both",
            "heel_lift_in_squat": "both",
        },
        "symptoms": [{"site": site, "side": side}, {"site": "lower_back", "side": "both"}],
        "red_flags": [flag] if flag else [],
    }


def _plan_for(result: engine.Assessment, side: str) -> dict[str, set[str]]:
    return {
        "recommended": {r.id for r in result.recommendations if covers(r, side)},
        "withheld": {w.id for w in result.withheld if covers(w, side)},
        "blocked": {b.id for b in result.blocked if covers(b, side)},
        "referrals": {r.id for r in result.referrals if covers(r, side)},
    }


@pytest.mark.parametrize("flag", LOCAL_FLAGS)
@pytest.mark.parametrize("flag_side", ["left", "right"])
def test_red_flag_on_one_limb_never_touches_the_other(eng: engine.Engine, flag: str, flag_side: str) -> None:
    other = "left" if flag_side == "right" else "right"
    flagged = eng.assess(_two_limb_case(flag, flag_side))
    calm = eng.assess(_two_limb_case(None, flag_side))
    # the flag stays on its limb ...
    assert {f["side"] for f in facts_of(eng, _two_limb_case(flag, flag_side)) if f["kind"] == "red_flag"} == {flag_side}
    # ... the other limb's plan is exactly what it is without the flag ...
    assert _plan_for(flagged, other) == _plan_for(calm, other)
    assert _plan_for(calm, other)["recommended"] >= {"ankle_wall_drill", "band_assisted_mobilization"}
    # ... and the flagged limb gets no exercise advice
    mine = _plan_for(flagged, flag_side)
    assert not {r.id for r in flagged.recommendations if covers(r, flag_side) and r.family != "offload"}
    assert mine["referrals"]
    assert mine["withheld"] >= {"ankle_wall_drill", "band_assisted_mobilization"}


def test_rupture_block_is_per_limb_regression_side_after_or(eng: engine.Engine) -> None:
    """safety.block.calf_loading_rupture matches names with $or on both patterns: the limb join must hold."""
    result = eng.assess(_two_limb_case("positive_thompson_test", "right"))
    held = {(w.id, w.side) for w in result.withheld if "positive_thompson_test" in w.also_blocked_by}
    assert ("calf_raises", "right") in held  # held by the flag, and contraindicated once cleared
    assert not any(w.side in ("left", "both") for w in result.withheld)
    assert result.recommended("calf_raises", "left")
    assert not result.recommended("calf_raises", "right")


def test_dvt_flag_is_whole_patient_whatever_side_is_written(eng: engine.Engine) -> None:
    """v1 placed a DVT flag on the calf-pain leg and treated the other calf (whole patient: docs/clinical-basis.md
    section 5)."""
    case = {**_two_limb_case(None, "left"), "red_flags": {"calf_swelling_warmth": "left"}}
    result = eng.assess(case)
    assert not result.recommendations
    held = {(w.id, w.side, w.reason) for w in result.withheld}
    assert {("foam_rolling", "both", "medical_clearance"), ("contrast_therapy", "both", "medical_clearance")} <= held
    foam = next(w for w in result.withheld if w.id == "foam_rolling")
    assert "calf_swelling_warmth" in foam.also_blocked_by


def test_other_side_condition_joins_the_opposite_limb(eng: engine.Engine) -> None:
    """question.measure_other_side.*: 'absent on the other side' must look at the other limb only."""
    one = eng.assess({"case_id": "Q-1", "measurements": {"lunge_distance_cm": {"left": 10}}})
    assert {(q.id, q.side) for q in one.questions} == {("measure_other_side", "right")}  # the side to measure
    both = eng.assess({"case_id": "Q-2", "measurements": {"lunge_distance_cm": {"left": 10, "right": 10}}})
    assert not [q for q in both.questions if q.id == "measure_other_side"]


def test_chain_from_measurement_to_recommendation_is_complete(eng: engine.Engine) -> None:
    result = eng.assess(EXAMPLES / "runner-left-restriction.yaml")
    graph = graph_of(result)

    def path(*nodes: str) -> None:
        for a, b in itertools.pairwise(nodes):
            assert any(graph.has_edge(a, r) and graph.has_edge(r, b) for r in graph.successors(a)), f"{a} -> {b}"

    path(
        "measurement:lunge_distance_cm:left",
        "finding:limited_dorsiflexion:left",
        "compensation:dynamic_knee_valgus:left:expected",
    )
    path(
        "symptom:anterior_knee:left",
        "presentation:patellofemoral_pain:left",
        "recommendation:kinetic_chain_strength:left",
    )
    path(
        "measurement:lunge_angle_deg:left",
        "finding:limited_dorsiflexion:left",
        "risk:achilles_tendinopathy:left",
        "recommendation:calf_raises:left",
    )
    path(
        "sign:dynamic_knee_valgus:left",
        "compensation:dynamic_knee_valgus:left:observed",
        "recommendation:kinetic_chain_strength:left",
    )
    path("measurement:dorsiflexion_knee_straight_deg:left", "finding:gastrocnemius_restriction:left")
    path("finding:gastrocnemius_restriction:left", "recommendation:gastrocnemius_stretch:left")
    assert nx.is_directed_acyclic_graph(graph)
    layers = {
        "finding": result.findings,
        "compensation": result.compensations,
        "risk": result.risks,
        "recommendation": result.recommendations,
    }
    assert all(layers.values()), {k: len(v) for k, v in layers.items()}
    assert result.recommended("calf_raises", "left")
    assert result.recommended("kinetic_chain_strength", "left")
    assert any(p.id == "patellofemoral_pain" and covers(p, "left") for p in result.presentations)
    assert not any(r.id == "patellofemoral_pain" and covers(r, "left") for r in result.risks)  # a diagnosis there


# --- isolation -----------------------------------------------------------------------------------------


def test_no_session_left_open_after_assess(eng: engine.Engine) -> None:
    for path in example_paths():
        eng.assess(path)
        assert eng.reasoner.open_sessions == 0, path.name


def test_no_session_left_open_after_a_refused_case(eng: engine.Engine) -> None:
    with pytest.raises(engine.CaseError):
        eng.assess({"case_id": "bad id"})
    assert eng.reasoner.open_sessions == 0


def test_durable_state_is_deleted_after_each_run(eng: engine.Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    reasoner = eng.reasoner
    seen: dict[str, bool] = {}
    original = Ruleset.assert_encoded

    def spy(ruleset: Ruleset, batch: list[str]) -> Any:
        outcome = original(ruleset, batch)
        sid = json.loads(batch[0])["sid"]
        seen[sid] = reasoner.state_exists(sid)  # during the run: the state must be there (guards state_exists)
        seen[f"{sid}/open"] = reasoner.open_sessions == 1
        return outcome

    monkeypatch.setattr(Ruleset, "assert_encoded", spy)
    for number, path in enumerate(example_paths()[:6]):
        sid = f"isolation-{number}"
        reasoner.run(facts_of(eng, path), sid=sid)
        assert seen[sid] and seen[f"{sid}/open"], "state_exists/open_sessions cannot see a live run"
        assert not reasoner.state_exists(sid), f"durable-rules state left behind for {sid}"
        assert reasoner.open_sessions == 0


def test_reusing_a_session_id_starts_clean(eng: engine.Engine) -> None:
    heavy = facts_of(eng, EXAMPLES / "red-flag-possible-dvt.yaml")
    light = facts_of(eng, EXAMPLES / "asymmetry-without-limitation-right.yaml")
    alone = eng.reasoner.run([dict(f) for f in light])
    eng.reasoner.run([dict(f) for f in heavy], sid="reused")
    again = eng.reasoner.run([dict(f) for f in light], sid="reused")
    assert set(again.facts) == set(alone.facts)
    assert sorted(again.firings, key=repr) == sorted(alone.firings, key=repr)
    assert not eng.reasoner.state_exists("reused")


def test_alternating_cases_do_not_leak(eng: engine.Engine) -> None:
    first = EXAMPLES / "red-flag-possible-dvt.yaml"
    second = EXAMPLES / "gastrocnemius-pattern-right.yaml"
    alone = {p: engine.Engine().assess(p).to_json() for p in (first, second)}
    for path in [first, second] * 5:
        assert eng.assess(path).to_json() == alone[path], path.name


# --- threads -------------------------------------------------------------------------------------------


def test_concurrent_assessments_match_sequential(eng: engine.Engine) -> None:
    paths = example_paths()
    sequential = {p: eng.assess(p).to_json() for p in paths}
    jobs = [[paths[(t * 7 + i) % len(paths)] for i in range(50)] for t in range(8)]

    def work(batch: list[Any]) -> list[tuple[Any, str]]:
        return [(p, eng.assess(p).to_json()) for p in batch]

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(work, jobs))
    assert sum(len(r) for r in results) == 400
    for batch in results:
        for path, output in batch:
            assert output == sequential[path], f"{path.name} differs when assessed concurrently"
    assert eng.reasoner.open_sessions == 0


# --- determinism ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", example_paths(), ids=lambda p: p.name)
def test_output_is_deterministic(eng: engine.Engine, path: Any) -> None:
    first = eng.assess(path).to_json()
    assert eng.assess(path).to_json() == first
    assert engine.Engine().assess(path).to_json() == first
