"""A case file as the FHIR R4 resources an EHR would hold: Patient, Encounter, Observations and Conditions.

The inverse of engine.fhir.fhir_to_case (the mapping table is in docs/fhir-mapping.md). Used to build the example
bundles in examples/fhir/ and to check that the mapping round-trips every example case.
"""

from __future__ import annotations

import datetime
import json
from typing import Any

from engine.fhir._build import coding, concept, entry, fhir_id, limb_site, limb_sites, stable_uuid, validated
from engine.fhir._codes import (
    CASE_ID_SYSTEM,
    CONDITION_CATEGORY,
    CONDITION_CLINICAL,
    LOINC,
    LOINC_AGE,
    OBSERVATION_CATEGORY,
    OUTCOME_LABELS,
    PATIENT_OBSERVATIONS,
    SCREEN_VALUES,
    SNOMED,
    UCUM,
    extension_url,
)
from engine.knowledge.vocabulary import Vocabulary


def _sides(side: str) -> tuple[str, ...]:
    return ("left", "right") if side == "both" else (side,)


def _quantity(value: float, unit: str) -> dict[str, Any]:
    return {"value": value, "unit": unit, "system": UCUM, "code": unit}


class _Writer:
    def __init__(self, case: dict[str, Any], vocabulary: Vocabulary) -> None:
        self.case, self.vocabulary = case, vocabulary
        self.case_id = case["case_id"]
        self.patient_id = fhir_id(self.case_id)
        self.visit = str(case["visit_date"]) if case.get("visit_date") else None
        self.resources: list[dict[str, Any]] = []

    def add(self, data: dict[str, Any]) -> None:
        self.resources.append(validated(data))

    def patient(self) -> None:
        info = self.case.get("patient") or {}
        data: dict[str, Any] = {"resourceType": "Patient", "id": self.patient_id}
        if info.get("sex"):
            data["gender"] = info["sex"]
        age = info.get("age")
        if age is not None and self.visit and float(age).is_integer():
            visit = datetime.date.fromisoformat(self.visit)
            born = visit.replace(
                year=visit.year - int(age), day=28 if (visit.month, visit.day) == (2, 29) else visit.day
            )
            data["birthDate"] = born.isoformat()
        elif age is not None:
            self.observation(
                "age",
                {"coding": [coding(LOINC, *LOINC_AGE)], "text": "age"},
                "survey",
                None,
                valueQuantity=_quantity(age, "a"),
            )
        extensions = []
        if self.case.get("format") is not None:  # the contract version the case was written in (echoed back)
            extensions.append({"url": extension_url("case-format"), "valueInteger": self.case["format"]})
        if self.case.get("extensions") is not None:
            text = json.dumps(self.case["extensions"], ensure_ascii=False)
            extensions.append({"url": extension_url("case-extensions"), "valueString": text})
        if extensions:
            data["extension"] = extensions
        self.add(data)
        encounter: dict[str, Any] = {
            "resourceType": "Encounter",
            "id": stable_uuid(self.case_id, "encounter"),
            "status": "finished",
            "class": coding("http://terminology.hl7.org/CodeSystem/v3-ActCode", "AMB", "ambulatory"),
            "identifier": [{"system": CASE_ID_SYSTEM, "value": self.case_id}],
            "subject": {"reference": f"Patient/{self.patient_id}"},
        }
        if self.visit:
            encounter["period"] = {"start": self.visit}
        self.add(encounter)

    def observation(self, key: str, code: dict[str, Any], category: str, side: str | None, **value: Any) -> None:
        data: dict[str, Any] = {
            "resourceType": "Observation",
            "id": stable_uuid(self.case_id, "observation", key, side or "-"),
            "status": "final",
            "category": [{"coding": [coding(OBSERVATION_CATEGORY, category)]}],
            "code": code,
            "subject": {"reference": f"Patient/{self.patient_id}"},
            "encounter": {"reference": f"Encounter/{stable_uuid(self.case_id, 'encounter')}"},
            **value,
        }
        if self.visit:
            data["effectiveDateTime"] = self.visit
        if side:
            data["bodySite"] = limb_site(side)
        self.add(data)

    def observations(self) -> None:
        info = self.case.get("patient") or {}
        for field, (code, label, unit) in PATIENT_OBSERVATIONS.items():
            if info.get(field) is not None:
                self.observation(
                    field,
                    concept("observation", code, label),
                    "activity",
                    None,
                    valueQuantity=_quantity(info[field], unit),
                )
        for name, values in (self.case.get("measurements") or {}).items():
            spec = self.vocabulary.measurements[name]
            for side, value in values.items():
                if value is not None:
                    self.observation(
                        name,
                        concept("measurement", name, spec.label),
                        "exam",
                        side,
                        valueQuantity=_quantity(value, spec.unit),
                    )
        for sign, side in (self.case.get("signs") or {}).items():
            if side:
                for one in _sides(side):
                    self.observation(
                        sign, concept("sign", sign, self.vocabulary.label("sign", sign)), "exam", one, valueBoolean=True
                    )
        self.screening()
        self.outcomes()

    def screening(self) -> None:
        for name, value in (self.case.get("screening") or {}).items():
            spec = self.vocabulary.screening[name]
            code = concept("screening", name, spec.label)
            if spec.range is not None:
                self.observation(name, code, "exam", None, valueInteger=value)
            elif isinstance(value, dict):
                for side, result in value.items():
                    self.observation(name, code, "exam", side, valueCodeableConcept=self._screen_value(result))
            else:
                self.observation(name, code, "exam", None, valueCodeableConcept=self._screen_value(value))

    @staticmethod
    def _screen_value(word: str) -> dict[str, Any]:
        return {"coding": [coding(SNOMED, *SCREEN_VALUES[word])], "text": word}

    def outcomes(self) -> None:
        for name, value in (self.case.get("outcomes") or {}).items():
            scores = self.vocabulary.data.get("outcome_scores", {})
            code = concept("outcome", name, OUTCOME_LABELS.get(name) or scores.get(name, {}).get("label", name))
            pairs = value.items() if isinstance(value, dict) else [(None, value)]
            for side, score in pairs:
                self.observation(name, code, "survey", side, valueQuantity=_quantity(score, "{score}"))

    def condition(self, key: str, kind: str, word: str, label: str, side: str | None, **more: Any) -> None:
        data: dict[str, Any] = {
            "resourceType": "Condition",
            "id": stable_uuid(self.case_id, "condition", key),
            "clinicalStatus": {"coding": [coding(CONDITION_CLINICAL, "active")]},
            "category": [{"coding": [coding(CONDITION_CATEGORY, "problem-list-item", "Problem List Item")]}],
            "code": concept(kind, word, label),
            "subject": {"reference": f"Patient/{self.patient_id}"},
            "encounter": {"reference": f"Encounter/{stable_uuid(self.case_id, 'encounter')}"},
            **more,
        }
        if side:
            data["bodySite"] = limb_sites(side)
        if self.visit:
            data["recordedDate"] = self.visit
        self.add(data)

    def conditions(self) -> None:
        for index, symptom in enumerate(self.case.get("symptoms") or []):
            extensions = [
                {"url": extension_url(f"symptom-{field}"), **{kind: symptom[field]}}
                for field, kind in (("weeks", "valueDecimal"), ("severity", "valueDecimal"), ("onset", "valueCode"))
                if symptom.get(field) is not None
            ]
            more: dict[str, Any] = {"extension": extensions} if extensions else {}
            site = symptom["site"]
            self.condition(
                f"symptom-{index}",
                "symptom-site",
                site,
                self.vocabulary.label("symptom", site),
                symptom["side"],
                **more,
            )
        flags = self.case.get("red_flags") or []
        pairs = flags.items() if isinstance(flags, dict) else [(flag, None) for flag in dict.fromkeys(flags)]
        for flag, side in pairs:
            self.condition(f"red-flag-{flag}", "red-flag", flag, self.vocabulary.label("red_flag", flag), side)
        for word in dict.fromkeys(self.case.get("conditions") or []):
            self.condition(f"condition-{word}", "condition", word, self.vocabulary.label("condition", word), None)


def case_to_bundle(case: dict[str, Any], vocabulary: Vocabulary) -> dict[str, Any]:
    """A validated case (as JSON data) as a FHIR collection Bundle, validated with fhir.resources."""
    writer = _Writer(case, vocabulary)
    writer.patient()
    writer.observations()
    writer.conditions()
    return validated(
        {
            "resourceType": "Bundle",
            "id": stable_uuid(writer.case_id, "bundle"),
            "type": "collection",
            "entry": [entry(data) for data in writer.resources],
        }
    )
