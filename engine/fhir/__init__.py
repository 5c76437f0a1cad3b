"""FHIR R4 in and out (fhir.resources R4B models): cases from Patient/Observation/Condition data, and
assessments as CarePlan, ServiceRequest, DetectedIssue and Provenance. The mapping table is docs/fhir-mapping.md."""

from engine.fhir.assessment_to_fhir import assessment_bundle, care_plan, service_request
from engine.fhir.case_to_fhir import case_to_bundle
from engine.fhir.fhir_to_case import MappedCase, fhir_to_case
from engine.fhir.outcome import Issue, operation_outcome

__all__ = [
    "Issue",
    "MappedCase",
    "assessment_bundle",
    "care_plan",
    "case_to_bundle",
    "fhir_to_case",
    "operation_outcome",
    "service_request",
]
