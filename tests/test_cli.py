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
    ctx = click.Context(group)
    for name in group.list_commands(ctx):
        found.append((*prefix, name))
        command = group.get_command(ctx, name)
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


def test_the_readme_exit_code_table_is_what_the_exception_classes_carry() -> None:
    """Issue 10 point 2: each refusal's exit code comes from its class; the README's table must say the same."""
    from engine.commands._support import CasesInvalid, Interrupted, InvalidInput, NotFound, OutputNotWritable

    table = (REPO / "README.md").read_text(encoding="utf-8").split("**Exit codes**")[1].split("\n\n")[1]
    documented = {
        int(code): row.split("|")[2]
        for row in table.splitlines()[2:]
        for code in row.split("|")[1].replace("`", "").split("/")
    }
    carried = {
        InvalidInput("").exit_code: "invalid",
        CasesInvalid().exit_code: "invalid",
        click.UsageError("").exit_code: "usage error",
        NotFound("").exit_code: "not in the assessment",
        OutputNotWritable("").exit_code: "cannot be written",
        Interrupted("", 2).exit_code: "SIGINT",
        Interrupted("", 15).exit_code: "SIGTERM",
    }
    assert set(documented) == {0, *carried}
    for code, words in carried.items():
        assert words in documented[code], (code, documented[code])


def test_an_output_that_cannot_be_written_exits_4_naming_it(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-folder" / "report.txt"
    result = run("assess", EXAMPLE, "--output", str(missing))
    assert result.exit_code == 4
    assert str(missing) in result.stderr and "Traceback" not in result.stderr
    assert not missing.parent.exists()


def test_refusals_are_the_message_alone_on_stderr_with_terminal_escapes_shown() -> None:
    result = run("explain", EXAMPLE, "band_assisted_mobilization")
    assert result.stderr.startswith(f"{EXAMPLE}: band_assisted_mobilization was neither")  # no "Error: " prefix
    assert result.stdout == ""


def test_help_lists_each_command_with_its_own_first_sentence() -> None:
    """--help is written from a static table (so it imports no command); it must match the commands."""
    from engine.commands.main import COMMANDS

    ctx = click.Context(main)
    for name, (_target, short) in COMMANDS.items():
        command = main.get_command(ctx, name)
        for limit in (45, 80, 400):
            assert click.Command(name, help=short).get_short_help_str(limit) == command.get_short_help_str(limit)
    listed = run("--help").output.split("Commands:")[1]
    assert [line.split()[0] for line in listed.strip().splitlines()[: len(COMMANDS)]] == sorted(COMMANDS)


def test_format_choices_are_the_registries() -> None:
    from engine.reports import ASSESSMENT_FORMATS, COMPARE_FORMATS, EXPLAIN_FORMATS

    assert ASSESSMENT_FORMATS.names == ("text", "json", "markdown", "html", "fhir")
    assert EXPLAIN_FORMATS.names == ("text", "dot", "mermaid", "json")
    assert COMPARE_FORMATS.names == ("text", "json", "html")
    for command, names in (("assess", ASSESSMENT_FORMATS), ("explain", EXPLAIN_FORMATS), ("compare", COMPARE_FORMATS)):
        assert f"[{'|'.join(names.names)}]" in run(command, "--help").output.replace("\n", "").replace(" ", "")
