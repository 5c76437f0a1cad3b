"""Follow-up outcomes against their MCIDs (at and either side of each), the overall verdict, visit order, the
case-id check, the left-right asymmetry rule and `compare --output`."""

from __future__ import annotations

import datetime
import json
import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml
from _support import EXAMPLES, RULES
from click.testing import CliRunner
from pydantic import BaseModel

import engine
from engine.commands import main
from engine.errors import KineticChainError, VisitMismatchError
from engine.workflow.comparison import compare
from engine.workflow.follow_up import follow_up_spec, interval_weeks, mcid_for, outcome_changes, overall_verdict
from engine.workflow.follow_up_asymmetry import asymmetry_verdict

SPEC = follow_up_spec(engine.default_engine().rulebase.vocabulary)


class Sides(BaseModel):
    left: float | None = None
    right: float | None = None


def visit(symptoms=(), **scores) -> SimpleNamespace:
    """A visit as the comparison reads it: outcome scores (per side as a model, or one value) and symptoms."""
    outcomes = {name: Sides(**value) if isinstance(value, dict) else value for name, value in scores.items()}
    pains = [SimpleNamespace(site=site, side=side, severity=value) for site, side, value in symptoms]
    return SimpleNamespace(outcomes=SimpleNamespace(**outcomes), symptoms=pains)


def verdict_of(name: str, before, after, weeks: float | None = 12) -> str:
    (row,) = outcome_changes(visit(**{name: before}), visit(**{name: after}), SPEC, weeks)
    return row.verdict


# --- each MCID, at and either side ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "before", "after", "weeks", "verdict"),
    [
        ("visa_a", {"left": 50}, {"left": 63}, 12, "no important change"),  # +13 at ~12 weeks
        ("visa_a", {"left": 50}, {"left": 64}, 12, "improved"),  # +14: exactly the MCID counts
        ("visa_a", {"left": 50}, {"left": 65}, 12, "improved"),
        ("visa_a", {"left": 50}, {"left": 37}, 12, "no important change"),
        ("visa_a", {"left": 50}, {"left": 36}, 12, "worse"),
        ("visa_a", {"right": 50}, {"right": 56}, 24, "no important change"),  # +6 at ~24 weeks
        ("visa_a", {"right": 50}, {"right": 57}, 24, "improved"),  # +7
        ("visa_a", {"right": 50}, {"right": 58}, 24, "improved"),
        ("visa_a", {"right": 50}, {"right": 43}, 24, "worse"),
        ("visa_a", {"left": 50}, {"left": 57}, 19.9, "no important change"),  # under 20 weeks: still 14
        ("visa_a", {"left": 50}, {"left": 57}, 20, "improved"),  # 20 weeks or more: 7
        ("visa_a", {"left": 50}, {"left": 57}, None, "no important change"),  # undated: the 12-week MCID
        ("visa_p", {"left": 60}, {"left": 72}, 12, "no important change"),  # +12
        ("visa_p", {"left": 60}, {"left": 73}, 12, "improved"),  # +13
        ("visa_p", {"left": 60}, {"left": 74}, 12, "improved"),
        ("visa_p", {"left": 60}, {"left": 48}, 12, "no important change"),
        ("visa_p", {"left": 60}, {"left": 47}, 12, "worse"),
        ("psfs", 4, 5.9, 12, "no important change"),  # +1.9
        ("psfs", 4, 6, 12, "improved"),  # +2
        ("psfs", 4, 6.1, 12, "improved"),
        ("psfs", 4, 2.1, 12, "no important change"),
        ("psfs", 4, 2, 12, "worse"),
    ],
)
def test_scores_around_their_mcid(name, before, after, weeks, verdict):
    assert verdict_of(name, before, after, weeks) == verdict


@pytest.mark.parametrize(
    ("before", "after", "verdict", "mcid"),
    [
        (8, 6.1, "no important change", 2),  # 30% of 8 is 2.4: the 2 points come first
        (8, 6, "improved", 2),
        (8, 5.9, "improved", 2),
        (8, 10, "worse", 2),
        (5, 3.6, "no important change", 1.5),  # 30% of 5 = 1.5 comes first
        (5, 3.5, "improved", 1.5),
        (5, 3.4, "improved", 1.5),
        (6, 4.2, "improved", 1.8),  # 0.3 * 6 is 1.7999999999999998 in floating point
        (6, 4.3, "no important change", 1.8),
        (0, 1.9, "no important change", 2),  # no pain at first: only the points count
        (0, 2, "worse", 2),
    ],
)
def test_pain_counts_from_2_points_or_30_percent(engine_default, before, after, verdict, mcid):
    first = {"case_id": "RUN-9", "symptoms": [{"site": "achilles", "side": "left", "severity": before}]}
    second = {"case_id": "RUN-9", "symptoms": [{"site": "achilles", "side": "left", "severity": after}]}
    (row,) = compare(first, second, engine_default).outcomes
    assert (row.outcome, row.site, row.side, row.verdict, row.mcid) == (
        "symptom_severity",
        "achilles",
        "left",
        verdict,
        mcid,
    )


def test_pain_is_judged_per_site_and_side():
    before = visit(symptoms=[("achilles", "both", 6), ("plantar_heel", "right", 4)])
    after = visit(symptoms=[("achilles", "left", 2), ("achilles", "right", 6)])
    rows = {(r.site, r.side): r.verdict for r in outcome_changes(before, after, SPEC, 6)}
    assert rows == {
        ("achilles", "left"): "improved",
        ("achilles", "right"): "no important change",
        ("plantar_heel", "right"): "not comparable",
    }


def test_the_visa_a_mcid_follows_the_visit_interval_and_says_so():
    visa_a = SPEC.outcomes["visa_a"]
    assert mcid_for(visa_a, 12, SPEC) == (14, "14 points for visits 12 weeks apart, under 20")
    assert mcid_for(visa_a, 24, SPEC)[0] == 7
    assert "interval is unknown" in mcid_for(visa_a, None, SPEC)[1]
    assert mcid_for(SPEC.outcomes["visa_p"], 24, SPEC)[0] == 13  # no interval rule for VISA-P
    assert interval_weeks(datetime.date(2026, 9, 1), datetime.date(2026, 11, 24)) == 12


# --- better, worse, unchanged -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("before", "after", "overall"),
    [
        ({"visa_a": {"left": 50}, "psfs": 4}, {"visa_a": {"left": 64}, "psfs": 4.5}, "better"),
        ({"visa_a": {"left": 50}, "psfs": 4}, {"visa_a": {"left": 64}, "psfs": 2}, "worse"),
        ({"visa_a": {"left": 50, "right": 80}}, {"visa_a": {"left": 70, "right": 66}}, "worse"),
        ({"visa_a": {"left": 50}, "psfs": 4}, {"visa_a": {"left": 60}, "psfs": 5}, "unchanged"),
        ({"visa_a": {"left": 50}}, {"visa_p": {"left": 60}}, "not scored"),
    ],
)
def test_better_needs_one_mcid_gain_and_no_mcid_loss(before, after, overall):
    result = overall_verdict(outcome_changes(visit(**before), visit(**after), SPEC, 12), SPEC)
    assert result.verdict == overall
    if overall == "worse":
        assert "re-examine" in result.text


# --- visit order and case ids -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def engine_default() -> engine.Engine:
    return engine.default_engine()


def dated(date: str | None, left: float) -> dict:
    case = {"case_id": "RUN-7", "measurements": {"lunge_distance_cm": {"left": left}}}
    return case | ({"visit_date": date} if date else {})


def test_swapped_visits_are_judged_in_date_order(engine_default):
    result = compare(dated("2026-12-11", 10), dated("2026-11-20", 6.5), engine_default)
    assert result.visits_swapped
    assert (result.visit_date_before, result.visit_date_after, result.interval_weeks) == (
        "2026-11-20",
        "2026-12-11",
        3,
    )
    assert result.side("left").measurements[0].change == 3.5
    assert "reverse order" in result.warnings[0]


@pytest.mark.parametrize(("first", "second"), [(None, "2026-11-20"), ("2026-11-20", None), (None, None)])
def test_missing_dates_keep_the_given_order_and_say_so(engine_default, first, second):
    result = compare(dated(first, 6.5), dated(second, 10), engine_default)
    assert not result.visits_swapped and result.interval_weeks is None
    assert result.side("left").measurements[0].change == 3.5
    assert "visit date missing" in result.warnings[0] and "order given" in result.warnings[0]


def test_visits_of_different_cases_are_refused(engine_default):
    other = dated("2026-12-11", 10) | {"case_id": "RUN-8"}
    with pytest.raises(VisitMismatchError) as info:
        compare(dated("2026-11-20", 6.5), other, engine_default)
    assert isinstance(info.value, KineticChainError)
    assert "RUN-7 and RUN-8" in str(info.value)


# --- asymmetry -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("gap_change", "stiffer", "other", "verdict"),
    [
        (-1.5, 1.9, 0.4, "better"),  # the gap reached the left-right MDC; the stiffer side its MDC
        (-1.4, 1.9, 0.5, "no real change"),
        (-1.5, 1.8, 0.3, "smaller, not better"),  # the stiffer side did not gain one MDC
        (-3.0, 1.9, -1.1, "better"),  # the other side lost, but less than one MDC
        (-3.8, 1.9, -1.9, "smaller, not better"),  # the other side lost one MDC
        (1.5, 0, -1.5, "larger"),
    ],
)
def test_asymmetry_is_better_only_when_the_stiffer_side_gained(gap_change, stiffer, other, verdict):
    assert asymmetry_verdict(gap_change, 1.5, stiffer, other, 1.9) == verdict


def test_angles_keep_the_measurement_mdc_for_the_left_right_difference(engine_default):
    before = {"case_id": "RUN-7", "measurements": {"lunge_angle_deg": {"left": 30, "right": 44}}}
    after = {"case_id": "RUN-7", "measurements": {"lunge_angle_deg": {"left": 34.6, "right": 44}}}
    (gap,) = compare(before, after, engine_default).asymmetry
    assert (gap.mdc, gap.verdict, gap.stiffer_side) == (4.7, "no real change", "left")
    assert "no left-right MDC is published" in gap.mdc_basis
    distance = {"case_id": "RUN-7", "measurements": {"lunge_distance_cm": {"left": 6, "right": 10}}}
    (gap,) = compare(distance, distance, engine_default).asymmetry
    assert gap.mdc == 1.5 and "Chisholm 2012" in gap.mdc_basis


# --- data, command ---------------------------------------------------------------------------------------


def test_a_rule_base_without_follow_up_data_is_refused(tmp_path):
    folder = tmp_path / "rules"
    shutil.copytree(RULES, folder)
    data = yaml.safe_load((folder / "vocabulary.yaml").read_text(encoding="utf-8"))
    del data["follow_up"]["outcomes"]["psfs"]["mcid"]
    (folder / "vocabulary.yaml").write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    result = CliRunner().invoke(main, ["--rules", str(folder), "rules", "validate"])
    assert result.exit_code == 1
    assert "vocabulary.yaml: follow_up.outcomes.psfs.mcid" in result.stderr


@pytest.mark.parametrize("fmt", ["text", "json", "html"])
def test_compare_writes_to_output(tmp_path, fmt):
    target = tmp_path / f"comparison.{fmt}"
    visits = [str(EXAMPLES / f"followup-RUN-0142-visit{n}.yaml") for n in (1, 2)]
    result = CliRunner().invoke(main, ["compare", *visits, "--format", fmt, "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert "RUN-0142" in target.read_text(encoding="utf-8")
    assert Path(target).stat().st_size > 500


def test_the_achilles_follow_up_pair_is_better_on_every_outcome(engine_default):
    visits = [EXAMPLES / f"followup-RUN-0310-visit{n}.yaml" for n in (1, 2)]
    result = compare(*visits, engine_default)
    assert (result.interval_weeks, result.outcome_verdict.verdict) == (12, "better")
    verdicts = {(r.outcome, r.side): (r.change, r.mcid, r.verdict) for r in result.outcomes}
    assert verdicts == {
        ("visa_a", "left"): (19, 14, "improved"),
        ("visa_a", "right"): (2, 14, "no important change"),
        ("psfs", "patient"): (2.5, 2, "improved"),
        ("symptom_severity", "left"): (-3, 1.5, "improved"),
    }
    (distance, _angle) = result.asymmetry
    assert (distance.before, distance.after, distance.verdict) == (4, 1.5, "better")
    text = CliRunner().invoke(main, ["compare", *map(str, visits)]).stdout
    assert "OUTCOME: BETTER - VISA-A (Achilles), left improved by 19 points (MCID 14 points" in text


def test_every_output_carries_outcomes_order_and_each_side():
    visits = [str(EXAMPLES / f"followup-RUN-0310-visit{n}.yaml") for n in (2, 1)]  # given backwards
    runner = CliRunner()
    text = runner.invoke(main, ["compare", *visits])
    assert text.exit_code == 0, text.output
    assert "warning: the visits were given in reverse order" in text.stderr
    assert "visits given in reverse order, compared in date order" in text.stdout
    assert "left (stiffer) +2.5, right 0 cm" in text.stdout
    data = json.loads(runner.invoke(main, ["compare", *visits, "--format", "json"]).stdout)
    assert data["visits_swapped"] is True and data["interval_weeks"] == 12
    assert data["outcome_verdict"]["verdict"] == "better"
    assert {(o["outcome"], o["side"]) for o in data["outcomes"]} >= {("visa_a", "left"), ("psfs", "patient")}
    assert data["asymmetry"][0]["stiffer_side"] == "left" and data["asymmetry"][0]["mdc"] == 1.5
    html = runner.invoke(main, ["compare", *visits, "--format", "html"]).stdout
    assert "<h2>Outcomes (against the MCID)</h2>" in html and "outcome-better" in html
    assert "VISA-A (Achilles), left" in html and "left (stiffer) +2.5" in html
    assert "Warning: the visits were given in reverse order" in html


def test_compare_refuses_to_write_over_a_visit(tmp_path):
    visit1 = tmp_path / "visit1.yaml"
    visit1.write_text((EXAMPLES / "followup-RUN-0310-visit1.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    visit2 = str(EXAMPLES / "followup-RUN-0310-visit2.yaml")
    result = CliRunner().invoke(main, ["compare", str(visit1), visit2, "-o", str(visit1)])
    assert result.exit_code == 2 and "is also an input" in result.output
    assert visit1.read_text(encoding="utf-8").startswith("# RUN-0310, first visit")
