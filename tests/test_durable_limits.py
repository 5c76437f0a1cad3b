"""The bound on what one durable-rules ruleset holds (engine/reasoning/network.py), held against the real C
engine: at the largest ruleset the bound accepts, creating it and asserting the facts that walk its deepest
path works (no error, no hang); just beyond a real limit of durable-rules 2.0.28 the engine fails, and the
bound had already refused. Each engine run is a subprocess with a timeout, since some limits hang."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

import engine
from engine.knowledge.rule import Rule
from engine.reasoning import compiler, network
from engine.reasoning.reasoner import Reasoner

RULES = Path(__file__).resolve().parent.parent / "rules"
ENGINE_SECONDS = 10
RUN = """
import json, sys
import durable_rules_engine as core
job = json.load(sys.stdin)
try:
    handle = core.create_ruleset("limits", json.dumps(job["rules"]))
except Exception as error:
    print("create failed:", error); sys.exit(0)
fired = 0
for fact in job["facts"]:
    try:
        code, state = core.assert_facts(handle, json.dumps([fact]))
    except Exception as error:
        print("assert failed:", error); sys.exit(0)
    message = (core.start_action_for_state(handle, state) or [None, None])[1]
    while message:
        fired += 1
        message = core.complete_and_start_action(handle, state)
print("fired", fired)
"""


def in_engine(rules: dict[str, Any], facts: list[dict[str, Any]]) -> str:
    """What the real engine does with a ruleset (the catch-all added) and facts: 'fired N', 'create failed:
    ...', 'assert failed: ...', 'hang' or 'crash'."""
    job = json.dumps({"rules": {**rules, compiler.CATCH_ALL: compiler.CATCH_ALL_RULE}, "facts": facts})
    try:
        done = subprocess.run([sys.executable, "-c", RUN], input=job, capture_output=True, text=True,
                              timeout=ENGINE_SECONDS, check=False)  # fmt: skip
    except subprocess.TimeoutExpired:
        return "hang"
    return done.stdout.strip() if done.returncode == 0 else f"crash {done.returncode}"


def bound(rules: dict[str, Any]) -> str | None:
    net = network.Network()
    net.add(compiler.CATCH_ALL_RULE)
    for body in rules.values():
        net.add(body)
    return net.overflow()


def pattern(*terms: dict[str, Any]) -> dict[str, Any]:
    return {"$and": list(terms)}


FACT = {"kind": "k", "name": "x", "side": "left", "value": 0.0001, "sid": "s1", "id": "f1"}


def thresholds(n: int) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """n thresholds on one measurement that one small value passes (error 303 in durable-rules at 64)."""
    rules = {f"r{i}": {"all": [{"p0": pattern({"kind": "k"}, {"name": "x"}, {"$lt": {"value": 1.0 + i}})}]}
             for i in range(n)}  # fmt: skip
    return rules, [FACT]


def absent_details(n: int) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """n `absent` details on one kind, a fact lacking all of them ($nex: listed children, all pushed)."""
    return {f"r{i}": {"all": [{"p0": pattern({"kind": "k"}, {"$nex": {f"f{i}": 1}})}]} for i in range(n)}, [FACT]


def alternatives(n: int) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """n rules naming the same name among alternatives ($or: a listed forward node each, all pushed)."""
    rules = {f"r{i}": {"all": [{"p0": pattern({"kind": "k"}, {"$or": [{"name": "x"}, {"name": f"y{i}"}]})}]}
             for i in range(n)}  # fmt: skip
    return rules, [FACT]


def joins(n: int) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """n rules with a second condition on the anchor's kind and limb: a join per rule, each pushed for every
    fact of the kind whatever it holds."""
    rules = {f"r{i}": {"all": [{"p0": pattern({"kind": "k"}, {"name": "a"})},
                               {"p1": pattern({"kind": "k"}, {"side": {"p0": "side"}}, {"name": f"b{i}"})}]}
             for i in range(n)}  # fmt: skip
    return rules, [{**FACT, "name": "a"}, {**FACT, "name": f"b{n - 1}", "id": "f2"}]


def names(n: int) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """n different names under one kind (one hashed table of 512 slots); facts with the last name and none."""
    rules = {f"r{i}": {"all": [{"p0": pattern({"kind": "k"}, {"name": f"n{i}"})}]} for i in range(n)}
    return rules, [{**FACT, "name": f"n{n - 1}"}, {**FACT, "name": "none", "id": "f2"}]


def shared(n: int) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """n rules whose pattern ends on the same test (one list of 256 linked patterns)."""
    return {f"r{i}": {"all": [{"p0": pattern({"kind": "k"}, {"name": "x"})}]} for i in range(n)}, [FACT]


def largest_accepted(build: Callable[[int], tuple[dict[str, Any], list[dict[str, Any]]]]) -> int:
    n = 1
    while bound(build(n + 1)[0]) is None:
        n += 1
    return n


@pytest.mark.parametrize(
    ("build", "accepted", "beyond", "failure"),
    [
        # the bound counts the catch-all's node as pending; whether it is depends on the order durable-rules
        # pushes, so 64 may still pass: 65 tests a value passes at once fail whatever the order
        (thresholds, 63, 65, "assert failed: Could not assert facts, error code: 303"),
        (absent_details, 63, 65, "assert failed: Could not assert facts, error code: 303"),
        (alternatives, 63, 65, "assert failed: Could not assert facts, error code: 303"),
        (joins, 62, 64, "assert failed: Could not assert facts, error code: 303"),
        (names, 511, 512, "hang"),  # a full table: every walk for a name it lacks loops forever
        (names, 511, 513, "hang"),  # the 513th name: creating the ruleset loops forever
        (shared, 255, 300, "create failed: Could not create ruleset, error code: 108"),
    ],
    ids=["thresholds", "absent-details", "alternatives", "joins", "names-512", "names-513", "shared-patterns"],
)
def test_the_bound_holds_at_and_just_beyond_each_limit(build, accepted: int, beyond: int, failure: str) -> None:
    assert largest_accepted(build) == accepted
    rules, facts = build(accepted)
    assert in_engine(rules, facts).startswith("fired"), build.__name__
    assert bound(build(accepted + 1)[0]) is not None
    assert in_engine(*build(beyond)) == failure


def make_rule(rule_id: str, when: list[dict[str, Any]]) -> Rule:
    return Rule.model_validate({"id": f"finding.generated.{rule_id}", "rationale": "generated for the limits suite",
                                "source": "Seed article", "grade": "C", "when": when,
                                "then": {"finding": "limited_dorsiflexion"}})  # fmt: skip


def test_partition_splits_where_the_bound_says_and_every_ruleset_runs_in_the_engine() -> None:
    """Thresholds on one measurement (the stack) and symptom pairs (the joins): the rulesets partition makes
    each run the facts that pass every threshold and every join, with no error."""
    lows = [make_rule(f"t{i}", [{"measurement": "lunge_distance_cm", "below": 1.0 + i}]) for i in range(200)]
    knee = [{"symptom": "knee", "where": {"weeks": {"above": i}}} for i in range(150)]
    pairs = [make_rule(f"j{i}", [{"symptom": "ankle"}, knee[i]]) for i in range(150)]
    groups = compiler.partition(tuple(lows + pairs))
    # 63 thresholds, or 62 symptom pairs, fill the stack with the catch-all (the old per-kind budget made 9)
    assert [len(g) for g in groups] == [63, 63, 63, 11 + 62, 62, 26]
    sid = {"sid": "s1", "side": "left", "opposite": "right"}
    facts = [{**sid, "id": "m", "kind": "measurement", "name": "lunge_distance_cm", "value": 0.5},
             {**sid, "id": "a", "kind": "symptom", "name": "ankle"},
             {**sid, "id": "k", "kind": "symptom", "name": "knee", "weeks": 500}]  # fmt: skip
    for group in groups:
        rules = {rule.id: compiler.compile_rule(rule) for rule in group}
        assert bound(rules) is None
        outcome = in_engine(rules, facts)
        assert outcome == f"fired {len(group) + len(facts)}", outcome  # each rule once, the catch-all per fact


def test_the_bundled_rule_base_is_one_ruleset_well_within_every_limit() -> None:
    eng = engine.default_engine()
    net = network.Network()
    net.add(compiler.CATCH_ALL_RULE)
    for rule in eng.rulebase.rules:
        assert net.add(compiler.compile_rule(rule)) is None, rule.id
    peaks = net.peaks()
    assert peaks["pending"] <= network.PENDING_CAP // 2 + 8, peaks  # room for the rule base to grow
    assert peaks["hashed"] < network.HASHED_CAP and peaks["listed"] < network.LISTED_CAP, peaks
    assert peaks["patterns"] < network.PATTERNS_CAP, peaks
    assert Reasoner(eng.rulebase).ruleset_count == 1


def test_a_rule_durable_rules_cannot_run_alone_is_refused_at_load(tmp_path: Path) -> None:
    """17 conditions: a firing holds at most 16 facts in durable-rules 2.0.28 (error 304 when a 17th is
    matched); the rule is refused at load, by name, and partition leaves it alone."""
    when = [{"symptom": "ankle", "where": {"weeks": {"above": i}}} for i in range(17)]
    heavy = make_rule("many", when)
    assert compiler.partition((heavy,)) == [(heavy,)]
    for name in ("rulebase.yaml", "vocabulary.yaml", "bibliography.yaml"):
        shutil.copy(RULES / name, tmp_path / name)
    rules = [heavy.model_dump(mode="json", exclude_defaults=True)]
    (tmp_path / "10-findings.yaml").write_text(yaml.safe_dump({"layer": "findings", "rules": rules}), "utf-8")
    with pytest.raises(engine.RuleBaseError) as error:
        engine.Engine(tmp_path)
    assert any("finding.generated.many" in p and "more than 16 patterns" in p for p in error.value.problems), (
        error.value.problems
    )
