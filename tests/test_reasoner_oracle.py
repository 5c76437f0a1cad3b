"""The engine against an independent oracle (tests/_oracle.py), which reads the rule data with plain YAML, builds
the case's facts itself from the case contract and forward-chains by brute force; it imports nothing from the
engine. On the examples and on cases generated from the published schema, the engine must reach exactly the
facts the rule data implies, by exactly the same firings, and read the case into the same facts."""

from __future__ import annotations

import ast
from fractions import Fraction
from pathlib import Path
from typing import Any

import _oracle
import pytest
from _support import RULES, case_strategy, example_paths
from hypothesis import HealthCheck, given, settings

import engine
from engine.reasoning.facts import case_facts

RULE_DATA = _oracle.load(RULES)
DERIVED = {*RULE_DATA[1]["derived_measurements"], *RULE_DATA[1]["derived_patient"]}
DETAILS = ("value", "result", "onset", "onset_recorded", "weeks", "severity", "observed", "family")


@pytest.fixture(scope="module")
def eng() -> engine.Engine:
    return engine.default_engine()


def _same(engine_value: Any, oracle_value: Any, derived: bool) -> bool:
    """Equal; a derived number (computed in floating point by the engine) to the contract's 6 decimal places."""
    if not isinstance(oracle_value, Fraction):
        return engine_value == oracle_value
    if not isinstance(engine_value, int | float) or isinstance(engine_value, bool):
        return False
    error = abs(_oracle.exact(engine_value) - oracle_value)
    return error == 0 or (derived and error <= Fraction(1, 10**6) * max(1, abs(oracle_value)))


def assert_engine_agrees_with_oracle(eng: engine.Engine, case: dict[str, Any], label: str = "") -> None:
    rules, vocabulary = RULE_DATA
    expected_facts = _oracle.case_facts(case, vocabulary)
    known, firings = _oracle.derive(expected_facts, rules, vocabulary)

    facts = case_facts(eng.load_case(case), eng.rulebase.vocabulary)
    derivation = eng.reasoner.run([dict(f) for f in facts])

    by_key = {f["key"]: f for f in facts}
    expected = {f["key"]: f for f in expected_facts}
    missing, extra = sorted(set(expected) - set(by_key)), sorted(set(by_key) - set(expected))
    assert not missing and not extra, f"{label} case facts: missing {missing}, extra {extra}"
    for key, wanted in expected.items():
        for detail in DETAILS:
            is_derived = wanted["name"] in DERIVED
            assert _same(by_key[key].get(detail), wanted.get(detail), is_derived), (
                f"{label} {key}.{detail}: engine {by_key[key].get(detail)!r}, contract {wanted.get(detail)}"
            )
    got = {(f.rule_id, f.premises, f.conclusion) for f in derivation.firings}
    missing, extra = sorted(set(known) - set(derivation.facts)), sorted(set(derivation.facts) - set(known))
    assert not missing and not extra, f"{label} conclusions: missing {missing}, extra {extra}"
    assert got == firings, f"{label} missing firings {sorted(firings - got)[:5]}, extra {sorted(got - firings)[:5]}"
    assert len(derivation.firings) == len(got), f"{label} a rule fired twice on the same facts"
    for key, fact in derivation.facts.items():
        for detail in ("observed", "family"):
            assert fact.get(detail) == known[key].get(detail), f"{label} {key}.{detail}"


def test_the_oracle_shares_no_code_with_the_engine() -> None:
    tree = ast.parse(Path(_oracle.__file__).read_text(encoding="utf-8"))
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    imported |= {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert not {name for name in imported if name.split(".")[0] in ("engine", "cli", "_support")}, imported


def test_the_oracle_can_disagree(eng: engine.Engine) -> None:
    """A wrong rule in the oracle's copy of the rule data is caught: the comparison is not vacuous."""
    rules, vocabulary = RULE_DATA
    case = {"case_id": "X", "measurements": {"lunge_distance_cm": {"left": 4.0, "right": 12.0}}}
    facts = _oracle.case_facts(case, vocabulary)
    known, _ = _oracle.derive(facts, rules, vocabulary)
    assert "finding:limited_dorsiflexion:left" in known and "finding:limited_dorsiflexion:right" not in known
    raised = [
        {**r, "when": [{**c, "below": 13} if c.get("below") == 7.1 else c for c in r["when"]]}
        if r["id"] == "finding.limited_dorsiflexion.lunge_distance"
        else r
        for r in rules
    ]
    assert "finding:limited_dorsiflexion:right" in _oracle.derive(facts, raised, vocabulary)[0]


@pytest.mark.parametrize("path", example_paths(), ids=lambda p: p.name)
def test_every_implied_conclusion_arrives_for_examples(eng: engine.Engine, path: Path) -> None:
    assert_engine_agrees_with_oracle(eng, _oracle.read_case(path), path.name)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=case_strategy())
def test_every_implied_conclusion_arrives_for_generated_cases(case: dict[str, Any]) -> None:
    assert_engine_agrees_with_oracle(engine.default_engine(), case)


# --- an absent condition also sees the fact a present condition of the same rule matched -----------------------
#
# durable-rules never lets one fact meet two patterns of a rule, so a negation used to be blind to the fact a
# positive pattern held: a rule asking for an ankle symptom and for no injury-onset ankle symptom this week fired
# on the injured ankle itself. The oracle found it; negations now match shadow copies of the case facts
# (engine.reasoning.compiler.matched_kind). These two rules of the bundled rule base have that shape.


def test_an_absent_condition_sees_a_fact_a_present_one_matched(eng: engine.Engine) -> None:
    """question.measure_weight_bearing_lunge.symptoms: no weight-bearing lunge is asked for on an ankle injured
    this week (the Ottawa rules come first, docs/clinical-basis.md section 7)."""
    case = {
        "case_id": "ANKLE-1",
        "symptoms": [{"site": "anterior_ankle", "side": "left", "weeks": 0, "onset": "injury"}],
    }
    rules, vocabulary = RULE_DATA
    known, _ = _oracle.derive(_oracle.case_facts(case, vocabulary), rules, vocabulary)
    assert "question:measure_weight_bearing_lunge:left" not in known
    asked = {(q.id, q.side) for q in eng.assess(case).questions}
    assert ("measure_weight_bearing_lunge", "left") not in asked, asked


def test_no_impingement_is_inferred_from_a_recent_ankle_injury(eng: engine.Engine) -> None:
    """finding.suspected_anterior_impingement.pain: not while an injury-onset ankle symptom is under 6 weeks old."""
    case = {
        "case_id": "IMPINGE-1",
        "measurements": {"lunge_distance_cm": {"left": 4}},
        "symptoms": [{"site": "anterior_ankle", "side": "left", "weeks": 2, "onset": "injury"}],
        "screening": {"ottawa_rules": "negative"},
    }
    rules, vocabulary = RULE_DATA
    known, _ = _oracle.derive(_oracle.case_facts(case, vocabulary), rules, vocabulary)
    assert "finding:suspected_anterior_impingement:left" not in known
    assert "suspected_anterior_impingement" not in {f.id for f in eng.assess(case).findings}
