"""What one audit record holds, and how `verify` re-runs it.

The input is the validated case in canonical JSON (keys sorted, no whitespace, fields left out when empty); its
SHA-256 identifies what the engine was given. The output hash is over `Assessment.to_json()` (UTF-8), the bytes
`kinetic-chain assess --format json` and POST /assess print, less the final newline.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import uuid
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from engine.audit.store import now_iso
from engine.reasoning.assessment import Assessment


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def canonical_input(case: BaseModel) -> str:
    return json.dumps(
        case.model_dump(mode="json", exclude_none=True), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )


def new_record(
    case: BaseModel,
    assessment: Assessment,
    source: str,
    request_id: str | None = None,
    service_id: str | None = None,
    output_json: str | None = None,
    input_json: str | None = None,
) -> dict[str, Any]:
    """The row for one assessment served; `output_json` (assessment.to_json()) and `input_json` (the canonical
    input) when the caller has them already."""
    text = input_json if input_json is not None else canonical_input(case)
    output = output_json if output_json is not None else assessment.to_json()
    record_id = str(uuid.uuid4())
    return {
        "id": record_id,
        "created_at": now_iso(),
        "source": source,
        "request_id": request_id or record_id,
        "service_id": service_id,
        "case_id": assessment.case_id,
        "input_sha256": sha256(text),
        "input_json": text,
        "engine_version": assessment.engine_version,
        "rulebase_name": assessment.rulebase.name,
        "rulebase_version": assessment.rulebase.version,
        "rulebase_sha256": assessment.rulebase.sha256,
        "status": assessment.status,
        "referral_ids": json.dumps([f"{r.id}:{r.side}" for r in assessment.referrals]),
        "recommendation_ids": json.dumps([f"{r.id}:{r.side}" for r in assessment.recommendations]),
        "output_sha256": sha256(output),
        "output_json": output,
        "report_token": secrets.token_urlsafe(24),
    }


@dataclass(frozen=True)
class Verification:
    record_id: str
    same_output: bool
    stored_output_sha256: str
    current_output_sha256: str
    stored_rulebase: str
    current_rulebase: str
    input_intact: bool
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.same_output and self.input_intact and self.error is None

    def line(self) -> str:
        if self.error:
            return f"{self.record_id}: ERROR {self.error}"
        if not self.input_intact:
            return f"{self.record_id}: INPUT ALTERED (stored input no longer matches its SHA-256)"
        if self.same_output:
            return f"{self.record_id}: ok (output sha256 {self.current_output_sha256[:12]}, {self.current_rulebase})"
        change = (
            ""
            if self.stored_rulebase == self.current_rulebase
            else (f"; rule base {self.stored_rulebase} -> {self.current_rulebase}")
        )
        return (
            f"{self.record_id}: CHANGED output sha256 {self.stored_output_sha256[:12]} -> "
            f"{self.current_output_sha256[:12]}{change}"
        )


def verify(record: dict[str, Any], engine: Any) -> Verification:
    """Re-run a record's stored input with `engine`: does it still give the same output hash?"""
    stored_rb = f"{record['rulebase_version']} ({record['rulebase_sha256'][:12]})"
    current = engine.rulebase
    current_rb = f"{current.version} ({current.sha256[:12]})"
    intact = sha256(record["input_json"]) == record["input_sha256"]
    try:
        output = engine.assess(json.loads(record["input_json"])).to_json()
    except Exception as error:  # an input the current engine refuses is a finding, not a crash
        return Verification(
            record["id"],
            False,
            record["output_sha256"],
            "",
            stored_rb,
            current_rb,
            intact,
            f"{type(error).__name__}: {error}",
        )
    now = sha256(output)
    return Verification(
        record["id"], now == record["output_sha256"], record["output_sha256"], now, stored_rb, current_rb, intact
    )
