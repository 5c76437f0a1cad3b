"""Conditions into case sections: symptoms (site, side, weeks, severity, onset), red flags and conditions."""

from __future__ import annotations

import datetime
from typing import Any

from engine.fhir._build import number
from engine.fhir._codes import SITE_SIDES, SNOMED, SNOMED_EQUIVALENTS, code_system, extension_url
from engine.fhir._collect import Found
from engine.fhir.outcome import Issue
from engine.knowledge.vocabulary import Vocabulary

CONDITION_KINDS = {"symptom-site": "symptom_sites", "red-flag": "red_flags", "condition": "conditions"}
INACTIVE = {"inactive", "resolved", "remission"}
NOT_TRUE = {"refuted", "entered-in-error"}


def word_of(concept: Any, kinds: dict[str, str], vocabulary: Vocabulary) -> tuple[str, str] | None:
    """(project kind, vocabulary word) of a CodeableConcept: the project code first, else its SNOMED CT twin."""
    for coding in (concept.coding if concept else None) or []:
        for kind, section in kinds.items():
            if coding.system == code_system(kind) and coding.code in vocabulary.data.get(section, {}):
                return kind, coding.code
    for coding in (concept.coding if concept else None) or []:
        if coding.system == SNOMED:
            for kind in kinds:
                for word, (code, _) in SNOMED_EQUIVALENTS.get(kind, {}).items():
                    if code == coding.code and word in vocabulary.data.get(kinds[kind], {}):
                        return kind, word
    return None


def shown(concept: Any) -> str:
    if concept is None:
        return "no code"
    codes = [f"{c.system or '?'}|{c.code}" for c in concept.coding or []]
    return ", ".join(codes) or (concept.text or "no code")


def sides_of(sites: list[Any], where: str, issues: list[Issue]) -> str | None:
    """'left', 'right', 'both' from bodySite codings; None when no side is given."""
    sides: set[str] = set()
    for site in sites:
        codes = [c.code for c in site.coding or [] if c.system == SNOMED]
        known = [SITE_SIDES[c] for c in codes if c in SITE_SIDES]
        if known:
            sides.update(known)
        elif codes or site.coding:
            sides.update(("left", "right"))
            issues.append(
                Issue(
                    "warning",
                    "code-invalid",
                    f"bodySite {shown(site)} names no leg; read as both legs",
                    f"{where}.bodySite",
                )
            )
    if not sides:
        return None
    return sides.pop() if len(sides) == 1 else "both"


class ConditionReader:
    """Reads the Conditions of one visit into the case's symptoms, red_flags and conditions."""

    def __init__(self, vocabulary: Vocabulary, issues: list[Issue], case: dict[str, Any]) -> None:
        self.vocabulary, self.issues, self.case = vocabulary, issues, case

    def read(self, conditions: list[Found]) -> None:
        symptoms: list[dict[str, Any]] = []
        flags: list[tuple[str, str | None]] = []
        words: list[str] = []
        for item in conditions:
            model = item.model
            status = (
                model.clinicalStatus.coding[0].code if model.clinicalStatus and model.clinicalStatus.coding else None
            )
            verified = (
                model.verificationStatus.coding[0].code
                if model.verificationStatus and model.verificationStatus.coding
                else None
            )
            if status in INACTIVE or verified in NOT_TRUE:
                self.issues.append(
                    Issue(
                        "information",
                        "informational",
                        f"{shown(model.code)} is {status or verified}: not used",
                        item.where,
                    )
                )
                continue
            found = word_of(model.code, CONDITION_KINDS, self.vocabulary)
            if found is None:
                self.issues.append(
                    Issue(
                        "warning",
                        "code-unknown",
                        f"Condition code {shown(model.code)} is not in the engine's vocabulary",
                        f"{item.where}.code",
                    )
                )
                continue
            kind, word = found
            side = sides_of(model.bodySite or [], item.where, self.issues)
            if kind == "symptom-site":
                symptoms.append(self._symptom(item, word, side))
            elif kind == "red-flag":
                flags.append((word, side))
            else:
                if side:
                    self.issues.append(
                        Issue(
                            "information",
                            "informational",
                            f"condition {word} applies to the patient; its bodySite is not used",
                            f"{item.where}.bodySite",
                        )
                    )
                words.append(word)
        if symptoms:
            self.case["symptoms"] = symptoms
        if flags:
            self.case["red_flags"] = self._red_flags(flags)
        if words:
            self.case["conditions"] = list(dict.fromkeys(words))

    def _symptom(self, item: Found, site: str, side: str | None) -> dict[str, Any]:
        if side is None:
            self.issues.append(
                Issue(
                    "warning",
                    "incomplete",
                    f"symptom {site} has no bodySite; read as both legs",
                    f"{item.where}.bodySite",
                )
            )
        symptom: dict[str, Any] = {"site": site, "side": side or "both"}
        values = {ext.url: ext for ext in item.model.extension or []}
        for name in ("weeks", "severity"):
            ext = values.pop(extension_url(f"symptom-{name}"), None)
            if ext is not None and ext.valueDecimal is not None:
                symptom[name] = number(ext.valueDecimal)
        onset = values.pop(extension_url("symptom-onset"), None)
        if "weeks" not in symptom and item.model.onsetDateTime and self.case.get("visit_date"):
            started = item.model.onsetDateTime
            started = started.date() if isinstance(started, datetime.datetime) else started
            if isinstance(started, datetime.date):
                symptom["weeks"] = max(0, (datetime.date.fromisoformat(self.case["visit_date"]) - started).days // 7)
        if onset is not None and onset.valueCode:
            symptom["onset"] = onset.valueCode
        for url in values:
            self.issues.append(Issue("warning", "not-supported", f"extension {url} is not used", item.where))
        return symptom

    def _red_flags(self, flags: list[tuple[str, str | None]]) -> list[str] | dict[str, str]:
        if all(side is None for _, side in flags):
            return list(dict.fromkeys(word for word, _ in flags))
        out: dict[str, str] = {}
        for word, side in flags:
            if side is None:
                self.issues.append(
                    Issue(
                        "warning", "incomplete", f"red flag {word} has no bodySite while others do; it covers both legs"
                    )
                )
            side = side or "both"
            out[word] = "both" if word in out and out[word] != side else side
        return out
