"""The assessment an integrator receives: typed, JSON-serialisable, and the same bytes for the same input."""

from __future__ import annotations

import json
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

Grade = Literal["A", "B", "C"]
ItemSide = Literal["left", "right", "both"]
Status = Literal["refer_urgently", "screen_first", "refer", "plan", "no_action"]
Urgency = Literal["emergency", "same_day", "soon", "routine"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class Evidence(_Frozen):
    """A case fact an item rests on, e.g. lunge_distance_cm on the left = 6.5."""

    kind: str
    name: str
    side: str
    value: int | float | str | None = None  # whole numbers stay whole; a screen's result is a word


class Item(_Frozen):
    """Fields every conclusion carries, so a clinician can check it."""

    id: str
    label: str
    side: ItemSide
    grade: Grade
    chain_grade: Grade
    source: str
    rules: list[str]
    evidence: list[Evidence]
    contradicted_by: list[str] = []  # sources that found against a link this item rests on


class Finding(Item):
    qualifiers: list[str] = []


class Compensation(Item):
    observed: bool


class Risk(Item):
    pass


class Presentation(Item):
    """A working diagnosis: a symptom with a consistent pattern on this side (not a risk)."""


class Recommendation(Item):
    family: str
    dose: str
    dose_source: str
    priority: int
    warnings: list[str] = []
    role: str = "optional"
    core: bool = False


class Question(Item):
    pass


class Referral(Item):
    urgency: Urgency
    red_flags: list[str]
    whole_patient: bool = False
    notes: list[str] = []


class Withheld(Item):
    """An intervention held back on this limb: until medically cleared (a whole-patient red flag), until the
    referral has cleared the limb (a limb red flag), or pending a screen question not yet answered."""

    family: str
    reason: Literal["medical_clearance", "red_flag", "pending"]
    withheld_by: list[str]
    red_flags: list[str]
    questions: list[str] = []
    also_blocked_by: list[str] = []  # contraindications that will still apply once it is cleared


class Blocked(Item):
    """An intervention a contraindication blocks, with the conditions and an unblocked alternative."""

    family: str
    conditions: list[str]
    alternative: str | None


class RuleBaseIdentity(_Frozen):
    name: str
    version: str
    sha256: str


class Reference(_Frozen):
    """A source the assessment cites, numbered in order of first citation, with its full citation so that a
    report can end with a reference list without reading the rule base (None where the bibliography lacks it)."""

    number: int
    key: str
    citation: str | None
    design: str | None
    grade: Grade | None


class Assessment(_Frozen):
    """One case, assessed: conclusions by layer, the plan, and the graph that explains it."""

    case_id: str
    visit_date: str | None
    patient: dict[str, Any]
    engine_version: str
    rulebase: RuleBaseIdentity
    status: Status
    status_text: str
    referrals: list[Referral]
    presentations: list[Presentation] = []
    findings: list[Finding]
    compensations: list[Compensation]
    risks: list[Risk]
    recommendations: list[Recommendation]
    withheld: list[Withheld]
    blocked: list[Blocked]
    questions: list[Question]
    omitted: list[str] = []  # optional items beyond the four a plan shows (docs/clinical-basis.md section 9)
    case: dict[str, Any] = {}
    extensions: dict[str, Any] | None = None
    explanation: dict[str, Any]
    references: list[Reference] = []

    def to_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json")

    def to_json(self, indent: int | None = 2) -> str:
        """Deterministic JSON: field order fixed by the model, lists sorted by the engine."""
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)

    def items(self) -> list[Item]:
        """Every conclusion, in report order."""
        return [
            *self.referrals,
            *self.presentations,
            *self.findings,
            *self.compensations,
            *self.risks,
            *self.recommendations,
            *self.withheld,
            *self.blocked,
            *self.questions,
        ]

    def recommended(self, intervention: str, side: str | None = None) -> bool:
        """Whether an intervention is in the plan (for a side, 'both' counting for either)."""
        return any(r.id == intervention and (side is None or r.side in (side, "both")) for r in self.recommendations)
