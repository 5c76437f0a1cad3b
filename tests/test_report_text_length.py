"""The text report on one screen (issue 9 point 5): every example fits 100 columns, and every example that is
not a bilateral multi-presentation case fits 60 lines, without losing what a clinician must act on (referrals,
held and blocked items, every dose, the core programme, warnings). Rule ids only with --verbose."""

from __future__ import annotations

import pytest
from _support import example_paths
from click.testing import CliRunner

import engine
from engine.commands import main

SCREEN_LINES, SCREEN_COLUMNS = 60, 100
EXAMPLES = [p for p in example_paths() if p.suffix in (".yaml", ".yml", ".json")]


@pytest.fixture(scope="module")
def eng() -> engine.Engine:
    return engine.default_engine()


def report(path, *options: str) -> str:
    result = CliRunner().invoke(main, ["assess", str(path), *options])
    assert result.exit_code == 0, result.output
    return result.stdout


def bilateral_multi_presentation(assessment) -> bool:
    sides = {s for p in assessment.presentations for s in (("left", "right") if p.side == "both" else (p.side,))}
    return len(assessment.presentations) > 1 and sides == {"left", "right"}


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_the_report_fits_one_screen_keeps_what_a_clinician_acts_on_and_rule_ids_need_verbose(eng, path):
    text = report(path)
    lines = text.splitlines()
    assert max(len(line) for line in lines) <= SCREEN_COLUMNS
    a = eng.assess(path)
    if not bilateral_multi_presentation(a):
        assert len(lines) <= SCREEN_LINES, f"{path.name}: {len(lines)} lines"
    words = flat(text)
    for referral in a.referrals:
        assert referral.label in words and all(flag in words for flag in referral.red_flags)
    for item in [*a.withheld, *a.blocked]:
        assert flat(item.label) in words, f"held or blocked item {item.id} missing"
    for rec in a.recommendations:
        assert flat(f"{rec.priority}. {rec.label} - {rec.side}") in words
        assert flat(rec.dose) in words, f"dose of {rec.id} missing"
        assert all(flat(w) in words for w in rec.warnings)
    rules = {rule for item in a.items() for rule in item.rules}
    assert not [rule for rule in rules if rule in text], "rule ids belong to --verbose and explain"
    verbose = flat(report(path, "--verbose"))
    shown = [item for item in [*a.recommendations, *a.blocked] if item.rules]
    assert all(any(rule in verbose for rule in item.rules) for item in shown)
    stripped = [line.strip() for line in lines]
    assert ("CORE" in stripped and "PLAN - core home programme first" in stripped) == any(
        r.core for r in a.recommendations
    )


def test_expected_compensations_take_one_line(eng):
    path = next(p for p in EXAMPLES if p.name == "adolescent-heel-pain-13.yaml")
    a = eng.assess(path)
    expected = [c for c in a.compensations if not c.observed]
    assert len(expected) > 3
    text = report(path)
    lines = [line for line in text.splitlines() if "expected" in line and "no chain" in line]
    assert len(lines) == 1 and "more" in lines[0]
    assert all(c.id in report(path, "--verbose") for c in expected)
