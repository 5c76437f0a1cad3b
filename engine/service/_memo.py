"""Answers remembered by input. The engine is deterministic (the audit trail's `verify` relies on it), so the same
canonical case under the same rule base always gives the same bytes, and the same prefetch the same case. An EHR
re-fires patient-view every time a chart is opened: those calls skip the rule engine and the FHIR parsing. Every
call is still audited."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from engine._lru import Lru
from engine.audit.records import canonical_input, sha256
from engine.fhir._build import content_key
from engine.fhir.fhir_to_case import MappedCase, fhir_to_case
from engine.reasoning.assessment import Assessment

DEFAULT_SIZE = 256


class AssessmentMemo:
    """Assessments (with their JSON) by the SHA-256 of the canonical input, and mapped prefetches by content."""

    def __init__(self, engine: Any, size: int = DEFAULT_SIZE) -> None:
        self.engine, self.size = engine, size
        self._assessments: Lru[tuple[Assessment, str]] = Lru(size)
        self._mapped: Lru[MappedCase] = Lru(size)

    @property
    def hits(self) -> int:
        return self._assessments.hits

    @property
    def misses(self) -> int:
        return self._assessments.misses

    def assess(self, case: BaseModel) -> tuple[Assessment, str, str]:
        """(assessment, assessment.to_json(), canonical input) for a validated case."""
        text = canonical_input(case)

        def make() -> tuple[Assessment, str]:
            assessment = self.engine.assess(case)
            return assessment, assessment.to_json()

        assessment, output = self._assessments.get_or_make(sha256(text), make)
        return assessment, output, text

    def map_prefetch(self, prefetch: Any, patient_id: str) -> MappedCase:
        """The case a prefetch maps to (read-only: copy before changing it)."""
        key = content_key((patient_id, prefetch))
        vocabulary = self.engine.rulebase.vocabulary
        return self._mapped.get_or_make(key, lambda: fhir_to_case(prefetch, vocabulary, patient_id=patient_id))
