"""Observations into case sections: measurements (UCUM-checked), signs, screening, outcomes, age and volume."""

from __future__ import annotations

from typing import Any

from engine.fhir._build import number
from engine.fhir._codes import (
    LOINC,
    LOINC_AGE,
    PATIENT_OBSERVATIONS,
    SCREEN_WORDS,
    SITE_SIDES,
    SNOMED,
    UCUM,
    UNIT_FACTORS,
    code_system,
)
from engine.fhir._collect import Found
from engine.fhir.outcome import Issue
from engine.knowledge.vocabulary import Vocabulary

USABLE_STATUS = {"final", "amended", "corrected", "preliminary"}
PATIENT_CODES = {code: (field, unit) for field, (code, _, unit) in PATIENT_OBSERVATIONS.items()}
SINGLE_OUTCOMES = ("psfs",)  # case-format v2: the PSFS is one mean score; VISA-A and VISA-P are per side


def _side(item: Found, issues: list[Issue]) -> str | None:
    site = item.model.bodySite
    if site is None:
        return None
    for coding in site.coding or []:
        if coding.system == SNOMED and coding.code in SITE_SIDES:
            return SITE_SIDES[coding.code]
    issues.append(
        Issue("warning", "code-invalid", "bodySite names no leg; read as both legs", f"{item.where}.bodySite")
    )
    return None


class ObservationReader:
    """Reads Observations one by one; the sections are collected in case-file form at the end."""

    def __init__(self, vocabulary: Vocabulary, issues: list[Issue]) -> None:
        self.vocabulary, self.issues = vocabulary, issues
        self.age: float | None = None
        self.patient_fields: dict[str, Any] = {}
        self.measurements: dict[str, dict[str, Any]] = {}
        self.signs: dict[str, set[str]] = {}
        self.screening: dict[str, Any] = {}
        self.outcomes: dict[str, Any] = {}

    def _problem(self, item: Found, code: str, message: str, at: str = "") -> None:
        self.issues.append(Issue("warning", code, message, f"{item.where}{at}"))

    def read(self, item: Found) -> None:
        model = item.model
        if model.status not in USABLE_STATUS:
            self._problem(item, "business-rule", f"Observation with status {model.status} is not used", ".status")
            return
        for coding in model.code.coding or []:
            handler = self._handler(coding.system, coding.code)
            if handler is not None:
                handler(item, coding.code)
                return
        codes = ", ".join(f"{c.system}|{c.code}" for c in model.code.coding or []) or model.code.text or "no code"
        self._problem(item, "code-unknown", f"Observation code {codes} is not in the engine's vocabulary", ".code")

    def _handler(self, system: str | None, code: str | None) -> Any:
        if system == LOINC and code == LOINC_AGE[0]:
            return self._age
        if system == code_system("measurement") and code in self.vocabulary.measurements:
            return self._measurement
        if system == code_system("sign") and code in self.vocabulary.data.get("signs", {}):
            return self._sign
        if system == code_system("screening") and code in self.vocabulary.screening:
            return self._screen
        if system == code_system("outcome") and code in self.vocabulary.data.get("outcome_scores", {}):
            return self._outcome
        if system == code_system("observation") and code in PATIENT_CODES:
            return self._patient_field
        return None

    def _quantity(self, item: Found, unit: str) -> float | None:
        """The value in `unit` (UCUM), converting the units UNIT_FACTORS allows; None (and an issue) otherwise."""
        quantity = item.model.valueQuantity
        if quantity is None or quantity.value is None:
            self._problem(item, "value", f"expected a valueQuantity in {unit}", ".value[x]")
            return None
        code = quantity.code or quantity.unit
        if quantity.system not in (UCUM, None) or code is None:
            self._problem(
                item, "value", f"unit {quantity.system}|{code} is not UCUM; expected {unit}", ".valueQuantity"
            )
            return None
        factor = UNIT_FACTORS.get(unit, {unit: 1}).get(code)
        if factor is None:
            self._problem(item, "value", f"unit '{code}' cannot be read as {unit} (UCUM)", ".valueQuantity.code")
            return None
        value = number(quantity.value)
        return value if factor == 1 else number(round(value * factor, 6))

    def _age(self, item: Found, _: str) -> None:
        value = self._quantity(item, "a")
        if value is not None:
            self.age = value

    def _patient_field(self, item: Found, code: str) -> None:
        field, unit = PATIENT_CODES[code]
        value = self._quantity(item, unit)
        if value is not None:
            self.patient_fields[field] = value

    def _measurement(self, item: Found, name: str) -> None:
        side = _side(item, self.issues)
        if side is None:
            self._problem(item, "required", f"{name} needs a bodySite naming the left or right leg", ".bodySite")
            return
        value = self._quantity(item, self.vocabulary.measurements[name].unit)
        if value is None:
            return
        per_side = self.measurements.setdefault(name, {})
        if side in per_side and per_side[side] != value:
            self._problem(
                item,
                "business-rule",
                f"{name} {side} given twice ({per_side[side]} and {value}); the later one is used",
            )
        per_side[side] = value

    def _sign(self, item: Found, name: str) -> None:
        if item.model.valueBoolean is False:
            return  # a sign recorded as absent is the case file's default
        side = _side(item, self.issues)
        self.signs.setdefault(name, set()).update((side,) if side else ("left", "right"))

    def _screen(self, item: Found, name: str) -> None:
        model, spec = item.model, self.vocabulary.screening[name]
        if spec.range is not None:  # a score (the Wells score): one value for the patient
            value = model.valueInteger
            if value is None and model.valueQuantity is not None and model.valueQuantity.value is not None:
                value = number(model.valueQuantity.value)
            if value is None:
                self._problem(item, "value", f"{name} needs a valueInteger", ".value[x]")
                return
            self.screening[name] = value
            return
        concept = model.valueCodeableConcept
        words = [
            SCREEN_WORDS[c.code]
            for c in (concept.coding if concept else None) or []
            if c.system == SNOMED and SCREEN_WORDS.get(c.code) in (spec.results or [])
        ]
        if not words:
            self._problem(
                item,
                "value",
                f"{name} needs a valueCodeableConcept, SNOMED CT " + " or ".join(spec.results or []),
                ".value[x]",
            )
            return
        side = _side(item, self.issues) if spec.per_side else None
        if side is None:
            self.screening[name] = words[0]
        else:
            current = self.screening.get(name)
            self.screening[name] = {**(current if isinstance(current, dict) else {}), side: words[0]}

    def _outcome(self, item: Found, name: str) -> None:
        value = self._quantity(item, "{score}")
        if value is None:
            return
        side = _side(item, self.issues)
        if name in SINGLE_OUTCOMES or side is None:
            self.outcomes[name] = value
        else:
            current = self.outcomes.get(name)
            self.outcomes[name] = {**(current if isinstance(current, dict) else {}), side: value}

    def case_sections(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.measurements:
            out["measurements"] = {
                name: {s: values[s] for s in ("left", "right") if s in values}
                for name, values in self.measurements.items()
            }
        if self.signs:
            out["signs"] = {name: sides.pop() if len(sides) == 1 else "both" for name, sides in self.signs.items()}
        if self.screening:
            out["screening"] = self.screening
        if self.outcomes:
            out["outcomes"] = self.outcomes
        return out
