"""Rule files changed by hand, carelessly: whatever one element of one bundled rule file becomes (another value,
another type, or gone), loading either refuses the rule base with problems naming the file, or gives an engine
that assesses and reports the examples. Never an error of the engine's own (a StopIteration at load was found
this way)."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest
import yaml
from _support import EXAMPLES, JSON_VALUES, RULES, json_points, mutated
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import engine
from engine.reports import render

FILES = {path.name: yaml.safe_load(path.read_text(encoding="utf-8")) for path in sorted(RULES.glob("*.yaml"))}
POINTS = [(name, point) for name, document in FILES.items() for point in json_points(document)]
#: Values a rule author might plausibly write by mistake, besides any JSON value.
SLIPS = st.sampled_from([0, -1, 1e308, 0.0001, "", "x", "absent", "both", "other", [], {}, None, True])
SOME_EXAMPLES = sorted(EXAMPLES.glob("*.yaml"))[::6]


@pytest.fixture(autouse=True)
def no_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KINETIC_CHAIN_NO_CACHE", "1")  # a cache entry per generated rule base would pile up


def _edited(name: str, path: tuple, value: object, remove: bool) -> Path:
    document = mutated(FILES[name], path, value)
    if remove:
        parent = document
        for key in path[:-1]:
            parent = parent[key]
        del parent[path[-1]]
    folder = Path(tempfile.mkdtemp(prefix="kinetic-chain-rules-")) / "rules"
    shutil.copytree(RULES, folder)
    (folder / name).write_text(yaml.safe_dump(document, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return folder


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(point=st.sampled_from(POINTS), value=JSON_VALUES | SLIPS, remove=st.booleans())
def test_any_one_changed_element_is_refused_by_name_or_assessed(point, value, remove) -> None:
    name, path = point
    folder = _edited(name, path, value, remove)
    try:
        try:
            loaded = engine.Engine(folder)
        except engine.RuleBaseError as error:
            assert error.problems and all(problem.strip() for problem in error.problems), error
            return
        for example in SOME_EXAMPLES:
            assessment = loaded.assess(example)
            assert assessment.to_json() and render(assessment, "text")
    finally:
        shutil.rmtree(folder.parent)
