"""The reasoner against an independent forward-chaining oracle (tests/_support.py): every conclusion the rule
data implies arrives, by the same firings, on the examples and on generated cases (split from test_reasoner.py)."""

from __future__ import annotations

from typing import Any

import pytest
from _support import case_strategy, example_paths, oracle_derivation
from hypothesis import HealthCheck, given, settings

import engine
from engine.reasoning.facts import case_facts


@pytest.fixture(scope="module")
def eng() -> engine.Engine:
    return engine.default_engine()


def facts_of(eng: engine.Engine, case: Any) -> list[dict[str, Any]]:
    return case_facts(eng.load_case(case), eng.rulebase.vocabulary)


def _assert_matches_oracle(eng: engine.Engine, facts: list[dict[str, Any]]) -> None:
    derivation = eng.reasoner.run([dict(f) for f in facts])
    keys, firings = oracle_derivation([dict(f) for f in facts], eng.rulebase)
    got = {(f.rule_id, f.premises, f.conclusion) for f in derivation.firings}
    assert set(derivation.facts) == keys, (
        f"missing {sorted(keys - set(derivation.facts))}, extra {sorted(set(derivation.facts) - keys)}"
    )
    assert got == firings, f"missing firings {sorted(firings - got)[:5]}, extra {sorted(got - firings)[:5]}"
    assert len(derivation.firings) == len(got), "a rule fired twice on the same facts"


@pytest.mark.parametrize("path", example_paths(), ids=lambda p: p.name)
def test_every_implied_conclusion_arrives_for_examples(eng: engine.Engine, path: Any) -> None:
    _assert_matches_oracle(eng, facts_of(eng, path))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=case_strategy())
def test_every_implied_conclusion_arrives_for_generated_cases(case: dict[str, Any]) -> None:
    eng = engine.default_engine()
    _assert_matches_oracle(eng, facts_of(eng, case))
