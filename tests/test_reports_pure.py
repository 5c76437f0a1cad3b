"""Reports are pure functions of the Assessment: under another rule base they show what fired there.

The HTML report used to read the bundled rule base for its thresholds, so under `--rules DIR` it showed
the bundled cut-offs, not the ones that fired. Here a copy of the rule base moves the knee-to-wall cut-off
from 7.1 to 7.6 cm; the text and HTML reports must show 7.6, and never 7.1.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from engine.commands import main

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "examples" / "runner-left-restriction.yaml"  # left knee-to-wall 6.5 cm


@pytest.fixture(scope="module")
def changed_rules(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("rules") / "rules"
    shutil.copytree(REPO / "rules", folder)
    findings = folder / "10-findings.yaml"
    text = findings.read_text(encoding="utf-8")
    assert text.count("below: 7.1") == 1 and text.count("at_least: 7.1") == 1
    findings.write_text(text.replace("7.1", "7.6"))  # the cut-offs, and the rationales that quote them
    return folder


def _report(rules: Path | None, fmt: str) -> str:
    args = ["--rules", str(rules)] if rules else []
    result = CliRunner().invoke(main, [*args, "assess", str(EXAMPLE), "--format", fmt])
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize(("fmt", "shown"), [("text", "lunge_distance_cm 6.5 < {}"), ("html", "below {} cm")])
def test_reports_show_the_threshold_that_fired_under_another_rule_base(
    changed_rules: Path, fmt: str, shown: str
) -> None:
    bundled, changed = _report(None, fmt), _report(changed_rules, fmt)
    assert shown.format("7.1") in bundled and shown.format("7.6") not in bundled
    assert shown.format("7.6") in changed and shown.format("7.1") not in changed


def test_the_html_report_reads_nothing_but_the_assessment(monkeypatch: pytest.MonkeyPatch) -> None:
    """With the rule base loader and the default engine made unusable, rendering still works."""
    import engine
    from engine.knowledge import rulebase
    from engine.reports.html import render_html
    from engine.reports.markdown import render_markdown
    from engine.reports.text import render_text

    assessment = engine.Engine().assess(EXAMPLE)

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("a report reached back into a rule base")

    monkeypatch.setattr(rulebase, "load_rulebase", refuse)
    monkeypatch.setattr(engine.api, "default_engine", refuse)
    for render in (render_html, render_markdown, render_text):
        assert assessment.case_id in render(assessment)
