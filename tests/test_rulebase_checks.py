"""A broken copy of the rule base is refused at load with a message that names the file and the rule, never
half-loaded: duplicate ids, unknown words, contradictory bounds, unreachable rules, cycles, rules in the wrong
layer, and every problem reported, not only the first."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from _support import RULES

import engine

Data = dict[str, Any]


def edit(folder: Path, file: str, change: Callable[[Data], None]) -> None:
    path = folder / file
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")


def rule(data: Data, rule_id: str) -> Data:
    return next(r for r in data["rules"] if r["id"] == rule_id)


def problems_of(folder: Path) -> list[str]:
    with pytest.raises(engine.RuleBaseError) as info:
        engine.Engine(folder)
    assert info.value.problems, "RuleBaseError without problems"
    assert all(p in str(info.value) for p in info.value.problems)
    return info.value.problems


def assert_named(problems: list[str], file: str, rule_id: str, *words: str) -> None:
    """Some problem names the file, the rule id and every given word (case-insensitive)."""
    matching = [
        p
        for p in problems
        if file in p
        and re.search(rf"(?<![\w.]){re.escape(rule_id)}(?![\w.])", p)
        and all(w.lower() in p.lower() for w in words)
    ]
    assert matching, f"no problem names {file}, {rule_id} and {words}: {problems}"


def test_duplicate_rule_id(rules_copy: Path) -> None:
    def add(data: Data) -> None:
        clone = dict(rule(data, "risk.achilles_tendinopathy.limited_dorsiflexion"))
        data["rules"].append(clone)

    edit(rules_copy, "30-risks.yaml", add)
    assert_named(
        problems_of(rules_copy), "30-risks.yaml", "risk.achilles_tendinopathy.limited_dorsiflexion", "duplicate"
    )


def test_duplicate_rule_id_across_files(rules_copy: Path) -> None:
    donor = rule(yaml.safe_load((RULES / "30-risks.yaml").read_text()), "risk.plantar_heel_pain.knee_straight")
    clone = {**donor, "then": {"finding": "limited_dorsiflexion"}}
    edit(rules_copy, "10-findings.yaml", lambda d: d["rules"].append(clone))
    assert_named(problems_of(rules_copy), "10-findings.yaml", "risk.plantar_heel_pain.knee_straight", "duplicate")


@pytest.mark.parametrize(
    ("file", "rule_id", "change", "named"),
    [
        pytest.param("10-findings.yaml", "finding.limited_dorsiflexion.lunge_distance",
                     {"measurement": "lunge_distance_mm"}, "lunge_distance_mm", id="unknown measurement"),
        pytest.param("20-compensations.yaml", "compensation.hip_compensation.observed",
                     {"sign": "hip_dorp"}, "hip_dorp", id="unknown sign"),
        pytest.param("10-findings.yaml", "finding.limited_dorsiflexion.severe_distance",
                     {"at_least": 10}, "lunge_distance_cm", id="bounds that never hold together"),
        pytest.param("10-findings.yaml", "finding.limited_dorsiflexion.lunge_angle",
                     {"below": -5}, "lunge_angle_deg", id="bound outside the measurement range"),
    ],
)  # fmt: skip
def test_broken_condition_is_named(rules_copy: Path, file: str, rule_id: str, change: dict, named: str) -> None:
    edit(rules_copy, file, lambda d: rule(d, rule_id)["when"][0].update(**change))
    assert_named(problems_of(rules_copy), file, rule_id, named)


def test_unknown_conclusion_word(rules_copy: Path) -> None:
    edit(
        rules_copy,
        "30-risks.yaml",
        lambda d: rule(d, "risk.patellofemoral_pain.observed_knee_valgus")["then"].update(risk="runners_knee"),
    )
    assert_named(
        problems_of(rules_copy), "30-risks.yaml", "risk.patellofemoral_pain.observed_knee_valgus", "runners_knee"
    )


@pytest.mark.parametrize(
    ("file", "rule_id", "change"),
    [
        ("10-findings.yaml", "finding.limited_dorsiflexion.lunge_distance", {"side": "other"}),
        ("10-findings.yaml", "finding.limited_dorsiflexion.lunge_distance", {"absent": True}),
        ("60-safety.yaml", "safety.warn.soft_tissue_bleeding", None),  # its recommendation condition removed
    ],
    ids=["only on the other side", "only absent", "only patient conditions"],
)
def test_a_rule_with_no_condition_on_its_own_limb_is_named_not_a_crash(rules_copy, file, rule_id, change) -> None:
    """Found by changing rule files at random: the load check said so, then compiled the rule anyway to measure
    it for durable-rules, which needs that condition (StopIteration, a traceback from `rules validate`)."""
    if change is None:
        edit(rules_copy, file, lambda d: rule(d, rule_id)["when"].pop(0))
    else:
        edit(rules_copy, file, lambda d: rule(d, rule_id)["when"][0].update(**change))
    assert_named(problems_of(rules_copy), file, rule_id, "needs at least one condition on a limb")


@pytest.mark.parametrize("field", ["source", "grade", "rationale"])
def test_missing_evidence_field(rules_copy: Path, field: str) -> None:
    edit(rules_copy, "40-interventions.yaml", lambda d: rule(d, "recommendation.calf_raises.prevent_calf").pop(field))
    assert_named(problems_of(rules_copy), "40-interventions.yaml", "recommendation.calf_raises.prevent_calf", field)


def test_invalid_grade(rules_copy: Path) -> None:
    edit(
        rules_copy,
        "40-interventions.yaml",
        lambda d: rule(d, "recommendation.calf_raises.prevent_calf").update(grade="A+"),
    )
    assert_named(problems_of(rules_copy), "40-interventions.yaml", "recommendation.calf_raises.prevent_calf", "grade")


def test_contradictory_bounds(rules_copy: Path) -> None:
    edit(
        rules_copy,
        "10-findings.yaml",
        lambda d: rule(d, "finding.limited_dorsiflexion.severe_distance")["when"].append(
            {"measurement": "lunge_distance_cm", "at_least": 10}
        ),
    )
    assert_named(
        problems_of(rules_copy),
        "10-findings.yaml",
        "finding.limited_dorsiflexion.severe_distance",
        "lunge_distance_cm",
        "never",
    )


def test_unreachable_rule(rules_copy: Path) -> None:
    """Nothing concludes gastrocnemius_restriction any more, so the foam-rolling rule needing it is dead."""
    edit(
        rules_copy,
        "10-findings.yaml",
        lambda d: d["rules"].remove(rule(d, "finding.gastrocnemius_restriction.silfverskiold")),
    )
    assert_named(
        problems_of(rules_copy),
        "40-interventions.yaml",
        "recommendation.foam_rolling.gastrocnemius",
        "gastrocnemius_restriction",
    )


def test_rule_needing_a_question_nothing_asks(rules_copy: Path) -> None:
    def add(data: Data) -> None:
        data["rules"].append(
            {
                "id": "recommendation.reassess_dorsiflexion.orphan",
                "rationale": "Re-measure once the lunge angle has been asked for.",
                "source": "Seed article",
                "grade": "C",
                "when": [{"finding": "limited_dorsiflexion"}, {"question": "measure_lunge_angle"}],
                "then": {"recommendation": "reassess_dorsiflexion", "priority": 6},
            }
        )

    edit(rules_copy, "40-interventions.yaml", add)
    # the orphan is reachable (the question is asked by some rule): the rule base must still load
    engine.Engine(rules_copy)
    edit(
        rules_copy, "50-questions.yaml", lambda d: d["rules"].remove(rule(d, "question.measure_lunge_angle.knee_pain"))
    )
    assert_named(
        problems_of(rules_copy),
        "40-interventions.yaml",
        "recommendation.reassess_dorsiflexion.orphan",
        "measure_lunge_angle",
    )


def test_absent_on_a_derived_fact(rules_copy: Path) -> None:
    edit(
        rules_copy,
        "30-risks.yaml",
        lambda d: rule(d, "risk.achilles_tendinopathy.limited_dorsiflexion")["when"].append(
            {"risk": "plantar_heel_pain", "absent": True}
        ),
    )
    assert_named(problems_of(rules_copy), "30-risks.yaml", "risk.achilles_tendinopathy.limited_dorsiflexion", "absent")


@pytest.mark.parametrize(
    ("rule_id", "premise"),
    [
        # limited_dorsiflexion -> achilles_tendinopathy (risk rules) -> limited_dorsiflexion: across layers
        ("finding.limited_dorsiflexion.from_achilles_risk", {"risk": "achilles_tendinopathy"}),
        # limited_dorsiflexion -> suspected_anterior_impingement (bundled) -> limited_dorsiflexion: one layer
        ("finding.limited_dorsiflexion.from_impingement", {"finding": "suspected_anterior_impingement"}),
    ],
)
def test_cycle_is_named(rules_copy: Path, rule_id: str, premise: dict[str, str]) -> None:
    def add(data: Data) -> None:
        data["rules"].append(
            {
                "id": rule_id,
                "rationale": "Circular on purpose: a finding concluded from something it leads to.",
                "source": "Seed article",
                "grade": "C",
                "when": [premise],
                "then": {"finding": "limited_dorsiflexion"},
            }
        )

    edit(rules_copy, "10-findings.yaml", add)
    assert_named(problems_of(rules_copy), "10-findings.yaml", rule_id, "cycle")


def test_conclusion_in_the_wrong_layer(rules_copy: Path) -> None:
    edit(
        rules_copy,
        "30-risks.yaml",
        lambda d: rule(d, "risk.plantar_heel_pain.knee_straight").update(then={"finding": "limited_dorsiflexion"}),
    )
    assert_named(problems_of(rules_copy), "30-risks.yaml", "risk.plantar_heel_pain.knee_straight", "layer")


def test_duplicate_yaml_key_in_a_rule(rules_copy: Path) -> None:
    """A repeated key must not silently win: which grade did the reviewer sign off?"""
    path = rules_copy / "30-risks.yaml"
    text = path.read_text()
    anchor = "  - id: risk.patellar_tendinopathy.lunge_angle\n"
    assert anchor in text
    path.write_text(text.replace(anchor, anchor + "    grade: C\n", 1))
    assert_named(problems_of(rules_copy), "30-risks.yaml", "risk.patellar_tendinopathy.lunge_angle", "duplicate")


def test_every_problem_is_reported_not_only_the_first(rules_copy: Path) -> None:
    edit(
        rules_copy,
        "30-risks.yaml",
        lambda d: rule(d, "risk.patellofemoral_pain.observed_knee_valgus")["then"].update(risk="runners_knee"),
    )
    edit(rules_copy, "40-interventions.yaml", lambda d: rule(d, "recommendation.calf_raises.prevent_calf").pop("grade"))
    problems = problems_of(rules_copy)
    assert_named(problems, "30-risks.yaml", "risk.patellofemoral_pain.observed_knee_valgus", "runners_knee")
    assert_named(problems, "40-interventions.yaml", "recommendation.calf_raises.prevent_calf", "grade")
