"""Hostile rule bases (issue 8, points 2, 9 and 12): every malformed threshold is a one-line error naming the
file and rule; a densely cyclic rule base is refused within seconds, with the first cycles found; a 2,000-rule
base (more than durable-rules takes in one ruleset) validates, loads and reasons correctly within seconds."""

from __future__ import annotations

import dataclasses
import re
import shutil
from pathlib import Path

import pytest
import yaml
from _hostile import RULEBASE_SECONDS, assert_one_line_error, cli, within

import engine
from engine.reasoning.compiler import KIND_BUDGET
from engine.reasoning.network import MAX_STACK_SIZE

RULES = Path(__file__).resolve().parent.parent / "rules"
SEEDED = ["finding", "compensation", "risk"]


def rule(rule_id: str, when: list[dict], then: dict) -> dict:
    return {"id": rule_id, "rationale": "generated for the hostile suite", "source": "Seed article", "grade": "C",
            "when": when, "then": then}  # fmt: skip


def rule_base(folder: Path, layers: dict[str, list[dict]]) -> Path:
    """A rule base with the bundled vocabulary and manifest and the given rules, one file per layer."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("rulebase.yaml", "vocabulary.yaml", "bibliography.yaml"):
        shutil.copy(RULES / name, folder / name)
    for number, (layer, rules) in enumerate(layers.items(), start=1):
        text = yaml.safe_dump({"layer": layer, "rules": rules}, sort_keys=False)
        (folder / f"{number}0-{layer}.yaml").write_text(text, encoding="utf-8")
    return folder


@pytest.mark.parametrize(
    ("threshold", "words"),
    [
        (".nan", "finite number"),
        (".inf", "finite number"),
        ("-.inf", "finite number"),
        ("1.0e+20", "outside its range"),
        ("-1.0e+20", "outside its range"),
        ("1e20", "valid number"),  # YAML 1.1 reads an exponent without a dot as text
        ("'9'", "valid number"),
        ("true", "valid number"),
        ("[9]", "valid number"),
        ("~", "finding.limited_dorsiflexion.lunge_distance"),
    ],
)
def test_every_malformed_threshold_is_a_one_line_error(tmp_path: Path, threshold: str, words: str) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(RULES, rules)
    path = rules / "10-findings.yaml"
    text = path.read_text(encoding="utf-8")
    first = re.search(r"^(\s+)below: 7\.1$", text, re.M)  # finding.limited_dorsiflexion.lunge_distance
    assert first, "the knee-to-wall threshold moved"
    path.write_text(text.replace(first.group(0), f"{first.group(1)}below: {threshold}", 1), encoding="utf-8")
    if threshold == "~":  # a null threshold is no threshold: the rule then concludes on any distance
        engine.Engine(rules)
        return
    with pytest.raises(engine.RuleBaseError) as error:
        engine.Engine(rules)
    assert any(
        "10-findings.yaml" in p and "finding.limited_dorsiflexion.lunge_distance" in p and words in p
        for p in error.value.problems
    ), error.value.problems
    result = cli("--rules", str(rules), "rules", "validate")
    assert_one_line_error(result, "10-findings.yaml: finding.limited_dorsiflexion.lunge_distance")


def test_densely_cyclic_rule_base_is_refused_within_seconds(tmp_path: Path) -> None:
    """Every finding, compensation and risk concludes every other (25 nodes, 600 rules): billions of cycles;
    the old check listed them all before showing ten."""
    vocabulary = yaml.safe_load((RULES / "vocabulary.yaml").read_text(encoding="utf-8"))
    nodes = [(kind, word) for kind, section in zip(SEEDED, ("findings", "compensations", "risks"), strict=True)
             for word in vocabulary[section]]  # fmt: skip
    layer_of = {"finding": "findings", "compensation": "compensations", "risk": "risks"}
    layers: dict[str, list[dict]] = {"findings": [], "compensations": [], "risks": []}
    for kind, word in nodes:
        seed = rule(f"{kind}.{word}.seed", [{"measurement": "lunge_distance_cm", "below": 9}], {kind: word})
        layers[layer_of[kind]].append(seed)
        for other_kind, other in nodes:
            if (other_kind, other) != (kind, word):
                when = [{other_kind: other}]
                layers[layer_of[kind]].append(rule(f"{kind}.{word}.from_{other}", when, {kind: word}))
    folder = rule_base(tmp_path / "cyclic", layers)
    out = within(
        RULEBASE_SECONDS,
        "import engine",
        f"try:\n    engine.Engine({str(folder)!r})\nexcept engine.RuleBaseError as e:\n    print(len(e.problems), e)",
    )
    count = int(out.split()[0])
    assert 0 < count <= 10 * len(nodes), out[:500]  # at most ten cycles, each naming its rules
    assert "part of a cycle" in out


def test_two_thousand_rules_on_one_measurement_load_and_reason_correctly(tmp_path: Path) -> None:
    """2,000 thresholds on one measurement: in one durable-rules ruleset, asserting fails from 65 thresholds a
    value passes (error 303) and hangs from 512; the compiler packs them into rulesets within every limit
    (engine/reasoning/network.py) and the reasoner chains a later layer across them."""
    thresholds = [round(0.01 + i * 24.9 / 2000, 4) for i in range(2000)]
    findings = [
        rule(f"finding.generated.r{i}", [{"measurement": "lunge_distance_cm", "below": t}],
             {"finding": "limited_dorsiflexion"})
        for i, t in enumerate(thresholds)
    ]  # fmt: skip
    chained = [rule("compensation.generated.valgus", [{"finding": "limited_dorsiflexion"}],
                    {"compensation": "dynamic_knee_valgus", "observed": False})]  # fmt: skip
    folder = rule_base(tmp_path / "big", {"findings": findings, "compensations": chained})
    setup = "import engine\nfrom engine.reasoning.facts import case_facts"
    attack = f"""
eng = engine.Engine({str(folder)!r})
case = eng.load_case({{"case_id": "BIG", "measurements": {{"lunge_distance_cm": {{"left": 5, "right": 20}}}}}})
run = eng.reasoner.run(case_facts(case, eng.rulebase.vocabulary))
fired = sorted({{f.rule_id for f in run.firings}})
print("RULESETS", eng.reasoner.ruleset_count)
print("FIRED", len(fired), "valgus" in " ".join(fired))
print("STATUS", eng.assess(case).status)
"""
    out = within(RULEBASE_SECONDS, setup, attack)
    fired = dict(line.split(" ", 1) for line in out.splitlines() if line.startswith(("FIRED", "RULESETS")))
    assert int(fired["RULESETS"]) >= 2000 // MAX_STACK_SIZE  # more than 64 thresholds a value passes: error 303
    # each generated rule whose threshold lies above 5 (left) or 20 (right) fired; the chained rule too
    assert fired["FIRED"] == f"{sum(1 for t in thresholds if t > 5) + 1} True", out


def test_the_bundled_rule_base_fits_a_few_rulesets() -> None:
    """The v2 rule base (screens, presentations) needs a few rulesets; each chained hop costs an assert."""
    assert 1 <= engine.default_engine().reasoner.ruleset_count <= 6


def test_a_rule_too_heavy_for_one_durable_ruleset_is_refused(tmp_path: Path) -> None:
    """A single rule with more tests on one kind than a ruleset takes cannot be split: a clear error."""
    signs = yaml.safe_load((RULES / "vocabulary.yaml").read_text(encoding="utf-8"))["signs"]
    names = (list(signs) * (KIND_BUDGET // len(signs) + 2))[: KIND_BUDGET + 1]
    heavy = rule("finding.generated.heavy", [{"sign": names}], {"finding": "limited_dorsiflexion"})
    folder = rule_base(tmp_path / "heavy", {"findings": [heavy]})
    with pytest.raises(engine.RuleBaseError) as error:
        engine.Engine(folder)
    assert any("finding.generated.heavy" in p and f"at most {KIND_BUDGET}" in p for p in error.value.problems)


def test_a_rule_base_split_into_many_rulesets_derives_exactly_what_one_ruleset_does(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The bundled rule base packed into rulesets of at most 8 tests per kind (about twenty): same facts and
    same firings as the single ruleset for every example and for generated cases."""
    from _hostile import generated_cases

    from engine.reasoning import reasoner as reasoner_module
    from engine.reasoning import rulesets
    from engine.reasoning.compiler import partition
    from engine.reasoning.facts import case_facts

    eng = engine.default_engine()
    monkeypatch.setattr(rulesets, "partition", lambda rules: partition(rules, 8))
    uncached = dataclasses.replace(eng.rulebase)  # no cache key: compiled now, never the cached single ruleset
    split = reasoner_module.Reasoner(uncached)
    assert split.ruleset_count > 10
    cases = sorted((RULES.parent / "examples").glob("*.yaml")) + generated_cases(tmp_path / "gen", 60, seed=21)
    for path in cases:
        facts = case_facts(eng.load_case(path), eng.rulebase.vocabulary)
        one = eng.reasoner.run([dict(f) for f in facts])
        many = split.run([dict(f) for f in facts])
        assert set(many.facts) == set(one.facts), path.name
        assert set(many.firings) == set(one.firings), path.name
    assert split.open_sessions == 0
