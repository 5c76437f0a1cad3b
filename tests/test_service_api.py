"""The plain JSON API against a real server: the same bytes and the same field-path messages as the CLI, 413 on
oversize bodies, and a property-based fuzz run over every endpoint that never gets a 500."""

from __future__ import annotations

import json

import pytest
from _cases_v2 import v2_cases
from _service import hook_call, module_server
from _support import EXAMPLES, JSON_VALUES, json_points, mutated
from click.testing import CliRunner
from fhir.resources.R4B import get_fhir_model_class
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.case.loader import MAX_CASE_BYTES
from engine.commands import main

server, client = module_server("api")


def cli_json(*paths) -> str:
    result = CliRunner().invoke(main, ["assess", *map(str, paths), "--format", "json"])
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.mark.parametrize(
    "name", ["runner-left-restriction.yaml", "red-flag-possible-dvt.yaml", "runner-right-achilles.json"]
)
def test_assess_returns_the_same_bytes_as_the_cli(client, name):
    path = EXAMPLES / name
    case = json.loads(path.read_text()) if name.endswith(".json") else None
    if case is None:
        response = client.post("/assess", content=path.read_bytes(), headers={"content-type": "application/yaml"})
    else:
        response = client.post("/assess", json=case)
    assert response.status_code == 200
    assert response.content.decode() == cli_json(path)
    assert response.headers["x-request-id"]


def test_invalid_case_gets_422_with_the_cli_field_path_messages(client, tmp_path):
    case = {"case_id": "RUN-1", "measurements": {"lunge_distance_cm": {"left": "6.5cm"}}, "signz": {}}
    path = tmp_path / "request.json"
    path.write_text(json.dumps(case))
    cli = CliRunner().invoke(main, ["assess", str(path)])
    response = client.post("/assess", json=case)
    assert response.status_code == 422
    body = response.json()
    assert {(p["field"], p["message"]) for p in body["problems"]} == {
        ("measurements.lunge_distance_cm.left", "expected a number between 0 and 25, got '6.5cm'"),
        ("signz", "unknown field 'signz' is not allowed, did you mean 'signs'?"),
    }
    assert [line.split(": ", 1)[1] for line in body["lines"]] == [
        line.split(": ", 1)[1] for line in cli.stderr.splitlines()
    ]


def test_oversize_bodies_get_413_before_parsing(client):
    big = b'{"case_id": "x", "pad": "' + b"a" * (MAX_CASE_BYTES + 10) + b'"}'
    assert client.post("/assess", content=big).status_code == 413
    call = json.dumps(hook_call("hook-patient-view-red-flag-achilles-rupture.fhir.json")).encode()
    padded = call[:-1] + b', "pad": "' + b"a" * (4 * MAX_CASE_BYTES) + b'"}'
    response = client.post("/cds-services/kinetic-chain-patient-view", content=padded)
    assert response.status_code == 413 and response.json()["resourceType"] == "OperationOutcome"


def test_oversize_bodies_without_content_length_are_cut_off(client):
    def chunks():
        for _ in range(MAX_CASE_BYTES // 65536 + 2):
            yield b"a" * 65536

    assert client.post("/assess", content=chunks()).status_code == 413


def test_compare_schema_and_health(client):
    visits = [EXAMPLES / "followup-RUN-0142-visit1.yaml", EXAMPLES / "followup-RUN-0142-visit2.yaml"]
    import yaml

    body = {"before": yaml.safe_load(visits[0].read_text()), "after": yaml.safe_load(visits[1].read_text())}
    body = json.loads(json.dumps(body, default=str))
    response = client.post("/compare", json=body)
    assert response.status_code == 200
    cli = CliRunner().invoke(main, ["compare", *map(str, visits), "--format", "json"])
    assert response.text == cli.stdout
    assert client.post("/compare", json={"before": body["before"]}).status_code == 400
    schema = client.get("/schema").json()
    assert schema["properties"]["case_id"] and "Kinetic-chain case file" in schema["title"]
    health = client.get("/health").json()
    assert health["status"] == "ok" and health["engine_version"] and len(health["rulebase"]["sha256"]) == 64


def test_unknown_paths_and_methods_answer_json(client):
    response = client.get("/nowhere")
    assert response.status_code == 404 and response.json()["error"]
    assert client.get("/assess").status_code == 405


ENDPOINTS = [
    "/assess",
    "/compare",
    "/cds-services/kinetic-chain-patient-view",
    "/cds-services/kinetic-chain-encounter-start",
    "/cds-services/kinetic-chain-patient-view/feedback",
]


FUZZED_HOOK = "hook-patient-view-red-flag-achilles-rupture.fhir.json"


def _mutated_hook_call(data):
    """The example hook call with one place (any key or list item, down to a coding inside a prefetch entry)
    replaced by a random JSON value."""
    path, value = data
    return mutated(hook_call(FUZZED_HOOK), path, value)


#: A Bundle whose entry was a number once gave a 500 (a TypeError in the prefetch reader); mutating every place
#: of the call, not a chosen few, is what finds such a case.
HOOK_PATHS = st.sampled_from([*json_points(hook_call(FUZZED_HOOK)), ("fhirAuthorization",), ("prefetch", "encounter")])


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(endpoint=st.sampled_from(ENDPOINTS), body=JSON_VALUES | v2_cases() | st.tuples(HOOK_PATHS, JSON_VALUES))
def test_fuzzed_requests_never_get_a_500(client, endpoint, body):
    payload = _mutated_hook_call(body) if isinstance(body, tuple) else body
    if endpoint == "/compare" and isinstance(body, dict) and "case_id" in body:
        payload = {"before": body, "after": body}
    response = client.post(endpoint, content=json.dumps(payload).encode())
    assert response.status_code < 500, response.text
    assert response.headers["content-type"].startswith("application/json")
    json.loads(response.text)


def test_the_project_code_systems_are_served_as_valid_fhir(client):
    bundle = client.get("/fhir/CodeSystem").json()
    names = set()
    for entry in bundle["entry"]:
        system = get_fhir_model_class("CodeSystem").model_validate(entry["resource"])
        names.add(system.url.rsplit("/", 1)[-1])
        assert system.concept and all(c.display for c in system.concept)
    assert {"measurement", "red-flag", "condition", "symptom-site", "screening", "intervention"} <= names
    measurement = client.get("/fhir/CodeSystem/measurement").json()
    assert {c["code"] for c in measurement["concept"]} >= {"lunge_distance_cm", "dorsiflexion_knee_bent_deg"}
    assert client.get("/fhir/CodeSystem/nope").status_code == 404
