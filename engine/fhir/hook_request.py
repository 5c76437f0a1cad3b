"""A CDS Hooks request built from a FHIR Bundle, the way an EHR fills the service's prefetch templates: the
Patient, a searchset Bundle of Observations, one of Conditions, and the Encounter for encounter-start."""

from __future__ import annotations

from typing import Any

from engine.fhir._build import entry

SEARCH_KEYS = {"Observation": "observations", "Condition": "conditions"}


def _searchset(resources: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "resourceType": "Bundle",
        "type": "searchset",
        "total": len(resources),
        "entry": [entry(r) for r in resources],
    }


def prefetch_from_bundle(bundle: dict[str, Any], hook: str = "patient-view") -> dict[str, Any]:
    """The prefetch object for a Bundle's resources (encounter only for encounter-start)."""
    resources = [e["resource"] for e in bundle.get("entry", [])]
    patient = next(r for r in resources if r["resourceType"] == "Patient")
    prefetch: dict[str, Any] = {"patient": patient}
    for kind, key in SEARCH_KEYS.items():
        found = [r for r in resources if r["resourceType"] == kind]
        prefetch[key] = _searchset(found) if found else None
    if hook == "encounter-start":
        prefetch["encounter"] = next((r for r in resources if r["resourceType"] == "Encounter"), None)
    return prefetch


def hook_request(bundle: dict[str, Any], hook: str, hook_instance: str, user: str = "Practitioner/example") -> dict:
    """A complete CDS Hooks request for `hook` (patient-view or encounter-start) over a Bundle."""
    prefetch = prefetch_from_bundle(bundle, hook)
    context: dict[str, Any] = {"userId": user, "patientId": prefetch["patient"]["id"]}
    if hook == "encounter-start":
        context["encounterId"] = prefetch["encounter"]["id"] if prefetch.get("encounter") else "unknown"
    return {"hook": hook, "hookInstance": hook_instance, "context": context, "prefetch": prefetch}
