"""Escalation at follow-up (docs/clinical-basis.md section 9): a main outcome that has not improved by its MCID
after 12 weeks (tendon, fascia) or 6 (others) gives "escalate: specialist_referral (soon)", grade C, with its
source, in every output; the numbers come from the rules; adherence is not recorded, so it must be confirmed."""

from __future__ import annotations

import datetime
import json
import shutil

import pytest
import yaml
from _support import EXAMPLES, RULES
from click.testing import CliRunner

import engine
from engine.commands import main
from engine.workflow.comparison import compare

START = datetime.date(2026, 6, 1)
PAIR = [str(EXAMPLES / f"followup-RUN-0455-visit{n}.yaml") for n in (1, 2)]


@pytest.fixture(scope="module")
def eng() -> engine.Engine:
    return engine.Engine()


def visits(weeks: float | None, before: dict, after: dict, symptom: dict, age: int | None = 35, gap=None):
    """Two visits `weeks` apart (undated when None) with outcome scores and the same complaint at both."""
    cases = []
    for n, scores in enumerate((before, after)):
        case = {"case_id": "RUN-8001", "outcomes": scores, "symptoms": [dict(symptom)]}
        if age is not None:
            case["patient"] = {"age": age}
        if weeks is not None:
            case["visit_date"] = (START + datetime.timedelta(days=round(weeks * 7) * n)).isoformat()
        if gap is not None:
            case["symptoms"][0]["weeks"] = gap[n]
        cases.append(case)
    return cases


ACHILLES = {"site": "achilles", "side": "left", "onset": "gradual"}
FRONT_KNEE = {"site": "anterior_knee", "side": "right", "onset": "gradual"}
PLANTAR = {"site": "plantar_heel", "side": "right", "onset": "gradual"}


def only(result):
    (check,) = result.escalation
    return check


@pytest.mark.parametrize(
    ("weeks", "after", "verdict"),
    [
        (11.9, 60, "not yet"),  # under 12 weeks: keep going
        (12, 60, "escalate"),  # 12 weeks, +10 points, MCID 14
        (14, 63, "escalate"),  # +13, one short of the MCID
        (12, 64, "not needed"),  # +14: exactly the MCID is improvement
    ],
)
def test_achilles_escalates_at_12_weeks_without_a_visa_a_mcid_gain(eng, weeks, after, verdict):
    first, second = visits(weeks, {"visa_a": {"left": 50}}, {"visa_a": {"left": after}}, ACHILLES)
    check = only(compare(first, second, eng))
    assert (check.family, check.outcome, check.verdict) == ("achilles_tendon", "visa_a", verdict)
    if verdict == "escalate":
        assert (check.referral, check.urgency, check.grade) == ("specialist_referral", "soon", "C")
        assert check.text.startswith("escalate: specialist_referral (soon) - left midportion Achilles tendinopathy")
        assert "Adherence is not recorded" in check.text and not check.adherence_recorded
    else:
        assert check.referral is None


@pytest.mark.parametrize(("weeks", "verdict"), [(5.9, "not yet"), (6, "escalate")])
def test_patellofemoral_pain_escalates_at_6_weeks_on_psfs(eng, weeks, verdict):
    first, second = visits(weeks, {"psfs": 4}, {"psfs": 5}, FRONT_KNEE)
    result = compare(first, second, eng)
    check = only(result)
    assert (check.family, check.outcome, check.threshold_weeks, check.verdict) == ("other", "psfs", 6, verdict)
    if verdict == "escalate":
        assert "escalate" in result.outcome_verdict.text
        assert "re-assess at 12 weeks" not in result.outcome_verdict.text  # never 'carry on' beside 'escalate'


def test_a_worse_main_outcome_keeps_re_examine_and_escalates_once_the_time_has_passed(eng):
    first, second = visits(12, {"visa_a": {"left": 50}}, {"visa_a": {"left": 35}}, ACHILLES)
    result = compare(first, second, eng)
    assert result.outcome_verdict.verdict == "worse" and "re-examine" in result.outcome_verdict.text
    assert only(result).verdict == "escalate" and "re-examine first" in only(result).text
    first, second = visits(4, {"visa_a": {"left": 50}}, {"visa_a": {"left": 35}}, ACHILLES)
    early = compare(first, second, eng)
    assert "re-examine" in early.outcome_verdict.text and only(early).verdict == "not yet"


def test_undated_visits_count_the_symptom_weeks_and_unknown_time_is_not_judged(eng):
    first, second = visits(None, {"visa_a": {"left": 50}}, {"visa_a": {"left": 55}}, ACHILLES, gap=(10, 22))
    check = only(compare(first, second, eng))
    assert (check.verdict, check.weeks_under_treatment) == ("escalate", 12)
    assert "from the symptom's weeks at each visit" in check.text
    first, second = visits(None, {"visa_a": {"left": 50}}, {"visa_a": {"left": 55}}, ACHILLES)
    check = only(compare(first, second, eng))
    assert check.verdict == "not judged" and "record visit dates" in check.text


def test_without_a_presentation_the_symptom_site_chooses_the_family(eng):
    # no age: no plantar heel pain presentation, but plantar heel pain is fascia pain: 12 weeks, not 6
    first, second = visits(8, {"psfs": 4}, {"psfs": 4.5}, PLANTAR, age=None)
    check = only(compare(first, second, eng))
    assert (check.family, check.threshold_weeks, check.verdict) == ("plantar_fascia", 12, "not yet")


def test_pain_is_the_main_outcome_when_nothing_else_was_scored(eng):
    before = {**ACHILLES, "severity": 5}
    first, second = visits(12, {}, {}, before)
    second["symptoms"][0]["severity"] = 4
    check = only(compare(first, second, eng))
    assert (check.outcome, check.verdict) == ("symptom_severity", "escalate")


def test_the_weeks_come_from_the_rules(tmp_path):
    folder = tmp_path / "rules"
    shutil.copytree(RULES, folder)
    data = yaml.safe_load((folder / "vocabulary.yaml").read_text(encoding="utf-8"))
    data["follow_up"]["escalation"]["families"]["patellar_tendon"]["weeks"] = 16
    (folder / "vocabulary.yaml").write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    check = only(compare(*PAIR, engine.Engine(folder)))
    assert (check.threshold_weeks, check.verdict) == (16, "not yet")


def test_an_unknown_main_outcome_is_a_rule_base_error(tmp_path):
    folder = tmp_path / "rules"
    shutil.copytree(RULES, folder)
    data = yaml.safe_load((folder / "vocabulary.yaml").read_text(encoding="utf-8"))
    data["follow_up"]["escalation"]["families"]["other"]["main_outcomes"] = ["koos"]
    (folder / "vocabulary.yaml").write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    result = CliRunner().invoke(main, ["--rules", str(folder), "rules", "validate"])
    assert result.exit_code == 1
    assert "vocabulary.yaml: follow_up.escalation.families.other.main_outcomes: unknown 'koos'" in result.stderr


def test_the_example_pair_escalates_in_text_json_and_html():
    runner = CliRunner()
    text = runner.invoke(main, ["compare", *PAIR]).stdout
    assert "escalate: specialist_referral (soon) - right patellar tendinopathy" in text
    assert "[grade C; Kongsgaard 2009]" in text and "confirm the programme was followed" in text
    data = json.loads(runner.invoke(main, ["compare", *PAIR, "--format", "json"]).stdout)
    (check,) = data["escalation"]
    assert (check["verdict"], check["outcome"], check["weeks_under_treatment"]) == ("escalate", "visa_p", 12)
    assert (check["referral"], check["urgency"], check["grade"]) == ("specialist_referral", "soon", "C")
    assert check["source"] == "Kongsgaard 2009" and check["adherence_recorded"] is False
    html = runner.invoke(main, ["compare", *PAIR, "--format", "html"]).stdout
    assert '<li class="escalate">escalate: specialist_referral (soon)' in html and "Kongsgaard 2009" in html


def test_the_improving_achilles_pair_does_not_escalate(eng):
    result = compare(*[EXAMPLES / f"followup-RUN-0310-visit{n}.yaml" for n in (1, 2)], eng)
    assert [c.verdict for c in result.escalation] == ["not needed"]
