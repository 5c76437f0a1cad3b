"""The vocabulary is validated like the rules, and the published case schema documents every field and word.

A misspelt family in rules/vocabulary.yaml once passed `rules validate` and let a drill through a red flag;
a duplicate key silently won; a misspelt field crashed with a traceback. Each is now a load error naming
the file and the key, shown here on broken copies of the bundled rule base.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from _support import EXAMPLES, REPO, RULES

import engine

CLI = [sys.executable, str(REPO / "cli.py")]


def _broken_copy(tmp_path: Path, old: str, new: str) -> Path:
    rules = tmp_path / "rules"
    shutil.copytree(RULES, rules)
    vocabulary = rules / "vocabulary.yaml"
    text = vocabulary.read_text(encoding="utf-8")
    assert old in text, old
    vocabulary.write_text(text.replace(old, new, 1), encoding="utf-8")
    return rules


def _validate(rules: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*CLI, "--rules", str(rules), "rules", "validate"], capture_output=True, text=True, timeout=120, check=False
    )


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "    label: foam rolling of the calf\n    family: soft_tissue",
            "    label: foam rolling of the calf\n    family: sof_tissue",
            "vocabulary.yaml: interventions.foam_rolling.family: unknown family 'sof_tissue'",
        ),
        (
            "  positive_thompson_test: [achilles, posterior_heel, calf]",
            "  positive_thompson_test: [achiles, posterior_heel, calf]",
            "vocabulary.yaml: red_flag_sites.positive_thompson_test: unknown symptom site 'achiles'",
        ),
        (
            "  - calf_swelling_warmth\n",
            "  - calf_sweling_warmth\n",
            "vocabulary.yaml: whole_patient_flags: unknown red flag 'calf_sweling_warmth'",
        ),
        (
            "red_flag: positive_thompson_test}",
            "red_flag: positive_thomson_test}",
            "vocabulary.yaml: screening.thompson_test.red_flag: unknown red flag 'positive_thomson_test'",
        ),
        ("    mdc: 1.9", "    mdcc: 1.9", "vocabulary.yaml: measurements.lunge_distance_cm.mdcc"),
        ("    mdc: 1.9", "    mdc: -1.9", "vocabulary.yaml: measurements.lunge_distance_cm.mdc"),
        (
            "  hip_drop: contralateral hip drop\n",
            "  hip_drop: contralateral hip drop\n  hip_drop: again\n",
            "duplicate key",
        ),
        ("    screen: required\n", "    screen: requierd\n", "vocabulary.yaml: questions."),
    ],
    ids=[
        "misspelt-family",
        "unknown-site",
        "unknown-whole-patient-flag",
        "screen-flag",
        "misspelt-field",
        "negative-mdc",
        "duplicate-key",
        "screen-kind",
    ],
)
def test_a_broken_vocabulary_is_refused_naming_file_and_key(tmp_path: Path, old: str, new: str, expected: str) -> None:
    result = _validate(_broken_copy(tmp_path, old, new))
    assert result.returncode == 1, result.stdout + result.stderr
    assert expected in result.stderr, result.stderr
    assert "Traceback" not in result.stderr


def test_the_bundled_vocabulary_is_valid() -> None:
    result = _validate(RULES)
    assert result.returncode == 0, result.stderr


# --- the published schema documents every field and every word -----------------------------------------


def _walk(node: Any, path: str, defs: dict[str, Any], seen: set[str]) -> list[str]:
    """Paths in the schema without a description (object properties, and each word of a word list)."""
    missing: list[str] = []
    if "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        return [] if name in seen else _walk(defs[name], path, defs, seen | {name})
    for option in node.get("anyOf", []):
        missing += _walk(option, path, defs, seen)
    for word in node.get("oneOf", []):
        if not word.get("description"):
            missing.append(f"{path}={word.get('const')}")
    if "items" in node:
        missing += _walk(node["items"], f"{path}[]", defs, seen)
    for name, sub in node.get("properties", {}).items():
        if not sub.get("description") and "$ref" not in sub:
            missing.append(f"{path}.{name}")
        missing += _walk(sub, f"{path}.{name}", defs, seen)
    return missing


def test_schema_describes_every_field_and_word() -> None:
    schema = engine.default_engine().case_schema
    assert not _walk(schema, "case", schema.get("$defs", {}), set())
    words = json.dumps(schema)
    vocabulary = engine.default_engine().rulebase.vocabulary
    for flag, label in vocabulary.red_flags.items():
        assert json.dumps({"const": flag, "description": label})[1:-1] in words, flag


# --- contract v2 outputs ----------------------------------------------------------------------------------


def test_whole_numbers_stay_whole_and_extensions_come_back_unchanged() -> None:
    path = EXAMPLES / "red-flag-dvt-right-whole-patient.yaml"
    result = json.loads(engine.assess(path).to_json())
    assert '"age": 55' in engine.assess(path).to_json()
    assert result["patient"] == {"age": 55, "sex": "female", "weekly_km": 25}
    assert result["extensions"] == {"mrn": "000123", "clinician": {"name": "A. Physio", "role": "physiotherapist"}}
    measured = engine.assess({"case_id": "W-1", "measurements": {"lunge_distance_cm": {"left": 7, "right": 11}}})
    values = [e.value for f in measured.findings for e in measured.evidence(f) if e.name == "lunge_distance_cm"]
    assert values == [7] and isinstance(values[0], int), values
    assert '"value": 7,' in measured.to_json() or '"value": 7\n' in measured.to_json()


def test_extensions_never_change_the_assessment() -> None:
    case = (
        engine.default_engine()
        .load_case(EXAMPLES / "red-flag-dvt-right-whole-patient.yaml")
        .model_dump(mode="json", exclude_none=True)
    )
    plain = engine.assess({**case, "extensions": {}}).model_copy(update={"extensions": None, "case": {}})
    other = engine.assess({**case, "extensions": {"red_flags": ["night_pain"], "x": [1, 2]}})
    assert other.model_copy(update={"extensions": None, "case": {}}).to_json() == plain.to_json()
