"""CDS Hooks 2.0 against a real server (uvicorn on a free loopback port): discovery, cards per rule, 412 on
missing prefetch, report links (feedback: test_service_feedback.py). Every card is checked against the CDS Hooks
shapes and every suggested resource against its fhir.resources model."""

from __future__ import annotations

import json
import uuid

import pytest
from _service import (
    ENCOUNTER_START,
    PATIENT_VIEW,
    PLAN,
    RED_FLAG,
    SCREEN_FIRST,
    cards_of,
    hook_call,
    load_example,
    module_server,
)
from _support import EXAMPLES

from engine import default_engine
from engine.fhir.assessment_to_fhir import ordered_plan
from engine.fhir.hook_request import hook_request
from engine.service.cds_models import Discovery

server, client = module_server("hooks")


def test_discovery_lists_one_service_per_hook_with_prefetch(client):
    response = client.get("/cds-services")
    assert response.status_code == 200
    services = Discovery.model_validate(response.json()).services
    assert {s.hook for s in services} == {"patient-view", "encounter-start"}
    for service in services:
        assert service.title and service.description and service.id
        assert service.prefetch["patient"] == "Patient/{{context.patientId}}"
        assert service.prefetch["observations"].startswith("Observation?patient={{context.patientId}}")
        assert service.prefetch["conditions"].startswith("Condition?patient={{context.patientId}}")


def test_red_flag_gives_a_critical_card_with_a_service_request_suggestion(client):
    cards = cards_of(client.post(PATIENT_VIEW, json=hook_call(RED_FLAG)))
    critical = [c for c in cards if c["indicator"] == "critical"]
    assert len(critical) == 1
    card = critical[0]
    assert "urgent medical referral" in card["summary"] and "thompson" in card["summary"]
    assert "palpable gap in the Achilles tendon" in card["detail"] and "safety.referral" in card["detail"]
    assert card["source"]["label"].endswith(f"v{default_engine().rulebase.version}")
    assert card["selectionBehavior"] == "at-most-one" and card["overrideReasons"]
    resource = card["suggestions"][0]["actions"][0]["resource"]
    assert resource["resourceType"] == "ServiceRequest" and resource["subject"]["reference"] == "Patient/RUN-0719"
    assert {c["code"] for r in resource["reasonCode"] for c in r["coding"]} == {
        "palpable_achilles_gap",
        "positive_thompson_test",
    }
    local = default_engine().assess(EXAMPLES / "red-flag-achilles-rupture.yaml")
    held = [w for w in local.withheld if set(w.red_flags) & set(local.referrals[0].red_flags)]
    assert held and "Withheld until cleared" in card["detail"]
    assert all(f"- {w.label} - {w.side}" in card["detail"] for w in held)


def test_plan_gives_an_info_card_with_a_care_plan_suggestion(client):
    cards = cards_of(client.post(ENCOUNTER_START, json=hook_call(PLAN)))
    assert [c["indicator"] for c in cards] == ["info"]
    card = cards[0]
    resource = card["suggestions"][0]["actions"][0]["resource"]
    assert resource["resourceType"] == "CarePlan" and resource["status"] == "draft"
    assert len(resource["activity"]) == card["detail"].count("\n| ") - 1
    first = ordered_plan(default_engine().assess(EXAMPLES / "runner-left-restriction.yaml"))[0]
    lines = card["detail"].splitlines()
    first_row = lines[next(i for i, line in enumerate(lines) if line.startswith("|---")) + 1]
    assert first_row.startswith(f"| {first.priority} | {first.label} | {first.side} |")
    assert card["overrideReasons"] and card["selectionBehavior"] == "at-most-one"


def test_report_link_serves_the_html_report_and_needs_its_token(client):
    call = hook_call(RED_FLAG)
    cards = cards_of(client.post(PATIENT_VIEW, json=call))
    link = cards[0]["links"][0]["url"]
    assert link.startswith(f"{client.base_url}/reports/{call['hookInstance']}?token=")
    page = client.get(link)
    assert page.status_code == 200 and "RUN-0719" in page.text and "REFER" in page.text
    assert client.get(f"/reports/{call['hookInstance']}?token=wrong").status_code == 404


def test_nothing_to_say_gives_an_empty_card_list(client):
    call = hook_call(RED_FLAG)
    call["prefetch"]["observations"] = None
    call["prefetch"]["conditions"] = None
    call["prefetch"]["patient"] = {"resourceType": "Patient", "id": "RUN-0719"}
    measured = {
        "lunge_distance_cm": 12,
        "lunge_angle_deg": 45,
        "dorsiflexion_knee_straight_deg": 12,
        "dorsiflexion_knee_bent_deg": 20,
    }
    observations = []
    for name, value in measured.items():
        for code, side in (("32153003", "left"), ("62175007", "right")):
            unit = "cm" if name.endswith("_cm") else "deg"
            observations.append(
                {
                    "resource": {
                        "resourceType": "Observation",
                        "id": f"{name}-{side}".replace("_", "-"),
                        "status": "final",
                        "code": {
                            "coding": [
                                {"system": "https://kinetic-chain-cds.org/fhir/CodeSystem/measurement", "code": name}
                            ]
                        },
                        "subject": {"reference": "Patient/RUN-0719"},
                        "effectiveDateTime": "2026-11-20",
                        "bodySite": {"coding": [{"system": "http://snomed.info/sct", "code": code}]},
                        "valueQuantity": {
                            "value": value,
                            "unit": unit,
                            "system": "http://unitsofmeasure.org",
                            "code": unit,
                        },
                    }
                }
            )
    call["prefetch"]["observations"] = {"resourceType": "Bundle", "type": "searchset", "entry": observations}
    assert cards_of(client.post(PATIENT_VIEW, json=call)) == []


@pytest.mark.parametrize("key", ["patient", "observations", "conditions"])
def test_missing_prefetch_gives_412_with_an_operation_outcome(client, key):
    call = hook_call(RED_FLAG)
    del call["prefetch"][key]
    response = client.post(PATIENT_VIEW, json=call)
    assert response.status_code == 412
    body = response.json()
    assert body["resourceType"] == "OperationOutcome" and f"prefetch.{key}" in body["issue"][0]["expression"]


def test_no_prefetch_at_all_gives_412(client):
    call = hook_call(RED_FLAG)
    call.pop("prefetch")
    call["fhirServer"] = "https://ehr.example.org/fhir"
    assert client.post(PATIENT_VIEW, json=call).status_code == 412


@pytest.mark.parametrize(
    ("change", "status"),
    [
        (lambda c: c.update(hook="order-sign"), 400),
        (lambda c: c["context"].pop("patientId"), 400),
        (lambda c: c.pop("hookInstance"), 400),
        (
            lambda c: c.update(
                fhirAuthorization={
                    "access_token": "x",
                    "token_type": "Bearer",
                    "expires_in": 1,
                    "scope": "s",
                    "subject": "x",
                }
            ),
            400,
        ),
        (
            lambda c: c["prefetch"]["conditions"]["entry"][0]["resource"]["subject"].update(reference="Patient/other"),
            400,
        ),
        (lambda c: c["prefetch"]["patient"].update(gender="robot"), 200),  # reported in a card, not a failure
    ],
    ids=[
        "wrong-hook",
        "no-patient-id",
        "no-hook-instance",
        "authorization-without-server",
        "other-patient",
        "invalid-patient",
    ],
)
def test_bad_hook_requests_are_refused_with_an_operation_outcome(client, change, status):
    call = hook_call(RED_FLAG)
    change(call)
    response = client.post(PATIENT_VIEW, json=call)
    assert response.status_code == status, response.text
    if status != 200:
        assert response.json()["resourceType"] == "OperationOutcome"
    else:
        cards = cards_of(response)
        assert any("could not be used" in c["summary"] and "gender" in c["detail"] for c in cards)


def test_data_that_maps_to_an_invalid_case_gives_422_naming_it_and_what_else_was_not_used(client):
    call = hook_call(SCREEN_FIRST)
    entries = call["prefetch"]["observations"]["entry"]
    codes = [{c["code"] for c in e["resource"]["code"]["coding"]} for e in entries]
    today = next(i for i, found in enumerate(codes) if "weekly-running-km" in found)
    entries[today]["resource"]["valueQuantity"]["value"] = -1
    other = next(i for i in range(len(entries)) if i != today)
    entries[other]["resource"]["code"] = None
    response = client.post(PATIENT_VIEW, json=call)
    assert response.status_code == 422, response.text
    issues = [(i["severity"], i.get("expression", [None])[0], i["diagnostics"]) for i in response.json()["issue"]]
    assert issues[0][:2] == ("error", "patient.weekly_km") and "got -1" in issues[0][2]
    where = f"prefetch.observations.entry[{other}].resource"
    assert ("error", where) in [issue[:2] for issue in issues[1:]]  # the mapping's own issue is not lost


def test_a_nul_character_in_the_call_or_the_feedback_is_a_400_naming_the_field(client):
    """No CDS Hooks or FHIR string holds one, and a PostgreSQL audit store cannot (they were 500s there)."""
    call = hook_call(RED_FLAG)
    call["hookInstance"] = "a\x00b"
    refused = client.post(PATIENT_VIEW, json=call)
    assert refused.status_code == 400 and "hookInstance" in refused.text and "NUL" in refused.text
    card = cards_of(client.post(PATIENT_VIEW, json=hook_call(RED_FLAG)))[0]["uuid"]
    comment = {"outcome": "overridden", "overrideReason": {"userComment": "a\x00b"}}
    feedback = {"feedback": [{"card": card, "outcomeTimestamp": "2026-01-01T00:00:00Z", **comment}]}
    refused = client.post(PATIENT_VIEW + "/feedback", json=feedback)
    assert refused.status_code == 400 and "userComment" in refused.text and "NUL" in refused.text


@pytest.mark.parametrize("patient_id", ["RUN-0719\u0000", "RUN 0719", "RUN-0719/x"])
def test_a_patient_id_that_is_no_fhir_id_is_a_400_even_where_the_prefetch_agrees(client, patient_id):
    """With the same id in context and prefetch, a NUL in it was a 200 without the red-flag card: every resource
    naming that patient was left out as invalid FHIR, so the referral had nothing to rest on."""
    call = json.loads(json.dumps(hook_call(RED_FLAG)).replace('"RUN-0719"', json.dumps(patient_id)))
    call = json.loads(json.dumps(call).replace("Patient/RUN-0719", "Patient/" + json.dumps(patient_id)[1:-1]))
    response = client.post(PATIENT_VIEW, json=call)
    assert response.status_code == 400, response.text
    assert response.json()["issue"][0]["expression"] == ["context.patientId"]


def test_ehr_text_echoed_in_a_card_can_neither_run_nor_link(client):
    """A code from the EHR is quoted in the card listing unusable data; card details are Markdown, which passes
    raw HTML through: `<img src=x onerror=...>` reached the detail as HTML, `[x](javascript:...)` as a link."""
    call = hook_call(RED_FLAG)
    coding = call["prefetch"]["observations"]["entry"][0]["resource"]["code"]["coding"][0]
    coding.update(system="[x](javascript:alert(1))", code="<img src=x onerror=alert(1)>")
    cards = cards_of(client.post(PATIENT_VIEW, json=call))
    (detail,) = [c["detail"] for c in cards if "could not be used" in c["summary"]]
    assert "<img" not in detail and "&lt;img src=x onerror=alert(1)&gt;" in detail
    assert "[x](" not in detail and "\\[x\\](javascript:alert(1))" in detail


def test_unknown_service_and_non_json_bodies(client):
    assert client.post("/cds-services/nope", json=hook_call(RED_FLAG)).status_code == 404
    response = client.post(PATIENT_VIEW, content=b"{not json", headers={"content-type": "application/json"})
    assert response.status_code == 400 and response.json()["resourceType"] == "OperationOutcome"


def test_a_missing_required_screen_gives_one_warning_card_listing_what_it_holds_and_no_plan(client):
    cards = cards_of(client.post(PATIENT_VIEW, json=hook_call(SCREEN_FIRST)))
    local = default_engine().assess(EXAMPLES / "screen-first-calf-pain-after-flight.yaml")
    held = [w for w in local.withheld if w.reason == "pending"]
    assert len(held) > 1 and {q for w in held for q in w.questions} == {"screen_dvt_wells"}
    warnings = [c for c in cards if c["indicator"] == "warning"]
    assert len(warnings) == 1, [c["summary"] for c in warnings]  # one card for the screen, not one per held item
    card = warnings[0]
    assert "Wells" in card["summary"] and f"right; holds {len(held)} item(s)" in card["summary"]
    assert "Held until this screen is recorded" in card["detail"] and "screen_first" in card["detail"]
    assert all(f"- {w.label} - {w.side}" in card["detail"] for w in held)
    assert [r["code"] for r in card["overrideReasons"]] == ["screen-done", "not-indicated"]
    assert not any(c["summary"].startswith("Plan") for c in cards)


def test_items_a_limb_red_flag_holds_are_one_warning_card_beside_the_referral(client):
    cards = cards_of(client.post(PATIENT_VIEW, json=hook_call(RED_FLAG)))
    local = default_engine().assess(EXAMPLES / "red-flag-achilles-rupture.yaml")
    held = [w for w in local.withheld if w.reason == "red_flag"]
    assert len(held) > 1
    cards = [c for c in cards if c["summary"].startswith("Held")]
    assert len(cards) == 1, [c["summary"] for c in cards]
    card = cards[0]
    assert card["indicator"] == "warning"
    assert card["summary"] == f"Held until the referral clears the limb: {len(held)} item(s) (right)"
    assert all(f"- {w.label} - right (palpable_achilles_gap, positive_thompson_test" in card["detail"] for w in held)
    assert "positive Thompson (calf squeeze) test" in card["detail"]
    assert [r["code"] for r in card["overrideReasons"]] == ["cleared", "clinical-judgement"]
    assert "suggestions" not in card and "selectionBehavior" not in card


def test_items_held_until_medical_clearance_are_one_warning_card(client):
    call = hook_request(load_example("red-flag-possible-dvt.fhir.json"), "patient-view", str(uuid.uuid4()))
    cards = cards_of(client.post(PATIENT_VIEW, json=call))
    local = default_engine().assess(EXAMPLES / "red-flag-possible-dvt.yaml")
    held = [w for w in local.withheld if w.reason == "medical_clearance"]
    assert len(held) > 1 and len(held) == len(local.withheld)
    warnings = [c for c in cards if c["indicator"] == "warning"]
    assert [c["summary"] for c in warnings] == [f"Held until medically cleared: {len(held)} item(s) (right)"]
    assert all(f"- {w.label} - right (calf_swelling_warmth)" in warnings[0]["detail"] for w in held)
    assert warnings[0]["overrideReasons"] and warnings[0]["uuid"] != cards[0]["uuid"]


def test_no_case_content_reaches_the_log_at_info_level(server, client):
    cards_of(client.post(PATIENT_VIEW, json=hook_call(RED_FLAG)))
    client.post("/assess", json={"case_id": "SECRET-CASE-77", "patient": {"age": 41}})
    log = server.log.read_text()
    assert "served: record" in log  # the service does log each answer, by record id
    for content in ("RUN-0719", "SECRET-CASE-77", "palpable", "Achilles", "prefetch"):
        assert content not in log
