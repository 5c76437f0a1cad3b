"""An assessment as FHIR R4: a CarePlan (one activity per intervention), a ServiceRequest per referral, a
DetectedIssue per red flag, and a Provenance naming the engine and the rule base (version and SHA-256).

Every resource is validated with its fhir.resources model before it leaves. Ids are stable for the same case, so
the same assessment gives the same resources (only Provenance.recorded is the time of writing).
"""

from __future__ import annotations

import datetime
from typing import Any

from engine.fhir._build import coding, concept, entry, fhir_id, limb_sites, stable_uuid, validated
from engine.fhir._codes import REFERRAL_CATEGORY, SNOMED, URGENCY_PRIORITY, code_system, extension_url
from engine.knowledge.vocabulary import Vocabulary
from engine.reasoning.assessment import Assessment, Recommendation, Referral

EXERCISE_CATEGORY = ("229065009", "Exercise therapy")


def patient_reference(assessment: Assessment, patient_id: str | None = None) -> dict[str, str]:
    return {"reference": f"Patient/{patient_id or fhir_id(assessment.case_id)}"}


def _grade_extension(grade: str) -> dict[str, Any]:
    return {"url": extension_url("evidence-grade"), "valueCode": grade}


def ordered_plan(assessment: Assessment) -> list[Recommendation]:
    """The plan as a clinician reads it: the core programme first (when the rule base marks one), then priority."""
    return sorted(assessment.recommendations, key=lambda r: (not getattr(r, "core", True), r.priority))


def plan_line(item: Recommendation) -> str:
    core = getattr(item, "core", None)
    part = "" if core is None else (" [core]" if core else " [optional]")
    return f"{item.priority}. {item.label} - {item.side}{part}: {item.dose} (grade {item.grade})"


def care_plan(
    assessment: Assessment, patient: dict[str, str], status: str = "active", intent: str = "plan"
) -> dict[str, Any]:
    """A CarePlan with one activity per recommended intervention, in plan order."""
    activities = []
    for item in ordered_plan(assessment):
        detail: dict[str, Any] = {
            "kind": "ServiceRequest",
            "code": concept("intervention", item.id, item.label),
            "status": "not-started",
            "description": plan_line(item),
            "extension": [
                _grade_extension(item.grade),
                {"url": extension_url("side"), "valueCode": item.side},
                {"url": extension_url("dose"), "valueString": item.dose},
                {"url": extension_url("priority"), "valueInteger": item.priority},
            ],
        }
        if getattr(item, "core", None) is not None:
            detail["extension"].append({"url": extension_url("core"), "valueBoolean": item.core})
        activities.append({"detail": detail})
    data: dict[str, Any] = {
        "resourceType": "CarePlan",
        "id": stable_uuid(assessment.case_id, "careplan"),
        "status": status,
        "intent": intent,
        "category": [{"coding": [coding(SNOMED, *EXERCISE_CATEGORY)]}],
        "title": f"Kinetic-chain plan for {assessment.case_id}",
        "description": getattr(assessment, "status_text", None) or f"status {assessment.status}",
        "subject": patient,
        "activity": activities,
    }
    if assessment.visit_date:
        data["period"] = {"start": assessment.visit_date}
    if assessment.withheld or assessment.blocked:
        notes = [f"withheld: {w.label} - {w.side}" for w in assessment.withheld]
        notes += [f"blocked: {b.label} - {b.side} ({', '.join(b.conditions)})" for b in assessment.blocked]
        data["note"] = [{"text": "; ".join(notes)}]
    return validated(data)


def service_request(
    assessment: Assessment,
    referral: Referral,
    patient: dict[str, str],
    status: str = "active",
    intent: str = "plan",
    vocabulary: Vocabulary | None = None,
) -> dict[str, Any]:
    """A ServiceRequest for one referral, with its urgency as priority and its red flags as reasons."""
    labels = flag_labels(vocabulary)
    data: dict[str, Any] = {
        "resourceType": "ServiceRequest",
        "id": stable_uuid(assessment.case_id, "referral", referral.id, referral.side),
        "status": status,
        "intent": intent,
        "priority": URGENCY_PRIORITY.get(referral.urgency, "routine"),
        "category": [{"coding": [coding(SNOMED, *REFERRAL_CATEGORY)]}],
        "code": concept("referral", referral.id, referral.label),
        "subject": patient,
        "reasonCode": [concept("red-flag", flag, labels.get(flag, flag)) for flag in referral.red_flags],
        "bodySite": limb_sites(referral.side),
        "note": [{"text": f"{referral.label}, {referral.urgency}; {referral.source} (grade {referral.grade})"}],
        "extension": [_grade_extension(referral.grade)],
    }
    if not data["reasonCode"]:
        del data["reasonCode"]
    if assessment.visit_date:
        data["authoredOn"] = assessment.visit_date
    return validated(data)


def flag_labels(vocabulary: Vocabulary | None) -> dict[str, str]:
    """Red-flag labels from the rule base's vocabulary (the word itself without one)."""
    return dict(vocabulary.data.get("red_flags", {})) if vocabulary else {}


def detected_issues(
    assessment: Assessment, patient: dict[str, str], vocabulary: Vocabulary | None = None
) -> list[dict[str, Any]]:
    """A DetectedIssue per red flag behind a referral (high severity), naming the referral as mitigation."""
    labels = flag_labels(vocabulary)
    out = []
    for referral in assessment.referrals:
        for flag in referral.red_flags:
            data: dict[str, Any] = {
                "resourceType": "DetectedIssue",
                "id": stable_uuid(assessment.case_id, "red-flag", flag, referral.side, referral.id),
                "status": "final",
                "code": concept("red-flag", flag, labels.get(flag, flag)),
                "severity": "high",
                "patient": patient,
                "detail": f"red flag {labels.get(flag, flag)} ({referral.side}): {referral.label}, {referral.urgency}",
                "mitigation": [{"action": concept("referral", referral.id, referral.label)}],
            }
            if assessment.visit_date:
                data["identifiedDateTime"] = assessment.visit_date
            out.append(validated(data))
    return out


def provenance(assessment: Assessment, targets: list[str], recorded: datetime.datetime | None = None) -> dict:
    """Who said it: the engine (a Device) with its version, and the rule base name, version and SHA-256."""
    rb = assessment.rulebase
    when = (recorded or datetime.datetime.now(datetime.UTC)).isoformat(timespec="seconds")
    return validated(
        {
            "resourceType": "Provenance",
            "id": stable_uuid(assessment.case_id, "provenance"),
            "target": [{"reference": ref} for ref in targets],
            "recorded": when,
            "agent": [
                {
                    "type": {
                        "coding": [
                            coding(
                                "http://terminology.hl7.org/CodeSystem/provenance-participant-type",
                                "assembler",
                                "Assembler",
                            )
                        ]
                    },
                    "who": {"display": f"kinetic-chain engine {assessment.engine_version}"},
                }
            ],
            "entity": [
                {
                    "role": "source",
                    "what": {
                        "identifier": {"system": code_system("rulebase-sha256"), "value": rb.sha256},
                        "display": f"rule base {rb.name} version {rb.version} (sha256 {rb.sha256})",
                    },
                }
            ],
        }
    )


def assessment_bundle(
    assessment: Assessment,
    vocabulary: Vocabulary | None = None,
    patient_id: str | None = None,
    recorded: datetime.datetime | None = None,
) -> dict[str, Any]:
    """The whole assessment as a FHIR collection Bundle (what `kinetic-chain assess --format fhir` writes)."""
    patient = patient_reference(assessment, patient_id)
    resources = [care_plan(assessment, patient)] if assessment.recommendations else []
    resources += [service_request(assessment, r, patient, vocabulary=vocabulary) for r in assessment.referrals]
    resources += detected_issues(assessment, patient, vocabulary)
    targets = [f"{r['resourceType']}/{r['id']}" for r in resources]
    resources.append(provenance(assessment, targets or [patient["reference"]], recorded))
    return validated(
        {
            "resourceType": "Bundle",
            "id": stable_uuid(assessment.case_id, "assessment-bundle"),
            "type": "collection",
            "entry": [entry(r) for r in resources],
        }
    )
