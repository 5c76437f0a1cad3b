"""Follow-up comparison: verdicts at and around the minimal detectable change, asymmetry, appeared/resolved
items, the RUN-0142 visit pair, and the `compare` command."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from engine.api import Engine
from engine.commands import main
from engine.reports.compare import render_html, render_text
from engine.workflow.comparison import classify, compare

REPO = Path(__file__).resolve().parent.parent
VISIT1 = str(REPO / "examples" / "followup-RUN-0142-visit1.yaml")
VISIT2 = str(REPO / "examples" / "followup-RUN-0142-visit2.yaml")


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine()


def case(measurements: dict, case_id: str = "RUN-9000", **extra) -> dict:
    return {"case_id": case_id, "measurements": measurements, **extra}


def row(comparison, side: str, measurement: str):
    return next(r for r in comparison.side(side).measurements if r.measurement == measurement)


@pytest.mark.parametrize(
    ("before", "after", "verdict"),
    [
        (6.5, 8.3, "no real change"),  # +1.8 cm
        (6.5, 8.4, "real improvement"),  # +1.9 cm: exactly the MDC counts as real
        (6.5, 8.5, "real improvement"),  # +2.0 cm
        (10.0, 8.2, "no real change"),  # -1.8 cm
        (10.0, 8.1, "real decline"),  # -1.9 cm
        (10.0, 8.0, "real decline"),  # -2.0 cm
    ],
)
def test_distance_verdicts_around_the_mdc(engine, before, after, verdict):
    result = compare(
        case({"lunge_distance_cm": {"left": before}}), case({"lunge_distance_cm": {"left": after}}), engine
    )
    assert row(result, "left", "lunge_distance_cm").verdict == verdict
    assert row(result, "left", "lunge_distance_cm").mdc == 1.9


@pytest.mark.parametrize(
    "measurement", ["lunge_angle_deg", "dorsiflexion_knee_straight_deg", "dorsiflexion_knee_bent_deg"]
)
@pytest.mark.parametrize(
    ("before", "after", "verdict"),
    [
        (31, 35.6, "no real change"),  # +4.6 deg
        (31, 35.7, "real improvement"),  # +4.7 deg
        (31, 35.8, "real improvement"),  # +4.8 deg
        (40, 35.4, "no real change"),  # -4.6 deg
        (40, 35.3, "real decline"),  # -4.7 deg
    ],
)
def test_angle_verdicts_around_the_mdc(engine, measurement, before, after, verdict):
    result = compare(case({measurement: {"right": before}}), case({measurement: {"right": after}}), engine)
    assert row(result, "right", measurement).verdict == verdict


def test_classify_is_symmetric_and_ignores_float_noise():
    assert classify(8.4 - 6.5, 1.9) == "real improvement"
    assert classify(6.5 - 8.4, 1.9) == "real decline"
    assert classify(0.0, 1.9) == "no real change"


def test_side_verdicts_in_plain_language(engine):
    before = case({"lunge_distance_cm": {"left": 6.5, "right": 11.0}})
    after = case({"lunge_distance_cm": {"left": 10.0, "right": 11.5}})
    result = compare(before, after, engine)
    assert result.side("left").verdict == (
        "left dorsiflexion improved by 3.5 cm, beyond measurement error; mobility plan can progress"
    )
    assert result.side("right").verdict == (
        "no real change in right dorsiflexion (0.5 cm is within the 1.9 cm measurement error); "
        "keep the plan and re-measure in 2-4 weeks"
    )
    declined = compare(after, before, engine)
    assert declined.side("left").verdict.startswith("left dorsiflexion declined by 3.5 cm")
    assert declined.side("left").verdict.endswith("review the plan")


def test_asymmetry_change(engine):
    result = compare(
        case({"lunge_distance_cm": {"left": 6.5, "right": 11.0}}),
        case({"lunge_distance_cm": {"left": 10.0, "right": 11.0}}),
        engine,
    )
    (gap,) = result.asymmetry
    assert (gap.before, gap.after, gap.change, gap.verdict) == (4.5, 1.0, -3.5, "better")
    assert (gap.stiffer_side, gap.stiffer_change, gap.other_change) == ("left", 3.5, 0.0)


def test_both_sided_items_are_expanded_to_left_and_right(engine):
    bilateral = str(REPO / "examples" / "bilateral-restriction.yaml")
    right_recovered = case(
        {"lunge_distance_cm": {"left": 4.5, "right": 11.0}, "lunge_angle_deg": {"left": 28, "right": 44}},
        case_id="RUN-0233",
    )
    result = compare(bilateral, right_recovered, engine)
    resolved_right = {(i.kind, i.id) for i in result.side("right").resolved}
    assert ("finding", "limited_dorsiflexion") in resolved_right
    assert not any(i.id == "limited_dorsiflexion" for i in result.side("left").resolved + result.side("left").appeared)
    appeared_left = {(i.kind, i.id) for i in result.side("left").appeared}
    assert ("finding", "dorsiflexion_asymmetry") in appeared_left


def test_followup_pair_left_improved_by_3_5_cm(engine):
    result = compare(VISIT1, VISIT2, engine)
    left = row(result, "left", "lunge_distance_cm")
    assert (left.before, left.after, left.change, left.verdict) == (6.5, 10.0, 3.5, "real improvement")
    assert "left dorsiflexion improved by 3.5 cm" in result.side("left").verdict
    assert "mobility plan can progress" in result.side("left").verdict
    assert row(result, "right", "lunge_distance_cm").verdict == "no real change"
    resolved = {(i.kind, i.id) for i in result.side("left").resolved}
    assert ("finding", "limited_dorsiflexion") in resolved
    assert ("risk", "achilles_tendinopathy") in resolved
    assert result.warnings == []
    assert compare(VISIT1, VISIT2, engine).to_json() == result.to_json()
    reverse = compare(VISIT2, VISIT1, engine)  # given backwards: judged in date order all the same
    assert reverse.visits_swapped and not result.visits_swapped
    assert reverse.sides == result.sides and reverse.outcomes == result.outcomes
    assert "reverse order" in reverse.warnings[0]


def test_a_new_referral_overrides_progression(engine):
    before = case({"lunge_distance_cm": {"left": 6.5}})
    after = case({"lunge_distance_cm": {"left": 10.0}}, red_flags=["calf_swelling_warmth"])
    verdict = compare(before, after, engine).side("left").verdict
    assert "improved by 3.5 cm" in verdict
    assert "Referral now indicated" in verdict


def test_html_is_self_contained_and_escaped(engine):
    result = compare(VISIT1, VISIT2, engine).model_copy(update={"warnings": ["<script>alert(1)</script>"]})
    page = render_html(result)
    assert page.startswith("<!DOCTYPE html>") and "<style>" in page
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "http" not in page.split("<body>")[0]  # no external stylesheet or script
    assert "LEFT:" in render_text(result)


def test_compare_command_text_json_html():
    runner = CliRunner()
    text = runner.invoke(main, ["compare", VISIT1, VISIT2])
    assert text.exit_code == 0, text.output
    assert "left dorsiflexion improved by 3.5 cm" in text.stdout
    data = json.loads(runner.invoke(main, ["compare", VISIT1, VISIT2, "--format", "json"]).stdout)
    assert data["case_id"] == "RUN-0142"
    assert data["sides"][0]["side"] == "left"
    html = runner.invoke(main, ["compare", VISIT1, VISIT2, "--format", "html"])
    assert html.exit_code == 0 and "</html>" in html.stdout


def test_compare_command_refuses_different_case_ids_and_fails_on_invalid_file():
    runner = CliRunner()
    other = str(REPO / "examples" / "bilateral-restriction.yaml")
    result = runner.invoke(main, ["compare", VISIT1, other])
    assert result.exit_code == 1
    assert "visits of different cases (case_id RUN-0142 and RUN-0233)" in result.stderr
    assert VISIT1 in result.stderr and "Traceback" not in result.output
    bad = str(REPO / "tests" / "bad_cases" / "bad-sex.yaml")
    result = runner.invoke(main, ["compare", VISIT1, bad])
    assert result.exit_code == 1
    assert "bad-sex.yaml" in result.stderr and "patient.sex" in result.stderr
    assert "Traceback" not in result.output
