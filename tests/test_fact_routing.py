"""Facts no pattern can match are not sent to durable-rules, and that changes nothing.

Every compiled pattern tests its kind and (unless it takes any name) its names, so a fact whose kind and name no
pattern of a ruleset names could only reach the catch-all there. The reasoner leaves such facts out of the batch
(engine.reasoning.reasoner._Group.matches); here the same cases run with every fact sent to every ruleset, as
before, and must conclude and report exactly the same."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from _cases_v2 import v2_cases, valid_case
from hypothesis import HealthCheck, assume, given, settings

import engine
from engine.knowledge.rule import ANY
from engine.reasoning import reasoner as reasoner_module
from engine.reasoning.assembly import assemble
from engine.reasoning.compiler import GATE_KIND, SHADOW
from engine.reasoning.facts import case_facts
from engine.reasoning.host import Ruleset

EXAMPLES = sorted((Path(__file__).resolve().parent.parent / "examples").glob("*.yaml"))


@pytest.fixture(scope="module")
def eng() -> engine.Engine:
    return engine.Engine()


def run(eng: engine.Engine, case: Any, send_all: bool, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, str, list]:
    """(firings, assessment JSON with the explanation, every fact text asserted) for one case."""
    asserted: list[str] = []
    original = Ruleset.assert_encoded

    def spy(self: Ruleset, facts: list[str]) -> int:
        asserted.extend(facts)
        return original(self, facts)

    with monkeypatch.context() as patch:
        patch.setattr(Ruleset, "assert_encoded", spy)
        if send_all:
            patch.setattr(reasoner_module._Group, "matches", lambda self, kind, name: True)
        valid = eng.load_case(case)
        derivation = eng.reasoner.run(case_facts(valid, eng.rulebase.vocabulary), sid="routing")
    firings = sorted((f.rule_id, f.premises, f.conclusion) for f in derivation.firings)
    return firings, assemble(valid, derivation, eng.rulebase, explain=True).to_json(), asserted


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_examples_conclude_the_same_with_every_fact_sent(eng, path: Path, monkeypatch) -> None:
    routed, every = run(eng, path, False, monkeypatch), run(eng, path, True, monkeypatch)
    assert routed[:2] == every[:2]
    assert set(routed[2]) <= set(every[2])


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=v2_cases())
def test_generated_cases_conclude_the_same_with_every_fact_sent(eng, case: dict, monkeypatch) -> None:
    assume(valid_case(case) is not None)
    assert run(eng, case, False, monkeypatch)[:2] == run(eng, case, True, monkeypatch)[:2]


def test_routing_really_leaves_facts_out(eng, monkeypatch) -> None:
    """Guards the tests above: some example has facts that no pattern names, and they are not sent."""
    left_out = sum(len(run(eng, p, True, monkeypatch)[2]) - len(run(eng, p, False, monkeypatch)[2]) for p in EXAMPLES)
    assert left_out > 0


def test_a_ruleset_takes_the_names_its_patterns_test_and_any_name_where_one_takes_any(eng) -> None:
    names = reasoner_module.matched_names(eng.rulebase.rules)
    for rule in eng.rulebase.rules:
        for condition in rule.when:
            kind = SHADOW + condition.kind if condition.absent else condition.kind
            if condition.names == [ANY]:
                assert names[kind] is None, rule.id
            elif names[kind] is not None:
                assert set(condition.names) <= names[kind], rule.id
    group = eng.reasoner._groups[0]
    assert group.matches(GATE_KIND, None)
    assert not group.matches("no_such_kind", "anything")
    named = next(kind for kind, found in names.items() if found is not None)
    assert group.matches(named, sorted(names[named])[0])
    assert not group.matches(named, "no_such_name")
