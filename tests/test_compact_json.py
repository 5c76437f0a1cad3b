"""The JSON an integrator stores per case: every conclusion and its reasons, without the explanation material.

A batch of 100,000 cases is written as JSON Lines, so the record of one case must stay small (issue 10: at
most 8 KB per case without --explain). What is left out is what only an explanation needs, and it comes
back with explain: the case facts with their labels and units, the reference list, the rule texts, the
firings into facts that are not items, the graph. What stays is what a clinician's record must keep.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from engine import default_engine
from engine.reasoning.assessment import ITEM_LAYERS, Assessment
from engine.workflow.batch import assess_file

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((REPO / "examples").glob("*.yaml"))
EXPLANATION = {"facts", "references", "rules", "derived", "explanation"}
#: issue 10: JSON in batch at most 8 KB (8,000 bytes) per case without --explain
BYTES_PER_CASE = 8000


def _generator():
    spec = importlib.util.spec_from_file_location("generate_cases", REPO / "bench" / "generate_cases.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_the_record_keeps_every_conclusion_and_reason_and_leaves_the_explanation_out(example):
    assessment = default_engine().assess(example)
    compact = json.loads(assessment.to_json())
    assert not EXPLANATION & compact.keys()
    full = json.loads(assessment.to_json(explain=True))
    assert {"facts", "references", "rules", "explanation"} <= full.keys()
    assert full["facts"], "the explanation names the case facts the items rest on"
    # what a clinician's record keeps is identical in both, and read back it is the same assessment
    for layer in ITEM_LAYERS:  # which fact each firing concluded is explanation material too
        for item in full[layer]:
            for reason in item["because"]:
                assert reason.pop("fact")
    assert {key: value for key, value in full.items() if key not in EXPLANATION} == compact
    again = Assessment.model_validate_json(assessment.to_json())
    assert again.to_json() == assessment.to_json()
    assert [(i.id, i.side, i.rules) for i in again.items()] == [(i.id, i.side, i.rules) for i in assessment.items()]


def test_the_measured_values_behind_a_finding_stay_in_the_record():
    record = json.loads(default_engine().assess(REPO / "examples" / "runner-left-restriction.yaml").to_json())
    thresholds = [t for finding in record["findings"] for t in finding["thresholds"]]
    assert {"measurement": "lunge_distance_cm", "side": "left", "value": 6.5} in [
        {key: t[key] for key in ("measurement", "side", "value")} for t in thresholds
    ]
    assert record["case"]["measurements"]["lunge_distance_cm"]["left"] == 6.5


def test_a_batch_record_is_at_most_8_kb_per_case(tmp_path):
    files = _generator().generate(300, 1, tmp_path / "cases")
    lines = [assess_file(str(path), default_engine()).line for path in files]
    assert all(json.loads(line)["status"] != "invalid" for line in lines)
    mean = sum(len(line.encode("utf-8")) for line in lines) / len(lines)
    assert mean <= BYTES_PER_CASE, f"{mean:.0f} bytes per case"


def test_explain_brings_the_explanation_back_into_a_batch_record(tmp_path):
    files = _generator().generate(3, 2, tmp_path / "cases")
    for path in files:
        plain = json.loads(assess_file(str(path), default_engine()).line)["assessment"]
        explained = json.loads(assess_file(str(path), default_engine(), explain=True).line)["assessment"]
        assert not EXPLANATION & plain.keys()
        assert {"facts", "rules", "explanation"} <= explained.keys()


def test_a_batch_builds_no_explanation_material_it_does_not_write_and_writes_the_same_bytes(tmp_path):
    """A batch without reports or --explain assembles the compact assessment only (no case facts, rule texts,
    references or unlisted firings are built); its record is byte for byte the full assessment's record."""
    files = [*EXAMPLES, *_generator().generate(200, 4, tmp_path / "cases")]
    engine = default_engine()
    left_out = 0
    for path in files:
        full, compact = engine.assess(path), engine._assess_compact(path)
        assert compact.to_json() == full.to_json(), path.name
        assert compact.to_json(indent=None) == full.to_json(indent=None), path.name
        assert not compact.facts and not compact.rules and not compact.references and not compact.derived
        left_out += bool(full.rules and full.references and full.facts)
    assert left_out > len(files) // 2  # the full assessments did carry what the compact ones leave out


def test_the_batch_uses_the_compact_assessment_only_when_nothing_else_is_written(tmp_path, monkeypatch):
    engine = default_engine()
    calls = []
    original = type(engine)._assess_compact
    monkeypatch.setattr(type(engine), "_assess_compact", lambda self, case: calls.append(case) or original(self, case))
    example = str(EXAMPLES[0])
    assess_file(example, engine)
    assert calls == [example]
    assess_file(example, engine, explain=True)
    assess_file(example, engine, html=True)
    assert calls == [example]
