"""Which rules a set of cases or scenarios exercises, so the scenario suite can grow where it is thin.

Case files are assessed directly. Gherkin scenarios build their cases in step code, so the scenario
test suite records a trace (scenario -> rules fired) that `rules coverage` and `rules show` read.
"""

from __future__ import annotations

import json
from pathlib import Path

from engine.api import Engine
from engine.errors import KineticChainError
from engine.reasoning.assessment import Assessment

#: Where the scenario tests write their trace (see tests/conftest.py); relative to the working directory.
DEFAULT_TRACE = Path("build/scenario-rule-trace.json")


def fired_rules(assessment: Assessment) -> set[str]:
    return {reason.rule for reason in assessment.all_reasons()}


def exercised_by_cases(engine: Engine, files: list[str]) -> tuple[dict[str, list[str]], list[str]]:
    """rule id -> the case files that fire it; plus the errors of files that could not be assessed."""
    usage: dict[str, list[str]] = {rule.id: [] for rule in engine.rulebase.rules}
    errors = []
    for file in files:
        try:
            assessment = engine.assess(file)
        except KineticChainError as error:
            errors.append(str(error))
            continue
        for rule_id in sorted(fired_rules(assessment)):
            usage[rule_id].append(file)
    return usage, errors


def load_trace(path: Path = DEFAULT_TRACE) -> dict[str, list[str]]:
    """scenario -> rules it fired, as written by the last scenario test run (empty when none ran)."""
    if not path.is_file():
        return {}
    return json.loads(path.read_text(encoding="utf-8"))


def exercised_by_scenarios(engine: Engine, trace: dict[str, list[str]]) -> dict[str, list[str]]:
    usage: dict[str, list[str]] = {rule.id: [] for rule in engine.rulebase.rules}
    for scenario, rules in sorted(trace.items()):
        for rule_id in rules:
            usage.setdefault(rule_id, []).append(scenario)
    return usage
