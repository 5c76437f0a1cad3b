"""The plain JSON API: POST /assess, POST /compare, GET /schema, GET /health, the HTML report of a hook call,
and the audit records."""

from __future__ import annotations

import hmac
import json
import logging
import uuid
from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from engine.audit.records import new_record
from engine.case.loader import MAX_CASE_BYTES, parse_case_text, validate_case
from engine.errors import CaseError
from engine.reasoning.assessment import Assessment
from engine.service._http import JSON, Problem, json_response, parse_json, read_body
from engine.service._state import ServiceState, endpoint, state
from engine.service._work import work
from engine.version import __version__

log = logging.getLogger("kinetic_chain.service")


def _request_id(request: Request) -> str:
    given = request.headers.get("x-request-id", "")
    return given if 0 < len(given) <= 128 and given.isprintable() else str(uuid.uuid4())


def _case_from(data: bytes, content_type: str, source: str) -> Any:
    name = f"{source}.yaml" if "yaml" in content_type else f"{source}.json"
    try:
        return parse_case_text(data, name), name
    except CaseError as error:
        raise Problem.from_case_error(error) from None


def assess_and_record(service: ServiceState, raw: Any, source_name: str, request_id: str, kind: str) -> str:
    """Validate, assess and write the audit record; returns the assessment JSON (CLI --format json bytes)."""
    try:
        case = validate_case(service.engine.case_model, raw, source_name)
    except CaseError as error:
        raise Problem.from_case_error(error) from None
    assessment, output, text = service.assess(case)
    record = new_record(case, assessment, kind, request_id, output_json=output, input_json=text)
    service.store.add_record(record)
    log.info("assessment served: record %s (request %s)", record["id"], request_id)
    return output


@endpoint()
async def assess(request: Request) -> Response:
    data = await read_body(request, MAX_CASE_BYTES)
    raw, name = _case_from(data, request.headers.get("content-type", ""), "request")
    request_id = _request_id(request)
    output = await work(assess_and_record, state(request), raw, name, request_id, "api")
    return Response(output + "\n", media_type=JSON, headers={"X-Request-Id": request_id})


def _compare(service: ServiceState, body: Any, request_id: str) -> str:
    from engine.reports.compare import render
    from engine.workflow.comparison import compare as compare_visits

    if not isinstance(body, dict) or set(body) != {"before", "after"}:
        raise Problem(400, 'expected {"before": CASE, "after": CASE}', issue_code="structure")
    cases = []
    for key in ("before", "after"):
        try:
            cases.append(validate_case(service.engine.case_model, body[key], key))
        except CaseError as error:
            raise Problem.from_case_error(error) from None
    for key, case in zip(("before", "after"), cases, strict=True):
        assessment, output, text = service.assess(case)
        record = new_record(case, assessment, "api-compare", f"{request_id}:{key}", output_json=output, input_json=text)
        service.store.add_record(record)
    return render(compare_visits(cases[0], cases[1], service.engine), "json")


@endpoint()
async def compare(request: Request) -> Response:
    body = parse_json(await read_body(request, 2 * MAX_CASE_BYTES))
    request_id = _request_id(request)
    output = await work(_compare, state(request), body, request_id)
    return Response(output, media_type=JSON, headers={"X-Request-Id": request_id})


@endpoint()
async def schema(request: Request) -> Response:
    return json_response(state(request).engine.case_schema)


@endpoint(auth=False)
async def health(request: Request) -> Response:
    from engine.version import __version__

    service = state(request)
    rb = service.engine.rulebase
    return json_response(
        {
            "status": "ok",
            "engine_version": __version__,
            "rulebase": {"name": rb.name, "version": rb.version, "sha256": rb.sha256},
            "store": service.store.dialect,
            "auth": "jwt" if service.authenticator else "none",
            "memo": {"hits": service.memo.hits, "misses": service.memo.misses, "size": service.memo.size},
        }
    )


def _report(service: ServiceState, hook_instance: str, token: str) -> str:
    from engine.reports.html import render_html

    record = service.store.latest_for_request(hook_instance)
    if record is None or not hmac.compare_digest(record["report_token"], token):
        raise Problem(404, "no report for this hook instance and token", issue_code="not-found")
    assessment = Assessment.model_validate_json(record["output_json"])
    current = service.engine.rulebase
    if (record["rulebase_sha256"], record["engine_version"]) == (current.sha256, __version__):
        # the same engine and rule base give the same assessment, now with the explanation material the
        # stored (compact) JSON leaves out: rule texts, full citations, the firings behind the graph
        again = service.engine.assess(json.loads(record["input_json"]))
        if again.to_json() == record["output_json"]:
            assessment = again
    try:
        return render_html(assessment)
    except Exception:  # the page must still show what was said: fall back to the plain-text report
        log.exception("HTML report failed for record %s; serving the text report", record["id"])
        from html import escape

        from engine.reports.text import render_text

        return (
            f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{escape(assessment.case_id)}</title>"
            f"</head><body><pre>{escape(render_text(assessment))}</pre></body></html>"
        )


@endpoint(auth=False)
async def report(request: Request) -> Response:
    token = request.query_params.get("token", "")
    html = await work(_report, state(request), request.path_params["hook_instance"], token)
    return HTMLResponse(
        html,
        headers={
            "Cache-Control": "no-store",
            "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; img-src data:",
        },
    )


def _public_record(record: dict[str, Any], with_io: bool) -> dict[str, Any]:
    hidden = {"report_token"} | (set() if with_io else {"input_json", "output_json"})
    return {k: v for k, v in record.items() if k not in hidden}


@endpoint()
async def audit_records(request: Request) -> Response:
    try:
        limit = min(max(int(request.query_params.get("limit", "50")), 1), 500)
    except ValueError:
        raise Problem(400, "limit must be a whole number") from None
    rows = await work(state(request).store.records, limit, 0, request.query_params.get("request_id"))
    return json_response({"records": [_public_record(r, False) for r in rows]})


def _record_detail(service: ServiceState, record_id: str) -> dict[str, Any]:
    record = service.store.record(record_id)
    if record is None:
        raise Problem(404, f"no audit record {record_id}", issue_code="not-found")
    cards = service.store.cards_for_record(record["id"])
    feedback = service.store.feedback_for([c["uuid"] for c in cards]) if cards else []
    out = _public_record(record, True)
    out["input"] = json.loads(out.pop("input_json"))
    out["output"] = json.loads(out.pop("output_json"))
    return {"record": out, "cards": cards, "feedback": feedback}


@endpoint()
async def audit_record(request: Request) -> Response:
    detail = await work(_record_detail, state(request), request.path_params["record_id"])
    return json_response(detail)


@endpoint(fhir=True)
async def code_systems(request: Request) -> Response:
    from engine.fhir.code_systems import SYSTEMS, code_system_resource

    rulebase = state(request).engine.rulebase
    name = request.path_params.get("name")
    if name is None:
        entries = [{"resource": code_system_resource(n, rulebase.vocabulary, rulebase.version)} for n in SYSTEMS]
        return json_response({"resourceType": "Bundle", "type": "collection", "entry": entries})
    if name not in SYSTEMS:
        raise Problem(404, f"no CodeSystem {name}; known: {', '.join(SYSTEMS)}", issue_code="not-found")
    return json_response(code_system_resource(name, rulebase.vocabulary, rulebase.version))


def api_routes() -> list[Route]:
    return [
        Route("/health", health, methods=["GET"]),
        Route("/schema", schema, methods=["GET"]),
        Route("/assess", assess, methods=["POST"]),
        Route("/compare", compare, methods=["POST"]),
        Route("/reports/{hook_instance}", report, methods=["GET"]),
        Route("/fhir/CodeSystem", code_systems, methods=["GET"]),
        Route("/fhir/CodeSystem/{name}", code_systems, methods=["GET"]),
        Route("/audit/records", audit_records, methods=["GET"]),
        Route("/audit/records/{record_id}", audit_record, methods=["GET"]),
    ]
