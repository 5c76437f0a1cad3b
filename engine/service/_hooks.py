"""CDS Hooks 2.0: discovery (GET /cds-services), the service call (POST /cds-services/{id}) and feedback
(POST /cds-services/{id}/feedback). Data comes only from prefetch: this service never calls the client's FHIR
server, so a request without a required prefetch key gets 412 Precondition Failed, as the spec says."""

from __future__ import annotations

import datetime
import json
import logging
from typing import Any
from urllib.parse import quote

from pydantic import BaseModel, ValidationError
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from engine.audit.records import new_record
from engine.audit.store import now_iso
from engine.case.loader import MAX_CASE_BYTES, validate_case
from engine.errors import CaseError
from engine.fhir._build import FHIR_ID
from engine.fhir.outcome import Issue
from engine.service._cards import CardContext, build_cards
from engine.service._http import Problem, json_response, model_problem, parse_json, read_body
from engine.service._state import ServiceState, endpoint, state
from engine.service._work import work
from engine.service.cds_models import CardsResponse, FeedbackRequest, HookRequest

log = logging.getLogger("kinetic_chain.service")

#: A hook call carries a whole prefetch (FHIR JSON is verbose): four case files' worth.
HOOK_BODY_LIMIT = 4 * MAX_CASE_BYTES
PREFETCH = {
    "patient": "Patient/{{context.patientId}}",
    "observations": "Observation?patient={{context.patientId}}&category=exam,survey,activity&_sort=-date&_count=200",
    "conditions": "Condition?patient={{context.patientId}}&clinical-status=active",
}
REQUIRED_PREFETCH = ("patient", "observations", "conditions")
DESCRIPTION = (
    "Reasons from a runner's ankle dorsiflexion, signs, symptoms, red flags and screens along the kinetic chain: "
    "referrals for red flags, screens to do before planning, and a graded, dosed home programme."
)
USAGE = (
    "Needs the prefetch keys patient, observations and conditions (412 without them): the service never queries "
    "the FHIR server. Codes: docs/fhir-mapping.md and GET /fhir/CodeSystem."
)
SERVICES: dict[str, dict[str, Any]] = {
    "kinetic-chain-patient-view": {
        "hook": "patient-view",
        "title": "Kinetic-chain runner assessment",
        "description": DESCRIPTION,
        "id": "kinetic-chain-patient-view",
        "prefetch": PREFETCH,
        "usageRequirements": USAGE,
        "context": ("userId", "patientId"),
    },
    "kinetic-chain-encounter-start": {
        "hook": "encounter-start",
        "title": "Kinetic-chain runner assessment at the start of a visit",
        "description": DESCRIPTION,
        "id": "kinetic-chain-encounter-start",
        "prefetch": {**PREFETCH, "encounter": "Encounter/{{context.encounterId}}"},
        "usageRequirements": USAGE,
        "context": ("userId", "patientId", "encounterId"),
    },
}


@endpoint(fhir=True)
async def discovery(request: Request) -> Response:
    services = [{k: v for k, v in s.items() if k != "context"} for s in SERVICES.values()]
    return json_response({"services": services})


def _service(request: Request) -> dict[str, Any]:
    service = SERVICES.get(request.path_params["service_id"])
    if service is None:
        raise Problem(404, f"no CDS service '{request.path_params['service_id']}'", issue_code="not-found")
    return service


def _check_call(service: dict[str, Any], call: HookRequest) -> str:
    if call.hook != service["hook"]:
        raise Problem(400, f"service {service['id']} answers the {service['hook']} hook, not {call.hook}")
    missing_context = [k for k in service["context"] if not isinstance(call.context.get(k), str) or not call.context[k]]
    if missing_context:
        raise Problem(
            400,
            "context lacks " + ", ".join(missing_context),
            [(f"context.{k}", "required by the hook") for k in missing_context],
            issue_code="required",
        )
    named = [k for k in ("patientId", "encounterId") if k in service["context"]]  # resources named by a FHIR id
    not_ids = [k for k in named if not FHIR_ID.match(call.context[k])]
    if not_ids:
        raise Problem(
            400,
            "context " + ", ".join(not_ids) + " must be FHIR ids",
            [(f"context.{k}", "expected a FHIR id: 1-64 letters, digits, '-' or '.'") for k in not_ids],
            issue_code="value",
        )
    prefetch = call.prefetch or {}
    missing = [key for key in REQUIRED_PREFETCH if key not in prefetch]
    if missing or prefetch.get("patient") is None:
        keys = missing or ["patient"]
        raise Problem(
            412,
            "prefetch lacks " + ", ".join(keys) + "; this service does not query the FHIR server",
            [(f"prefetch.{k}", f"required prefetch ({PREFETCH[k]})") for k in keys],
            issue_code="required",
        )
    return call.context["patientId"]


def _run_hook(service_state: ServiceState, service: dict[str, Any], call: HookRequest) -> dict[str, Any]:
    patient_id = _check_call(service, call)
    engine = service_state.engine
    mapped = service_state.memo.map_prefetch(call.prefetch, patient_id)
    conflicts = [i for i in mapped.issues if i.code == "conflict"]
    if conflicts:
        raise Problem(
            400,
            "prefetch holds data of another patient",
            [(i.expression, i.diagnostics) for i in conflicts],
            issue_code="conflict",
        )
    case_data = dict(mapped.case)
    issues = list(mapped.issues)
    if "visit_date" not in case_data:
        case_data = {
            "case_id": case_data["case_id"],
            "visit_date": datetime.date.today().isoformat(),
            **{k: v for k, v in case_data.items() if k != "case_id"},
        }
        issues.append(Issue("information", "informational", "no visit date in the data: today is used"))
    try:
        case = validate_case(engine.case_model, case_data, f"prefetch ({service['hook']})")
    except CaseError as error:
        raise Problem(422, "the prefetched data maps to an invalid case", error.problems, noted=issues) from None
    assessment, output, text = service_state.assess(case)
    record = new_record(case, assessment, "cds-hooks", call.hookInstance, service["id"], output, text)
    report_url = service_state.url(f"/reports/{quote(call.hookInstance, safe='')}?token={record['report_token']}")
    ctx = CardContext(assessment, engine.rulebase.vocabulary, f"Patient/{patient_id}", report_url, tuple(issues))
    cards = build_cards(ctx)
    response = CardsResponse.model_validate({"cards": cards}).model_dump(exclude_none=True)
    created = now_iso()
    rows = [
        {
            "uuid": card["uuid"],
            "record_id": record["id"],
            "service_id": service["id"],
            "hook_instance": call.hookInstance,
            "indicator": card["indicator"],
            "summary": card["summary"],
            "suggestion_uuids": json.dumps([s["uuid"] for s in card.get("suggestions", [])]),
            "created_at": created,
        }
        for card in cards
    ]
    service_state.store.add_record(record, rows)
    log.info("hook %s served: record %s, %d cards", service["id"], record["id"], len(cards))
    return response


async def _parsed(request: Request, model: type[BaseModel], limit: int) -> Any:
    """The JSON body as a CDS Hooks request shape; its field-path problems as a 400 otherwise."""
    body = parse_json(await read_body(request, limit))
    try:
        return model.model_validate(body)
    except ValidationError as error:
        raise model_problem(error) from None


@endpoint(fhir=True)
async def call_service(request: Request) -> Response:
    service = _service(request)
    call = await _parsed(request, HookRequest, HOOK_BODY_LIMIT)
    return json_response(await work(_run_hook, state(request), service, call))


def _store_feedback(service_state: ServiceState, service_id: str, body: FeedbackRequest) -> int:
    rows = []
    received = now_iso()
    for index, item in enumerate(body.feedback):
        card = service_state.store.card(item.card)
        if card is None or card["service_id"] != service_id:
            raise Problem(
                404, f"feedback[{index}].card: no card {item.card} from service {service_id}", issue_code="not-found"
            )
        accepted = [s.id for s in item.acceptedSuggestions or []]
        unknown = [s for s in accepted if s not in card["suggestion_uuids"]]
        if unknown:
            raise Problem(
                400,
                f"feedback[{index}].acceptedSuggestions: not suggestions of card {item.card}: " + ", ".join(unknown),
                issue_code="value",
            )
        reason = item.overrideReason.reason if item.overrideReason else None
        rows.append(
            {
                "card_uuid": item.card,
                "service_id": service_id,
                "outcome": item.outcome,
                "accepted_suggestions": json.dumps(accepted),
                "override_system": reason.system if reason else None,
                "override_code": reason.code if reason else None,
                "override_display": reason.display if reason else None,
                "user_comment": item.overrideReason.userComment if item.overrideReason else None,
                "outcome_timestamp": item.outcomeTimestamp,
                "received_at": received,
            }
        )
    service_state.store.add_feedback(rows)
    return len(rows)


@endpoint(fhir=True)
async def feedback(request: Request) -> Response:
    service = _service(request)
    parsed = await _parsed(request, FeedbackRequest, MAX_CASE_BYTES)
    stored = await work(_store_feedback, state(request), service["id"], parsed)
    return json_response({"stored": stored})


def hook_routes() -> list[Route]:
    return [
        Route("/cds-services", discovery, methods=["GET"]),
        Route("/cds-services/{service_id}", call_service, methods=["POST"]),
        Route("/cds-services/{service_id}/feedback", feedback, methods=["POST"]),
    ]
