"""The rule base is data a clinician reviews: it must load with an identity (a version and a SHA-256 that
changes with any rule file). A broken copy is refused by name: tests/test_rulebase_checks.py."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from _support import RULES

import engine
from engine.knowledge.rulebase import load_rulebase

Data = dict[str, Any]


@pytest.fixture(scope="module")
def bundled() -> engine.Engine:
    return engine.default_engine()


# --- identity ------------------------------------------------------------------------------------------


def test_bundled_rule_base_loads_with_identity(bundled: engine.Engine) -> None:
    rulebase = bundled.rulebase
    assert rulebase.version and isinstance(rulebase.version, str)
    assert rulebase.version == yaml.safe_load((RULES / "rulebase.yaml").read_text())["version"]
    assert re.fullmatch(r"[0-9a-f]{64}", rulebase.sha256)
    assert len(rulebase.rules) > 50
    assert len({r.id for r in rulebase.rules}) == len(rulebase.rules)


def test_assessment_carries_the_rule_base_identity(bundled: engine.Engine) -> None:
    result = bundled.assess({"case_id": "RUN-1"})
    assert result.rulebase.sha256 == bundled.rulebase.sha256
    assert result.rulebase.version == bundled.rulebase.version


def test_identical_copy_has_identical_sha(bundled: engine.Engine, rules_copy: Path) -> None:
    assert load_rulebase(rules_copy).sha256 == bundled.rulebase.sha256


@pytest.mark.parametrize("file", sorted(p.name for p in RULES.glob("*.yaml")))
def test_sha_changes_when_any_rule_file_changes(bundled: engine.Engine, rules_copy: Path, file: str) -> None:
    with (rules_copy / file).open("a", encoding="utf-8") as handle:
        handle.write("\n# reviewed 2026-11-25\n")
    changed = load_rulebase(rules_copy)
    assert re.fullmatch(r"[0-9a-f]{64}", changed.sha256)
    assert changed.sha256 != bundled.rulebase.sha256


def test_sha_changes_when_a_threshold_changes(bundled: engine.Engine, rules_copy: Path) -> None:
    text = (RULES / "10-findings.yaml").read_text()
    assert "below: 9\n" in text
    (rules_copy / "10-findings.yaml").write_text(text.replace("below: 9\n", "below: 8.5\n", 1))
    assert load_rulebase(rules_copy).sha256 != bundled.rulebase.sha256


def test_sha_changes_when_a_rule_file_is_added(bundled: engine.Engine, rules_copy: Path) -> None:
    (rules_copy / "70-extra.yaml").write_text("layer: questions\nrules: []\n")
    assert load_rulebase(rules_copy).sha256 != bundled.rulebase.sha256
