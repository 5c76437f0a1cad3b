"""FHIR R4 in, case file out: Patient, Encounter, Observations and Conditions mapped to the case contract.

Everything the mapping does not understand becomes an Issue (shown in an OperationOutcome, in the card detail or
on stderr), never a silent drop. The table of codes is in docs/fhir-mapping.md.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass, field
from typing import Any

from engine.case.model import PATIENT_NEEDS
from engine.fhir._codes import (
    CASE_ID_SYSTEM,
    extension_url,
)
from engine.fhir._collect import Found, collect
from engine.fhir._conditions import ConditionReader
from engine.fhir._observations import ObservationReader
from engine.fhir.outcome import Issue
from engine.knowledge.vocabulary import Vocabulary

GENDERS = ("female", "male", "other", "unknown")


@dataclass
class MappedCase:
    """The case the FHIR data maps to, and what could not be mapped."""

    case: dict[str, Any]
    issues: list[Issue] = field(default_factory=list)


class _Mapper:
    def __init__(self, vocabulary: Vocabulary, visit_date: str | None, patient_id: str | None) -> None:
        self.vocabulary = vocabulary
        self.visit_date = visit_date
        self.patient_id = patient_id
        self.issues: list[Issue] = []
        self.case: dict[str, Any] = {}

    def run(self, document: Any) -> MappedCase:
        found, self.issues = collect(document)
        by_type: dict[str, list[Found]] = {}
        for item in found:
            by_type.setdefault(item.model.get_resource_type(), []).append(item)
        patients = self._of_patient(by_type.pop("Patient", []), "id")
        encounters = self._of_patient(by_type.pop("Encounter", []), "subject")
        observations = self._of_patient(by_type.pop("Observation", []), "subject")
        conditions = self._of_patient(by_type.pop("Condition", []), "subject")
        for kind, items in by_type.items():
            for item in items:
                self.issues.append(Issue("warning", "not-supported", f"{kind} is not used by this engine", item.where))
        patient = self._only(patients, "Patient")
        encounter = self._only(encounters, "Encounter")
        self.case["case_id"] = self._case_id(patient, encounter)
        visit = self._visit_date(encounter, observations + conditions)
        if visit:
            self.case["visit_date"] = visit
        reader = ObservationReader(self.vocabulary, self.issues)
        for item in observations:
            reader.read(item)
        info = self._patient(patient, visit, reader)
        if info:
            self.case["patient"] = info
        self.case.update(reader.case_sections())
        ConditionReader(self.vocabulary, self.issues, self.case).read(conditions)
        if patient is not None:
            self._extensions(patient)
        order = (
            "format",
            "case_id",
            "visit_date",
            "patient",
            "measurements",
            "signs",
            "symptoms",
            "red_flags",
            "screening",
            "conditions",
            "outcomes",
            "extensions",
        )
        return MappedCase({k: self.case[k] for k in order if k in self.case}, self.issues)

    def _of_patient(self, items: list[Found], attribute: str) -> list[Found]:
        """With a patient id given (a CDS Hooks context), data of any other patient is refused, never mixed in."""
        if self.patient_id is None:
            return items
        kept = []
        for item in items:
            value = getattr(item.model, attribute)
            ref = value if attribute == "id" else (value.reference if value is not None else None)
            if ref is not None and ref.rsplit("/", 1)[-1] != self.patient_id:
                self.issues.append(
                    Issue("error", "conflict", f"belongs to {ref}, not Patient/{self.patient_id}", item.where)
                )
            else:
                kept.append(item)
        return kept

    def _only(self, items: list[Found], kind: str) -> Found | None:
        for extra in items[1:]:
            self.issues.append(
                Issue("warning", "business-rule", f"more than one {kind}: only the first is used", extra.where)
            )
        return items[0] if items else None

    def _case_id(self, patient: Found | None, encounter: Found | None) -> str:
        for item in (encounter, patient):
            for identifier in (item.model.identifier or []) if item else []:
                if identifier.system == CASE_ID_SYSTEM and identifier.value:
                    return identifier.value
        for item in (encounter, patient):
            if item and item.model.id:
                return item.model.id
        self.issues.append(Issue("warning", "required", "no Patient or Encounter id; the case is called 'fhir-case'"))
        return "fhir-case"

    def _visit_date(self, encounter: Found | None, items: list[Found]) -> str | None:
        if self.visit_date:
            return self.visit_date
        if encounter and encounter.model.period and encounter.model.period.start:
            return (
                encounter.model.period.start.date().isoformat()
                if isinstance(encounter.model.period.start, datetime.datetime)
                else str(encounter.model.period.start)[:10]
            )
        dates = sorted(
            {
                str(d)[:10]
                for d in (
                    getattr(i.model, "effectiveDateTime", None) or getattr(i.model, "recordedDate", None) for i in items
                )
                if d
            }
        )
        if len(dates) > 1:
            self.issues.append(
                Issue(
                    "warning",
                    "business-rule",
                    f"data from {len(dates)} dates ({dates[0]} to {dates[-1]}); visit date is the last",
                )
            )
        return dates[-1] if dates else None

    def _patient(self, patient: Found | None, visit: str | None, reader: ObservationReader) -> dict[str, Any]:
        info: dict[str, Any] = {}
        if reader.age is not None:
            info["age"] = reader.age
        elif patient is not None and patient.model.birthDate:
            born = patient.model.birthDate
            if isinstance(born, str):  # a partial date (year or year-month) is too vague for an age
                self.issues.append(
                    Issue(
                        "warning",
                        "incomplete",
                        f"birthDate {born} is not a full date; no age",
                        f"{patient.where}.birthDate",
                    )
                )
            else:
                on = datetime.date.fromisoformat(visit) if visit else datetime.date.today()
                if not visit:
                    self.issues.append(
                        Issue(
                            "information",
                            "informational",
                            "no visit date: age counted to today",
                            f"{patient.where}.birthDate",
                        )
                    )
                info["age"] = on.year - born.year - ((on.month, on.day) < (born.month, born.day))
        if patient is not None and patient.model.gender in GENDERS:
            info["sex"] = patient.model.gender
        elif patient is not None and patient.model.gender:
            self.issues.append(
                Issue(
                    "error",
                    "code-invalid",
                    f"gender {patient.model.gender!r} is not an AdministrativeGender (male, female, other, unknown)",
                    f"{patient.where}.gender",
                )
            )
        info.update(reader.patient_fields)
        for dependent, (needed, _what) in PATIENT_NEEDS.items():
            if dependent in info and needed not in info:  # e.g. today's volume was in an Observation left out
                del info[dependent]
                text = f"{dependent} is left out: it is read against {needed}, which the data does not give"
                self.issues.append(Issue("warning", "incomplete", text))
        return info

    def _extensions(self, patient: Found) -> None:
        for ext in patient.model.extension or []:
            if ext.url == extension_url("case-extensions") and ext.valueString:
                try:
                    self.case["extensions"] = json.loads(ext.valueString)
                except ValueError:
                    self.issues.append(Issue("error", "value", "case-extensions is not JSON", patient.where))
            elif ext.url == extension_url("case-format") and ext.valueInteger is not None:
                self.case["format"] = ext.valueInteger
            else:
                self.issues.append(Issue("warning", "not-supported", f"extension {ext.url} is not used", patient.where))


def fhir_to_case(
    document: Any, vocabulary: Vocabulary, visit_date: str | None = None, patient_id: str | None = None
) -> MappedCase:
    """The case a Bundle, a resource or a CDS Hooks prefetch maps to; `visit_date` overrides the one found;
    with `patient_id`, resources of another patient are refused with a 'conflict' issue."""
    return _Mapper(vocabulary, visit_date, patient_id).run(document)
