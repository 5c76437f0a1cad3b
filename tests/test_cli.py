"""The command line as a clinician and a script use it: outputs, exit codes and messages."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from engine.commands import main

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = str(REPO / "examples" / "runner-left-restriction.yaml")
DVT = str(REPO / "examples" / "red-flag-possible-dvt.yaml")
RAYNAUDS = str(REPO / "examples" / "contraindication-raynauds.yaml")


def run(*args: str) -> click.testing.Result:
    return CliRunner().invoke(main, list(args))


def all_commands(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = []
    for name, command in group.commands.items():
        found.append((*prefix, name))
        if isinstance(command, click.Group):
            found += all_commands(command, (*prefix, name))
    return found


@pytest.mark.parametrize("command", all_commands(main), ids=" ".join)
def test_every_command_has_help_with_an_example(command: tuple[str, ...]) -> None:
    result = run(*command, "--help")
    assert result.exit_code == 0
    assert "Example" in result.output and "kinetic-chain" in result.output


def test_text_report_shows_plan_doses_grades_and_rule_base_version() -> None:
    result = run("assess", EXAMPLE)
    assert result.exit_code == 0
    out = result.output
    assert out.startswith("KINETIC-CHAIN ASSESSMENT  RUN-0101")
    assert "rule base 2026." in out and "PLAN - core home programme first" in out
    assert "PRESENTATIONS (working diagnoses)" in out and "patellofemoral pain (runner's knee) - left" in out
    assert "gastrocnemius stretch (knee straight) - left [grade A; chain B]" in out
    assert "dose: knee straight, 5 x 30 s" in out and "limited_dorsiflexion" in out
    assert all(len(line) <= 100 for line in out.splitlines())


def test_referral_comes_first_in_the_text_report() -> None:
    out = run("assess", DVT).output
    assert out.index("!!! REFERRAL !!!") < out.index("FINDINGS")
    assert "Status: REFER URGENTLY" in out


def test_json_for_one_case_is_an_object_and_for_several_an_array() -> None:
    one = json.loads(run("assess", EXAMPLE, "--format", "json").output)
    many = json.loads(run("assess", EXAMPLE, DVT, "--format", "json").output)
    assert one["case_id"] == "RUN-0101" and set(one) >= {"engine_version", "rulebase", "questions"}
    assert "explanation" not in one and "rules" not in one  # the graph and rule texts only with --explain
    explained = json.loads(run("assess", EXAMPLE, "--format", "json", "--explain").output)
    assert {n["id"] for n in explained["explanation"]["nodes"]} >= {"finding:limited_dorsiflexion:left"}
    assert set(explained["rules"]) == {r["rule"] for item in explained["findings"] for r in item["because"]} | {
        r["rule"]
        for layer in (
            "presentations",
            "compensations",
            "risks",
            "recommendations",
            "withheld",
            "blocked",
            "questions",
            "referrals",
        )
        for item in explained[layer]
        for r in item["because"]
    } | {r["rule"] for r in explained["derived"]}
    assert [case["case_id"] for case in many] == ["RUN-0101", "RUN-0804"]


def test_a_bad_case_among_good_ones_exits_1_and_the_others_are_still_reported() -> None:
    bad = str(REPO / "tests" / "bad_cases" / "units-in-string.yaml")
    result = CliRunner().invoke(main, ["assess", bad, EXAMPLE, "--format", "json"])
    assert result.exit_code == 1
    assert (
        f"{bad}: measurements.lunge_distance_cm.left: expected a number between 0 and 25, got '6.5cm'" in result.stderr
    )
    # issue 8 point 10: the refused file is an element too, so results match inputs (it was dropped before)
    elements = json.loads(result.stdout)
    assert [element["file"] for element in elements] == [bad, EXAMPLE]
    assert elements[0]["status"] == "invalid" and elements[1]["case_id"] == "RUN-0101"


def test_a_broken_rule_file_exits_1_naming_file_and_rule(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(REPO / "rules", rules)
    path = rules / "30-risks.yaml"
    path.write_text(
        path.read_text().replace(
            "source: Backman 2011\n    grade: B\n    when:\n      - measurement: lunge_angle_deg",
            "source: Backman 2011\n    grade: B\n    when:\n      - measurement: lunge_angel_deg",
        )
    )
    result = run("--rules", str(rules), "assess", EXAMPLE)
    assert result.exit_code == 1
    assert (
        "30-risks.yaml: risk.patellar_tendinopathy.lunge_angle: unknown measurement 'lunge_angel_deg'" in result.stderr
    )
    assert run("--rules", str(rules), "rules", "validate").exit_code == 1


def test_usage_error_exits_2() -> None:
    assert run("assess").exit_code == 2
    assert run("assess", EXAMPLE, "--format", "pdf").exit_code == 2
    assert run("explain", EXAMPLE, "no_such_intervention").exit_code == 2


def test_explain_why_and_why_not() -> None:
    why = run("explain", EXAMPLE, "ankle_wall_drill", "--side", "left")
    assert why.exit_code == 0
    assert "ankle_wall_drill (left): recommended" in why.output
    assert "rule finding.limited_dorsiflexion.lunge_distance [grade C]" in why.output
    assert "lunge_distance_cm = 6.5 (left)  [case]" in why.output
    why_not = run("explain", DVT, "foam_rolling", "--side", "right")
    assert "NOT recommended: withheld because of a red flag" in why_not.output
    assert "calf_swelling_warmth (right)  [case]" in why_not.output
    blocked = run("explain", RAYNAUDS, "contrast_therapy")
    assert "NOT recommended: blocked by a contraindication" in blocked.output and "raynauds  [case]" in blocked.output


def test_explain_exports_dot_mermaid_and_json() -> None:
    dot = run("explain", EXAMPLE, "ankle_wall_drill", "--format", "dot").output
    assert dot.startswith('digraph "why ankle_wall_drill"') and "rankdir=LR" in dot
    assert "```mermaid" in run("explain", EXAMPLE, "ankle_wall_drill", "--format", "mermaid").output
    payload = json.loads(run("explain", EXAMPLE, "ankle_wall_drill", "--format", "json").output)
    assert payload["paths"] and all(path[-1] == "recommendation:ankle_wall_drill:left" for path in payload["paths"])


def test_explain_of_an_intervention_not_in_the_assessment_exits_3() -> None:
    result = run("explain", EXAMPLE, "band_assisted_mobilization")
    assert result.exit_code == 3 and "neither recommended, withheld nor blocked" in result.stderr


def test_schema_is_json_schema_of_the_contract() -> None:
    schema = json.loads(run("schema").output)
    assert schema["properties"]["case_id"]["pattern"] == "^[A-Za-z0-9._-]{1,64}$"
    assert schema["additionalProperties"] is False and schema["required"] == ["case_id"]


def test_rules_list_show_and_graph() -> None:
    listing = run("rules", "list").output.splitlines()
    assert len(listing) > 80 and any(line.startswith("safety.referral.dvt") for line in listing)
    shown = run("rules", "show", "risk.patellar_tendinopathy.lunge_angle").output
    assert "grade:     B" in shown and "lunge_angle_deg < 31.8" in shown and "source:    Backman" in shown
    assert run("rules", "show", "no.such.rule").exit_code == 2
    for fmt, marker in (("dot", "digraph"), ("mermaid", "```mermaid"), ("svg", "<svg"), ("json", '"multigraph"')):
        assert marker in run("rules", "graph", "--format", fmt).output


def test_rules_coverage_lists_rules_no_example_fires() -> None:
    result = run("rules", "coverage", str(REPO / "examples"))
    assert result.exit_code == 0
    fired, total = map(int, result.output.split(" rules fired")[0].split(" of "))
    never = [line for line in result.output.splitlines() if line.startswith("never fired: ")]
    assert len(never) == total - fired and 0 < fired < total
