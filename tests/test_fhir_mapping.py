"""FHIR R4 mapping: every example case round-trips through FHIR to the identical assessment, random valid cases
do too, unknown data is reported (never dropped silently), units are checked with UCUM, and the assessment
Bundle holds validated CarePlan, ServiceRequest, DetectedIssue and Provenance resources."""

from __future__ import annotations

import copy
import json
import os

import pytest
import yaml
from _cases_v2 import v2_cases, valid_case
from _service import FHIR_EXAMPLES, load_example
from _support import EXAMPLES, example_paths
from click.testing import CliRunner
from fhir.resources.R4B.bundle import Bundle
from hypothesis import HealthCheck, assume, given, settings

from engine import Engine
from engine.commands import main
from engine.fhir import assessment_bundle, case_to_bundle, fhir_to_case
from engine.fhir._codes import SNOMED, UCUM, code_system
from engine.fhir.hook_request import hook_request

ENGINE = Engine()
VOCABULARY = ENGINE.rulebase.vocabulary
#: Shipped in examples/fhir/: (case, bundle file) and (hook, bundle, hookInstance) for the hook requests.
BUNDLES = [
    "runner-left-restriction",
    "red-flag-achilles-rupture",
    "red-flag-possible-dvt",
    "contraindication-raynauds",
    "minimal-case-id-only",
    "screen-first-calf-pain-after-flight",
    "red-flag-dvt-right-whole-patient",
]
HOOKS = [
    ("patient-view", "red-flag-achilles-rupture", "11111111-2222-3333-4444-555555555555"),
    ("encounter-start", "runner-left-restriction", "11111111-2222-3333-4444-555555555556"),
    ("patient-view", "screen-first-calf-pain-after-flight", "11111111-2222-3333-4444-555555555557"),
]


def as_data(case) -> dict:
    return case.model_dump(mode="json", exclude_none=True)


@pytest.mark.parametrize("path", example_paths(), ids=lambda p: p.name)
def test_every_example_round_trips_to_the_identical_assessment(path):
    case = ENGINE.load_case(path)
    bundle = case_to_bundle(as_data(case), VOCABULARY)
    Bundle.model_validate(bundle)
    mapped = fhir_to_case(bundle, VOCABULARY)
    assert mapped.issues == []
    assert ENGINE.assess(mapped.case).to_json() == ENGINE.assess(case).to_json()


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(v2_cases())
def test_any_valid_case_round_trips(raw):
    case = valid_case(raw)
    assume(case is not None)
    mapped = fhir_to_case(case_to_bundle(as_data(case), VOCABULARY), VOCABULARY)
    assert [i.line() for i in mapped.issues] == []
    assert clinical(as_data(ENGINE.load_case(mapped.case))) == clinical(as_data(case))


def clinical(data):
    """A case without what carries no clinical fact: the format version and empty sections."""
    if isinstance(data, dict):
        kept = {k: clinical(v) for k, v in data.items() if k != "format"}
        return {k: v for k, v in kept.items() if v != {}}
    if isinstance(data, list) and all(isinstance(v, str) for v in data):
        return list(dict.fromkeys(data))  # a red flag or condition listed twice is listed once
    return data


def _expected_examples() -> dict[str, dict]:
    out = {}
    for name in BUNDLES:
        out[f"{name}.fhir.json"] = case_to_bundle(as_data(ENGINE.load_case(EXAMPLES / f"{name}.yaml")), VOCABULARY)
    for hook, name, instance in HOOKS:
        out[f"hook-{hook}-{name}.fhir.json"] = hook_request(out[f"{name}.fhir.json"], hook, instance)
    return out


def test_shipped_fhir_examples_are_what_the_mapping_writes():
    """Regenerate with KINETIC_CHAIN_WRITE_FHIR_EXAMPLES=1 after a mapping or example change."""
    expected = _expected_examples()
    if os.environ.get("KINETIC_CHAIN_WRITE_FHIR_EXAMPLES"):
        for name, data in expected.items():
            (FHIR_EXAMPLES / name).write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    assert sorted(p.name for p in FHIR_EXAMPLES.glob("*.fhir.json")) == sorted(expected)
    for name, data in expected.items():
        assert load_example(name) == data, name


def _entries(bundle: dict, kind: str) -> list[dict]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def test_unknown_resources_codes_and_units_are_reported_not_dropped():
    bundle = load_example("runner-left-restriction.fhir.json")
    observation = copy.deepcopy(_entries(bundle, "Observation")[1])
    observation["id"] = "lunge-in-inches"
    observation["valueQuantity"] = {"value": 2.5, "unit": "in", "system": UCUM, "code": "[in_i]"}
    odd = copy.deepcopy(observation)
    odd["id"] = "odd-code"
    odd["code"] = {"coding": [{"system": "http://loinc.org", "code": "8302-2"}]}
    condition = copy.deepcopy(_entries(bundle, "Condition")[0])
    condition["id"] = "unknown-condition"
    condition["code"] = {"coding": [{"system": SNOMED, "code": "195967001", "display": "Asthma"}]}
    medication = {
        "resourceType": "MedicationStatement",
        "id": "m1",
        "status": "active",
        "medicationCodeableConcept": {"text": "ibuprofen"},
        "subject": {"reference": "Patient/RUN-0101"},
    }
    broken = {"resourceType": "Observation", "id": "broken", "code": {"text": "no status"}}
    for extra in (observation, odd, condition, medication, broken):
        bundle["entry"].append({"resource": extra})
    mapped = fhir_to_case(bundle, VOCABULARY)
    text = "\n".join(i.line() for i in mapped.issues)
    assert "[in_i]" in text
    assert "8302-2" in text
    assert "195967001" in text
    assert "MedicationStatement is not used" in text
    assert "not a valid FHIR R4 Observation" in text
    assert len(mapped.issues) == 5


def test_millimetres_are_converted_with_ucum_and_degrees_are_required_for_angles():
    bundle = load_example("runner-left-restriction.fhir.json")
    by_code = {
        o["code"]["coding"][0]["code"] + o["bodySite"]["text"]: o
        for o in _entries(bundle, "Observation")
        if o.get("bodySite")
    }
    by_code["lunge_distance_cmleft leg"]["valueQuantity"] = {"value": 65, "unit": "mm", "system": UCUM, "code": "mm"}
    by_code["lunge_angle_degleft leg"]["valueQuantity"] = {"value": 31, "unit": "rad", "system": UCUM, "code": "rad"}
    mapped = fhir_to_case(bundle, VOCABULARY)
    assert mapped.case["measurements"]["lunge_distance_cm"]["left"] == 6.5
    assert "left" not in mapped.case["measurements"]["lunge_angle_deg"]
    assert any("'rad'" in i.diagnostics for i in mapped.issues)


def test_snomed_only_codes_and_onset_dates_from_another_ehr_are_understood():
    bundle = load_example("contraindication-raynauds.fhir.json")
    for condition in _entries(bundle, "Condition"):
        codings = condition["code"]["coding"]
        if codings[0]["code"] == "raynauds":
            condition["code"]["coding"] = [c for c in codings if c["system"] == SNOMED]
    mapped = fhir_to_case(bundle, VOCABULARY)
    assert "raynauds" in mapped.case["conditions"] and mapped.issues == []


def test_resources_of_another_patient_are_refused_when_the_patient_is_known():
    request = load_example("hook-patient-view-red-flag-achilles-rupture.fhir.json")
    request["prefetch"]["conditions"]["entry"][0]["resource"]["subject"]["reference"] = "Patient/someone-else"
    mapped = fhir_to_case(request["prefetch"], VOCABULARY, patient_id="RUN-0719")
    assert [i.code for i in mapped.issues] == ["conflict"]


def test_assessment_bundle_for_a_red_flag_has_service_request_detected_issues_and_provenance():
    assessment = ENGINE.assess(EXAMPLES / "red-flag-achilles-rupture.yaml")
    bundle = assessment_bundle(assessment, VOCABULARY)
    Bundle.model_validate(bundle)
    requests = _entries(bundle, "ServiceRequest")
    assert [r["code"]["coding"][0]["code"] for r in requests] == [r.id for r in assessment.referrals]
    assert requests[0]["priority"] == "urgent"
    flags = {d["code"]["coding"][0]["code"] for d in _entries(bundle, "DetectedIssue")}
    assert flags == set(assessment.referrals[0].red_flags)
    provenance = _entries(bundle, "Provenance")[0]
    assert assessment.rulebase.sha256 in provenance["entity"][0]["what"]["display"]
    assert provenance["entity"][0]["what"]["identifier"]["value"] == assessment.rulebase.sha256
    assert assessment.engine_version in provenance["agent"][0]["who"]["display"]
    assert len(provenance["target"]) == len(bundle["entry"]) - 1


def test_care_plan_has_one_activity_per_intervention_in_plan_order():
    assessment = ENGINE.assess(EXAMPLES / "runner-left-restriction.yaml")
    plan = _entries(assessment_bundle(assessment, VOCABULARY), "CarePlan")[0]
    codes = [a["detail"]["code"]["coding"][0]["code"] for a in plan["activity"]]
    assert codes == [r.id for r in sorted(assessment.recommendations, key=lambda r: r.priority)]
    first = plan["activity"][0]["detail"]
    assert first["code"]["coding"][0]["system"] == code_system("intervention")
    assert {e["url"].rsplit("/", 1)[-1] for e in first["extension"]} >= {"side", "dose", "evidence-grade"}


def test_cli_fhir_to_case_prints_the_case_and_assess_writes_a_fhir_bundle(tmp_path):
    runner = CliRunner()
    result = runner.invoke(main, ["fhir-to-case", str(FHIR_EXAMPLES / "runner-left-restriction.fhir.json")])
    assert result.exit_code == 0, result.output
    case_file = tmp_path / "case.yaml"
    case_file.write_text(result.stdout, encoding="utf-8")
    assert ENGINE.assess(case_file).to_json() == ENGINE.assess(EXAMPLES / "runner-left-restriction.yaml").to_json()
    result = runner.invoke(main, ["assess", str(EXAMPLES / "red-flag-possible-dvt.yaml"), "--format", "fhir"])
    assert result.exit_code == 0, result.output
    bundle = json.loads(result.stdout)
    Bundle.model_validate(bundle)
    assert {e["resource"]["resourceType"] for e in bundle["entry"]} >= {"ServiceRequest", "DetectedIssue", "Provenance"}


def test_cli_fhir_to_case_reports_what_it_did_not_use(tmp_path):
    bundle = load_example("minimal-case-id-only.fhir.json")
    bundle["entry"].append(
        {
            "resource": {
                "resourceType": "Immunization",
                "id": "x",
                "status": "completed",
                "vaccineCode": {"text": "flu"},
                "patient": {"reference": "Patient/1"},
                "occurrenceDateTime": "2026-01-01",
            }
        }
    )
    path = tmp_path / "b.fhir.json"
    path.write_text(json.dumps(bundle), encoding="utf-8")
    result = CliRunner().invoke(main, ["fhir-to-case", str(path), "--format", "json"])
    assert result.exit_code == 0
    assert "Immunization is not used" in result.stderr
    assert (
        json.loads(result.stdout)["case_id"]
        == yaml.safe_load((EXAMPLES / "minimal-case-id-only.yaml").read_text())["case_id"]
    )


def test_a_paginated_prefetch_is_reported_as_incomplete():
    request = load_example("hook-patient-view-red-flag-achilles-rupture.fhir.json")
    request["prefetch"]["observations"]["link"] = [{"relation": "next", "url": "https://ehr.example.org/fhir?page=2"}]
    mapped = fhir_to_case(request["prefetch"], VOCABULARY)
    assert [(i.code, i.expression) for i in mapped.issues] == [("incomplete", "prefetch.observations")]
