"""Which rules a set of cases or scenarios exercises, so the scenario suite can grow where it is thin.

Case files are assessed directly. Gherkin scenarios build their cases in step code, so the scenario
test suite records a trace (scenario -> rules fired) that `rules coverage` and `rules show` read.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from engine.api import Engine
from engine.errors import KineticChainError
from engine.reasoning.assessment import Assessment

#: Where the scenario tests write their trace (tests/conftest.py), relative to the folder that holds the rule
#: base: in a checkout, build/ at the top of the repository, beside rules/.
TRACE_FILE = Path("build") / "scenario-rule-trace.json"
#: A trace kept elsewhere (an installed copy, a CI artefact): its path, used when no --trace is given.
TRACE_ENV = "KINETIC_CHAIN_TRACE"


def trace_path(rules_dir: Path, given: Path | None = None) -> Path:
    """The scenario trace to read or write: `given` (--trace), else $KINETIC_CHAIN_TRACE, else build/ beside the
    rule base folder. Never relative to the working directory, so `rules show` finds it from anywhere."""
    if given is not None:
        return given
    if os.environ.get(TRACE_ENV):
        return Path(os.environ[TRACE_ENV])
    return Path(rules_dir).resolve().parent / TRACE_FILE


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


def load_trace(path: Path) -> dict[str, list[str]]:
    """scenario -> rules it fired, as written by the last scenario test run (empty when none ran)."""
    if not path.is_file():
        return {}
    try:
        trace = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as error:
        raise KineticChainError(f"{path}: cannot be read as a scenario trace ({error})") from None
    valid = isinstance(trace, dict) and all(
        isinstance(rules, list) and all(isinstance(rule, str) for rule in rules) for rules in trace.values()
    )
    if not valid:
        raise KineticChainError(f"{path}: not a scenario trace (expected a JSON object: scenario -> list of rule ids)")
    return trace


def exercised_by_scenarios(engine: Engine, trace: dict[str, list[str]]) -> dict[str, list[str]]:
    usage: dict[str, list[str]] = {rule.id: [] for rule in engine.rulebase.rules}
    for scenario, rules in sorted(trace.items()):
        for rule_id in rules:
            usage.setdefault(rule_id, []).append(scenario)
    return usage
