"""The assessment does not depend on the order in which the rules fire.

A port of the rules to another engine, or another version of durable-rules, fires the same rules in
another order. Here every firing of a round is collected and handed to the reasoner in a shuffled order,
the case facts are asserted in a shuffled order and the rulesets are visited in a shuffled order; the
JSON of the assessment (explanation included) must not change by a byte. The same firings are also
checked against durable-rules' own Python host running the same compiled rulesets.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest
from _cases_v2 import v2_cases, valid_case
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import engine
from engine.reasoning import reasoner as reasoner_module
from engine.reasoning._stock import StockReasoner
from engine.reasoning.facts import case_facts
from engine.reasoning.host import Ruleset

EXAMPLES = sorted((Path(__file__).resolve().parent.parent / "examples").glob("*.yaml"))


@pytest.fixture(scope="module")
def eng() -> engine.Engine:
    return engine.Engine()


def _shuffled_assessment(eng: engine.Engine, case: Any, seed: int, monkeypatch: pytest.MonkeyPatch) -> str:
    rng = random.Random(seed)
    original_drain = Ruleset.drain

    def drain(self: Ruleset, state: int, fire: Any) -> None:
        collected: list[tuple[str, dict[str, Any]]] = []
        original_drain(self, state, lambda rule_id, matched: collected.append((rule_id, matched)))
        rng.shuffle(collected)
        for rule_id, matched in collected:
            fire(rule_id, matched)

    original_durable_fact = reasoner_module.durable_fact
    groups = list(eng.reasoner._groups)
    with monkeypatch.context() as patch:
        patch.setattr(Ruleset, "drain", drain)
        patch.setattr(eng.reasoner, "_groups", rng.sample(groups, len(groups)))
        patch.setattr(reasoner_module, "durable_fact", original_durable_fact)
        valid = eng.load_case(case)
        facts = case_facts(valid, eng.rulebase.vocabulary)
        rng.shuffle(facts)
        derivation = eng.reasoner.run(facts)
    from engine.reasoning.assembly import assemble

    return assemble(valid, derivation, eng.rulebase, explain=True).to_json()


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_examples_do_not_depend_on_firing_order(
    eng: engine.Engine, path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = eng.assess(path, explain=True).to_json()
    for seed in range(3):
        assert _shuffled_assessment(eng, path, seed, monkeypatch) == expected, f"{path.name}, seed {seed}"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=v2_cases(), seed=st.integers(0, 2**16))
def test_generated_cases_do_not_depend_on_firing_order(
    eng: engine.Engine, case: dict[str, Any], seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    assume(valid_case(case) is not None)
    expected = eng.assess(case, explain=True).to_json()
    assert _shuffled_assessment(eng, case, seed, monkeypatch) == expected


@pytest.mark.parametrize("path", EXAMPLES[::4], ids=lambda p: p.name)
def test_the_thin_host_fires_what_durable_rules_own_host_fires(eng: engine.Engine, path: Path) -> None:
    facts = case_facts(eng.load_case(path), eng.rulebase.vocabulary)
    ours = {(f.rule_id, f.premises, f.conclusion) for f in eng.reasoner.run([dict(f) for f in facts]).firings}
    assert ours == StockReasoner(eng.rulebase).run([dict(f) for f in facts]), path.name


def test_shuffling_really_changes_the_order(eng: engine.Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    """Guards the test above: the shuffled run does see the firings in another order."""
    orders = []
    original = reasoner_module.Reasoner._fire
    for seed in (1, 2):
        seen: list[str] = []

        def spy(self: Any, rule_id: str, matched: Any, *rest: Any, seen: list[str] = seen) -> None:
            seen.append(rule_id)
            original(self, rule_id, matched, *rest)

        monkeypatch.setattr(reasoner_module.Reasoner, "_fire", spy)
        _shuffled_assessment(eng, EXAMPLES[0], seed, monkeypatch)
        orders.append(seen)
    assert sorted(orders[0]) == sorted(orders[1]) and orders[0] != orders[1]
    assert json.loads(eng.assess(EXAMPLES[0]).to_json())["case_id"]
