"""Records which rules each Gherkin scenario fires (build/scenario-rule-trace.json beside rules/, or the file
$KINETIC_CHAIN_TRACE names); and holds the one fixture several test modules share, `rules_copy`.

`kinetic-chain rules coverage scenarios/` and `kinetic-chain rules show ID` read the trace, so the
scenario suite can be grown where it is thin.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from engine.api import Engine
from engine.knowledge.coverage import fired_rules, trace_path
from engine.knowledge.rulebase import bundled_rules_dir

#: The rule-base cache (engine.knowledge.cache) of this test run, in a folder of its own (never the user's);
#: set before any engine is built, and inherited by the command-line runs the tests start.
_CACHE_HOME = os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="kinetic-chain-tests-cache-")

#: The Gherkin step definitions, shared by every scenario module.
pytest_plugins = ["steps_case", "steps_findings", "steps_plan", "steps_screening"]

_current: dict[str, str | None] = {"scenario": None}
_trace: dict[str, set[str]] = {}


def pytest_bdd_before_scenario(request: Any, feature: Any, scenario: Any) -> None:
    _current["scenario"] = f"{feature.rel_filename}: {scenario.name}"
    _trace.setdefault(_current["scenario"], set())


def pytest_bdd_after_scenario(request: Any, feature: Any, scenario: Any) -> None:
    _current["scenario"] = None


@pytest.fixture(autouse=True, scope="session")
def _trace_rules_fired_by_scenarios() -> Iterator[None]:
    original = Engine.assess

    def traced(self: Engine, case: Any, **options: Any) -> Any:
        result = original(self, case, **options)
        if _current["scenario"] is not None:
            _trace[_current["scenario"]] |= fired_rules(result)
        return result

    Engine.assess = traced  # type: ignore[method-assign]
    yield
    Engine.assess = original  # type: ignore[method-assign]


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    shutil.rmtree(_CACHE_HOME, ignore_errors=True)
    if _trace:
        path = trace_path(bundled_rules_dir())  # where `rules show` and `rules coverage` look by default
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps({k: sorted(v) for k, v in sorted(_trace.items())}, indent=1), encoding="utf-8")


@pytest.fixture
def rules_copy(tmp_path: Path) -> Path:
    """A copy of the bundled rule base, to change (the rule-base tests)."""
    target = tmp_path / "rules"
    shutil.copytree(bundled_rules_dir(), target)
    return target
