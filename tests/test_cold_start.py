"""Cold start (issue 10 point 3): `import engine`, `kinetic-chain --help` and `assess` load only what they use.

What is loaded is checked, never how long it takes (bench/cold_start.py measures that against the targets)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import engine
from engine.reports import ASSESSMENT_FORMATS, render

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = str(REPO / "examples" / "runner-left-restriction.yaml")
#: What only some commands need: the HTTP service, the audit store, FHIR models, batch workers, the progress bar.
SERVICE_AND_BATCH = ("starlette", "uvicorn", "sqlalchemy", "jwt", "fhir", "rich", "engine.service", "engine.audit",
                     "engine.fhir", "engine.workflow.batch", "engine.workflow._batch_pool", "engine.commands.batch",
                     "engine.commands.service", "engine.commands.rules")  # fmt: skip
#: Reports `assess` (text) does not write.
OTHER_REPORTS = ("engine.reports.html", "engine.reports.svg", "engine.reports.markdown", "engine.reports.mermaid",
                 "engine.reports.dot", "engine.reports.compare", "engine.workflow.comparison")  # fmt: skip
#: The engine itself: nothing of it is needed to list the commands.
ENGINE = ("pydantic", "yaml", "networkx", "durable", "engine.api", "engine.case", "engine.knowledge",
          "engine.reasoning")  # fmt: skip


def modules_after(code: str) -> set[str]:
    """The modules a fresh interpreter has imported after running `code` (stdout is left to the code)."""
    script = f"import sys, json\n{code}\nprint('MODULES' + json.dumps(sorted(sys.modules)), file=sys.stderr)"
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=REPO, timeout=120, check=False
    )
    marker = [line for line in result.stderr.splitlines() if line.startswith("MODULES")]
    assert marker, result.stderr
    return set(json.loads(marker[0].removeprefix("MODULES")))


def loaded(modules: set[str], prefixes: tuple[str, ...]) -> list[str]:
    return sorted(m for m in modules if any(m == p or m.startswith(p + ".") for p in prefixes))


def cli(*args: str) -> str:
    return f"from engine.commands import main\nmain({list(args)!r}, standalone_mode=False)"


def test_import_engine_loads_none_of_the_engine() -> None:
    assert loaded(modules_after("import engine"), ENGINE + SERVICE_AND_BATCH + OTHER_REPORTS) == []


def test_help_imports_no_command_and_none_of_the_engine() -> None:
    modules = modules_after(cli("--help"))
    assert loaded(modules, ENGINE + SERVICE_AND_BATCH + OTHER_REPORTS + ("engine.commands.assess",)) == []


def test_assess_imports_neither_the_service_nor_batch_nor_other_reports() -> None:
    modules = modules_after(cli("assess", EXAMPLE))
    assert "engine.reports.text" in modules  # it did assess
    assert loaded(modules, SERVICE_AND_BATCH + OTHER_REPORTS) == []


def test_a_format_loads_its_renderer_when_used() -> None:
    modules = modules_after(cli("assess", EXAMPLE, "--format", "markdown"))
    assert "engine.reports.markdown" in modules and "engine.reports.html" not in modules


def test_the_public_names_resolve_and_are_listed() -> None:
    assert engine.__all__ == sorted(engine.__all__)
    for name in engine.__all__:
        assert getattr(engine, name) is not None
    assert engine.render is render and engine.Engine is engine.api.Engine
    with pytest.raises(AttributeError, match="no attribute 'no_such_name'"):
        _ = engine.no_such_name


def test_render_is_the_registry_the_command_line_uses() -> None:
    result = engine.assess(EXAMPLE)
    assert render(result, "json") == result.to_json() + "\n"
    assert render(result).startswith("KINETIC-CHAIN ASSESSMENT  RUN-0101")
    assert render(result, "text", verbose=True) != render(result, "text")
    assert render(result, "html").startswith("<!DOCTYPE html>")  # a pure function of the assessment
    with pytest.raises(ValueError, match="format 'fhir' needs vocabulary="):
        render(result, "fhir")  # never silently the bundled rule base's codes
    with pytest.raises(ValueError, match="unknown assessment format 'pdf'; expected one of: text, json, markdown"):
        render(result, "pdf")
    assert set(ASSESSMENT_FORMATS.names) == {"text", "json", "markdown", "html", "fhir"}


def test_loading_and_checking_the_rule_base_needs_no_networkx() -> None:
    """Cycles are looked for without networkx; it is imported only to name the cycles of a broken rule base.
    (Without the cache: a cached load does not run the checks again, see test_rulebase_cache.py.)"""
    code = "import os\nos.environ['KINETIC_CHAIN_NO_CACHE'] = '1'\nfrom engine.knowledge.rulebase import load_rulebase"
    modules = modules_after(f"{code}\nload_rulebase(None)")
    assert "engine.knowledge.checks" in modules and "networkx" not in modules
