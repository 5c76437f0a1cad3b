"""Assessments remembered by input: the engine is deterministic (the audit trail's `verify` relies on it), so the
same canonical case under the same rule base always gives the same bytes. An EHR re-fires patient-view every
time a chart is opened; those calls skip the rule engine. Each call is still audited."""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

from pydantic import BaseModel

from engine.audit.records import canonical_input, sha256
from engine.result import Assessment

DEFAULT_SIZE = 256


class AssessmentMemo:
    """A bounded, thread-safe LRU of (Assessment, its JSON) keyed by the SHA-256 of the canonical input."""

    def __init__(self, engine: Any, size: int = DEFAULT_SIZE) -> None:
        self.engine, self.size = engine, size
        self._items: OrderedDict[str, tuple[Assessment, str]] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def assess(self, case: BaseModel) -> tuple[Assessment, str, str]:
        """(assessment, assessment.to_json(), canonical input) for a validated case."""
        text = canonical_input(case)
        key = sha256(text)
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
                self.hits += 1
                return found[0], found[1], text
            self.misses += 1
        assessment = self.engine.assess(case)
        output = assessment.to_json()
        if self.size:
            with self._lock:
                self._items[key] = (assessment, output)
                while len(self._items) > self.size:
                    self._items.popitem(last=False)
        return assessment, output, text
