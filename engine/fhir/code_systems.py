"""The project's FHIR CodeSystems, written from the rule base's vocabulary (one concept per word, with its label),
validated with fhir.resources. The service serves them at GET /fhir/CodeSystem and /fhir/CodeSystem/{name}."""

from __future__ import annotations

from typing import Any

from engine.fhir._build import validated
from engine.fhir._codes import OUTCOME_LABELS, PATIENT_OBSERVATIONS, code_system
from engine.knowledge.vocabulary import Vocabulary

#: CodeSystem name -> (title, vocabulary section or None for the fixed observation codes).
SYSTEMS = {
    "measurement": ("Ankle dorsiflexion measurements (weight-bearing lunge, goniometry)", "measurements"),
    "sign": ("Signs seen by the clinician or reported by the runner", "signs"),
    "symptom-site": ("Where it hurts", "symptom_sites"),
    "red-flag": ("Red flags", "red_flags"),
    "condition": ("Conditions that block or need care with an intervention", "conditions"),
    "screening": ("Screens recorded before a plan", "screening"),
    "outcome": ("Validated outcome scores", "outcome_scores"),
    "intervention": ("Interventions of the home programme", "interventions"),
    "referral": ("Referrals", "referrals"),
    "observation": ("Running volume", None),
}


def _label(entry: Any) -> str:
    return entry if isinstance(entry, str) else entry.get("label", "")


def _concepts(name: str, section: str | None, vocabulary: Vocabulary) -> list[dict[str, str]]:
    if section is None:
        return [{"code": code, "display": label} for code, label, _ in PATIENT_OBSERVATIONS.values()]
    words = vocabulary.data.get(section, {})
    return [
        {"code": word, "display": OUTCOME_LABELS.get(word) if name == "outcome" else _label(entry) or word}
        for word, entry in words.items()
    ]


def code_system_resource(name: str, vocabulary: Vocabulary, version: str) -> dict[str, Any]:
    """One project CodeSystem (complete, case-sensitive) for the rule base `version`."""
    title, section = SYSTEMS[name]
    concepts = _concepts(name, section, vocabulary)
    return validated(
        {
            "resourceType": "CodeSystem",
            "id": f"kinetic-chain-{name}",
            "url": code_system(name),
            "version": version,
            "name": "KineticChain" + "".join(part.title() for part in name.split("-")),
            "title": title,
            "status": "active",
            "content": "complete",
            "caseSensitive": True,
            "count": len(concepts),
            "concept": concepts,
        }
    )
