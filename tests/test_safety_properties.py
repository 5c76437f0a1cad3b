"""Safety properties over cases generated from the published case schema (hypothesis).

(a) a red flag always means referral, and no exercise advice on the flagged limb;
(b) nothing recommended has a contraindication present;
(c) every recommendation, referral, withheld and blocked item is explained from the case facts;
(d) a schema-valid case never makes assess raise;
(e) the output is deterministic.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from typing import Any

import _oracle
import networkx as nx
import pytest
import yaml
from _support import (
    REPO,
    RULES,
    WITHHELD_FAMILIES,
    case_strategy,
    sides_of,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import engine
from engine.reasoning.explanation import explanation_of
from engine.reports.why import graph_of

CASES = case_strategy()
FAST = {"deadline": None, "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large]}


def _engine() -> engine.Engine:
    return engine.default_engine()


def red_flag_sides(case: dict[str, Any]) -> dict[str, set[str]]:
    """Which limbs carry which red flags, placed as the case contract says by the oracle's own fact builder
    (tests/_oracle.py), not by the engine's."""
    sides: dict[str, set[str]] = {"left": set(), "right": set()}
    for fact in _oracle.case_facts(case, VOCABULARY):
        if fact["kind"] == "red_flag":
            sides[fact["side"]].add(fact["name"])
    return sides


VOCABULARY = yaml.safe_load((RULES / "vocabulary.yaml").read_text(encoding="utf-8"))


def _blocking_rules() -> list[tuple[str, list[str], list[tuple[str, list[str]]]]]:
    """(rule id, interventions it blocks, other conditions) read straight from rules/60-safety.yaml."""
    data = yaml.safe_load((RULES / "60-safety.yaml").read_text(encoding="utf-8"))
    found = []
    for rule in data["rules"]:
        if not rule["then"].get("blocked"):
            continue
        targets: list[str] = []
        others: list[tuple[str, list[str]]] = []
        for condition in rule["when"]:
            assert not condition.get("absent") and condition.get("side", "same") == "same", rule["id"]
            kind = next(k for k in condition if k not in ("family", "side", "observed"))
            names = condition[kind] if isinstance(condition[kind], list) else [condition[kind]]
            if kind == "recommendation" and names == ["any"]:  # every item of the named families
                families = condition["family"] if isinstance(condition["family"], list) else [condition["family"]]
                names = [name for name, spec in VOCABULARY["interventions"].items() if spec["family"] in families]
            if kind == "recommendation":
                targets = names
            else:
                others.append((kind, names))
        found.append((rule["id"], targets, others))
    return found


BLOCKING = _blocking_rules()


def test_blocking_rules_were_found() -> None:
    blocked = {t for _, targets, _ in BLOCKING for t in targets}
    assert {"contrast_therapy", "foam_rolling", "band_assisted_mobilization", "calf_raises"} <= blocked


# --- (a) red flags ---------------------------------------------------------------------------------------


@settings(max_examples=250, **FAST)
@given(case=CASES)
def test_red_flag_means_referral_and_no_exercise_on_that_limb(case: dict[str, Any]) -> None:
    result = _engine().assess(case)
    flagged = red_flag_sides(case)
    if case.get("red_flags"):
        assert result.status != "plan", "a red flag but a plain plan"
        assert result.referrals
    for recommendation in result.recommendations:
        for side in sides_of(recommendation.side):
            if flagged[side]:
                assert recommendation.family not in WITHHELD_FAMILIES, (
                    f"{recommendation.id} ({recommendation.family}) recommended on the {side} limb "
                    f"despite {sorted(flagged[side])}"
                )
    for side, flags in flagged.items():
        if flags:
            assert any(side in sides_of(r.side) for r in result.referrals), f"{flags} on {side}, no referral there"


LOCAL_FLAGS = sorted(engine.default_engine().rulebase.vocabulary.red_flag_sites)


def _one_sided_flag(drawn: tuple[dict[str, Any], str, str, float]) -> dict[str, Any]:
    """A generated case plus a red flag localised (by a symptom at its site) to one limb, and a restricted
    ankle on both, so the other limb has a plan for the flag to leave alone."""
    case, flag, side, lunge = drawn
    site = _engine().rulebase.vocabulary.red_flag_sites_of(flag)[0]
    measurements = dict(case.get("measurements") or {})
    measurements["lunge_distance_cm"] = {"left": lunge, "right": lunge}
    return {
        **case,
        "screening": {},  # no recorded screen may contradict the flag drawn here
        "measurements": measurements,
        "symptoms": [s for s in case.get("symptoms", []) if s["side"] != "both"] + [{"site": site, "side": side}],
        "red_flags": [*case.get("red_flags", []), flag],
    }


ONE_SIDED = st.tuples(CASES, st.sampled_from(LOCAL_FLAGS), st.sampled_from(["left", "right"]), st.floats(0, 8.9)).map(
    _one_sided_flag
)


@settings(max_examples=200, **FAST)
@given(case=ONE_SIDED)
def test_one_sided_red_flag_withholds_only_its_limb(case: dict[str, Any]) -> None:
    result = _engine().assess(case)
    flagged = red_flag_sides(case)
    assert result.status != "plan"
    for recommendation in result.recommendations:
        for side in sides_of(recommendation.side):
            if flagged[side]:
                assert recommendation.family not in WITHHELD_FAMILIES, (
                    f"{recommendation.id} recommended on the {side} limb despite {sorted(flagged[side])}"
                )
    for side in ("left", "right"):
        if not flagged[side]:  # the clear limb may still wait for its own screens, never for the flag
            held = [w for w in result.withheld if side in sides_of(w.side) and w.reason != "pending"]
            assert not held, f"{side} limb withheld without a flag: {[w.id for w in held]}"


@pytest.mark.parametrize("flag", sorted(engine.default_engine().rulebase.vocabulary.words("red_flags")))
@pytest.mark.parametrize("site", [None, "calf", "shin", "achilles"])
def test_each_red_flag_alone_is_referred(flag: str, site: str | None) -> None:
    case = {
        "case_id": "FLAG-1",
        "measurements": {"lunge_distance_cm": {"left": 6, "right": 6}},
        "signs": {"calf_tightness": "both"},
        "symptoms": [{"site": site, "side": "left"}] if site else [],
        "red_flags": [flag],
    }
    result = _engine().assess(case)
    assert result.status != "plan"
    flagged = red_flag_sides(case)
    for recommendation in result.recommendations:
        assert not any(flagged[s] for s in sides_of(recommendation.side)) or (
            recommendation.family not in WITHHELD_FAMILIES
        ), recommendation.id


# --- (b) contraindications -------------------------------------------------------------------------------


def _present(
    kind: str, names: list[str], side: str, case_keys: set[tuple[str, str, str]], derived: set[tuple[str, str, str]]
) -> bool:
    pool = case_keys if kind in ("condition", "red_flag", "measurement", "sign", "symptom") else derived
    return any((kind, name, s) in pool for name in names for s in (side, "none"))


@settings(max_examples=300, **FAST)
@given(case=CASES)
def test_no_recommendation_has_a_blocking_condition_present(case: dict[str, Any]) -> None:
    eng = _engine()
    result = eng.assess(case)
    case_keys = {(f["kind"], f["name"], f["side"]) for f in _oracle.case_facts(case, VOCABULARY)}
    derived = {(n["kind"], n["name"], n["side"]) for n in explanation_of(result)["nodes"] if n["type"] == "fact"}
    for recommendation in result.recommendations:
        for side in sides_of(recommendation.side):
            for rule_id, targets, others in BLOCKING:
                if recommendation.id in targets or "any" in targets:
                    assert not all(_present(k, names, side, case_keys, derived) for k, names in others), (
                        f"{recommendation.id} recommended on {side} although {rule_id} blocks it"
                    )


# --- (c) explanations ------------------------------------------------------------------------------------


@settings(max_examples=200, **FAST)
@given(case=CASES)
def test_every_outcome_is_explained_from_case_facts(case: dict[str, Any]) -> None:
    result = _engine().assess(case)
    graph = graph_of(result)
    case_nodes = {n for n, d in graph.nodes(data=True) if d.get("layer") == "case"}
    outcomes = (
        [("recommendation", r) for r in result.recommendations]
        + [("referral", r) for r in result.referrals]
        + [("withheld", w) for w in result.withheld]
        + [("blocked", b) for b in result.blocked]
    )
    for kind, item in outcomes:
        for side in sides_of(item.side):
            node = f"{kind}:{item.id}:{side}"
            if kind == "withheld" and not graph.has_node(node):  # held for a missing screen
                node = f"pending:{item.id}:{side}"
            assert graph.has_node(node), f"{node} missing from the explanation"
            sources = nx.ancestors(graph, node) & case_nodes
            assert sources, f"{node} has no path from a case fact"
            source = min(sources)
            assert len(nx.shortest_path(graph, source, node)) >= 3  # fact -> rule -> conclusion at least
    assert set(explanation_of(result)) >= {"nodes", "edges"}


# --- (d) and (e) -----------------------------------------------------------------------------------------


@settings(max_examples=200, **FAST)
@given(case=CASES)
def test_schema_valid_case_never_raises(case: dict[str, Any]) -> None:
    result = _engine().assess(case)
    assert result.case_id == case["case_id"]
    assert result.status in ("plan", "refer", "refer_urgently", "screen_first", "no_action")
    assert _engine().reasoner.open_sessions == 0


@settings(max_examples=150, **FAST)
@given(case=CASES)
def test_output_is_deterministic(case: dict[str, Any]) -> None:
    first = _engine().assess(case).to_json()
    assert _engine().assess(json.loads(json.dumps(case))).to_json() == first


# --- numbers durable-rules cannot take (engine bug; each run in a child process: it can crash) -----------

NUMBER_CASES = {
    "weeks-tiny": {"symptoms": [{"site": "calf", "side": "left", "weeks": 0.00001}]},
    "weeks-subnormal": {"symptoms": [{"site": "calf", "side": "left", "weeks": 5e-324}]},
    "weeks-at-the-bound": {"symptoms": [{"site": "calf", "side": "left", "weeks": 520}]},
    "load-ratio-overflows": {"patient": {"weekly_km": 300, "weekly_km_before": 5e-324}},
    "severity-tiny": {"symptoms": [{"site": "calf", "side": "left", "severity": 0.00001}]},
    "lunge-tiny": {
        "symptoms": [{"site": "calf", "side": "left"}],
        "measurements": {"lunge_distance_cm": {"left": 0.00003, "right": 10}},
    },
}

_CHILD = textwrap.dedent("""
    import json, sys
    import engine
    result = engine.assess(json.loads(sys.argv[1]))
    print(json.dumps({"status": result.status, "referrals": [[r.id, r.side] for r in result.referrals]}))
""")


@pytest.mark.parametrize("name", sorted(NUMBER_CASES))
def test_number_format_never_drops_facts(name: str) -> None:
    """A valid but oddly written number (0.00001 weeks, a subnormal, a ratio that overflows) must not lose the
    DVT flag (a whole-patient flag: the referral covers both legs)."""
    case = {"case_id": "NUM-1", "red_flags": ["calf_swelling_warmth"], **NUMBER_CASES[name]}
    child = subprocess.run(
        [sys.executable, "-c", _CHILD, json.dumps(case)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert child.returncode == 0, f"assess crashed (exit {child.returncode}): {child.stderr[-500:]}"
    outcome = json.loads(child.stdout.strip().splitlines()[-1])
    assert outcome["status"] == "refer_urgently", f"DVT red flag lost: {outcome}"
    assert ["urgent_medical_referral", "both"] in outcome["referrals"]
