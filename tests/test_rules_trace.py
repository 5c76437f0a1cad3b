"""`rules show` and `rules coverage` find the scenario trace from any working directory: --trace FILE, else
$KINETIC_CHAIN_TRACE, else build/scenario-rule-trace.json beside the rule base folder (where the scenario tests
write it), never build/ under whatever folder the command happens to run in."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from engine.commands import main
from engine.knowledge.coverage import TRACE_ENV, trace_path
from engine.knowledge.rulebase import bundled_rules_dir

REPO = Path(__file__).resolve().parent.parent
RULE = "finding.limited_dorsiflexion.lunge_angle"
SCENARIO = "scenarios/findings.feature: a stiff left ankle"


@pytest.fixture
def kit(tmp_path: Path) -> dict[str, Path]:
    """A rule base in its own folder with a trace beside it, and an unrelated folder to run from."""
    rules = tmp_path / "kb" / "rules"
    shutil.copytree(REPO / "rules", rules)
    trace = tmp_path / "kb" / "build" / "scenario-rule-trace.json"
    trace.parent.mkdir()
    trace.write_text(json.dumps({SCENARIO: [RULE]}), encoding="utf-8")
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "build").mkdir(parents=True)  # a stray build/ here must not be read
    (elsewhere / "build" / "scenario-rule-trace.json").write_text(json.dumps({"stray: wrong": [RULE]}))
    feature = elsewhere / "one.feature"
    feature.write_text("Feature: x\n", encoding="utf-8")
    return {"rules": rules, "trace": trace, "elsewhere": elsewhere, "feature": feature}


def run(args: list[str], env: dict[str, str | None] | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(main, args, env={TRACE_ENV: None, "KINETIC_CHAIN_RULES": None, **(env or {})})
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


def test_the_tests_write_the_trace_where_the_commands_look_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(TRACE_ENV, raising=False)
    assert trace_path(bundled_rules_dir()) == REPO / "build" / "scenario-rule-trace.json"


def test_show_reads_the_trace_beside_the_rule_base_from_another_folder(kit, monkeypatch) -> None:
    monkeypatch.chdir(kit["elsewhere"])
    code, out = run(["--rules", str(kit["rules"]), "rules", "show", RULE])
    assert code == 0, out
    assert f"scenarios: {SCENARIO}" in out and "stray" not in out


def test_an_installed_copy_run_elsewhere_finds_the_trace_of_its_rule_base(kit) -> None:
    """A separate process started in an unrelated folder, as a clinician's shell would run it."""
    env = {k: v for k, v in os.environ.items() if k not in (TRACE_ENV, "KINETIC_CHAIN_RULES")}
    env["PYTHONPATH"] = str(REPO)
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "from engine.commands import main; main()",
            "--rules",
            str(kit["rules"]),
            "rules",
            "show",
            RULE,
        ],
        cwd=kit["elsewhere"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert f"scenarios: {SCENARIO}" in done.stdout


def test_coverage_of_scenarios_reads_the_same_trace(kit, monkeypatch) -> None:
    monkeypatch.chdir(kit["elsewhere"])
    code, out = run(["--rules", str(kit["rules"]), "rules", "coverage", str(kit["feature"])])
    assert code == 0, out
    assert f"never fired: {RULE}" not in out and "1 of" in out


def test_trace_option_and_environment_variable_name_another_file(kit, tmp_path, monkeypatch) -> None:
    other = tmp_path / "ci-artefact.json"
    other.write_text(json.dumps({"from the CI run": [RULE]}), encoding="utf-8")
    monkeypatch.chdir(kit["elsewhere"])
    code, out = run(["--rules", str(kit["rules"]), "rules", "show", RULE, "--trace", str(other)])
    assert code == 0 and "scenarios: from the CI run" in out, out
    code, out = run(["--rules", str(kit["rules"]), "rules", "show", RULE], env={TRACE_ENV: str(other)})
    assert code == 0 and "scenarios: from the CI run" in out, out
    code, out = run(
        ["--rules", str(kit["rules"]), "rules", "coverage", str(kit["feature"])], env={TRACE_ENV: str(other)}
    )
    assert code == 0 and "1 of" in out, out


def test_no_trace_names_where_it_looked(kit, monkeypatch) -> None:
    kit["trace"].unlink()
    monkeypatch.chdir(kit["elsewhere"])
    code, out = run(["--rules", str(kit["rules"]), "rules", "show", RULE])
    assert code == 0 and f"no trace yet at {kit['trace']}" in out, out
    code, out = run(["--rules", str(kit["rules"]), "rules", "coverage", str(kit["feature"])])
    assert code == 1 and f"{kit['trace']}: no scenario trace" in out, out


@pytest.mark.parametrize("content", ["{not json", '["a list"]', '{"scenario": "not a list"}'])
def test_a_broken_trace_is_an_error_naming_the_file(kit, monkeypatch, content: str) -> None:
    kit["trace"].write_text(content, encoding="utf-8")
    monkeypatch.chdir(kit["elsewhere"])
    code, out = run(["--rules", str(kit["rules"]), "rules", "show", RULE])
    assert code == 1 and str(kit["trace"]) in out and "Traceback" not in out, out
