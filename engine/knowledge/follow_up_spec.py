"""The follow_up section of rules/vocabulary.yaml, typed: MCIDs, the left-right MDC and the comparison's texts.

Typed and loaded with the vocabulary so that a missing MCID or a misspelt key is a rule-base error naming the
file and key, never a crash half-way through a clinician's comparison.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictFloat, StrictInt

#: A positive number as YAML writes it (14 or 1.5); strings are refused, not coerced
Positive = Annotated[StrictInt | StrictFloat, Field(gt=0)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class OutcomeSpec(_Strict):
    label: str
    unit: str
    better: Literal["higher", "lower"]
    mcid: Positive
    later_mcid: Positive | None = None
    later_from_weeks: Positive | None = None
    mcid_percent: Positive | None = None
    source: str


class EscalationFamily(_Strict):
    """Which outcome is the main one for a presentation family, and how many weeks it gets to improve."""

    label: str
    presentations: list[str]
    sites: list[str]
    main_outcomes: list[str] = Field(min_length=1)
    weeks: Positive
    source: str

    @property
    def catch_all(self) -> bool:
        return not self.presentations and not self.sites


class EscalationSpec(_Strict):
    """Brief section 9: escalate (referral, urgency, grade) when the main outcome has not improved in time."""

    referral: str
    urgency: str
    grade: Literal["A", "B", "C"]
    families: dict[str, EscalationFamily]


class FollowUpSpec(_Strict):
    """The follow_up section, typed, so a missing MCID or text is a rule-base error, not a crash mid-report."""

    outcomes: dict[str, OutcomeSpec]
    measurement_source: str
    left_right_mdc: dict[str, Positive]
    left_right_source: str
    escalation: EscalationSpec
    texts: dict[str, str]

    def text(self, name: str, **values: Any) -> str:
        return self.texts[name].format(**values)


TEXTS = [
    "better",
    "worse",
    "unchanged",
    "not_scored",
    "not_measured",
    "measurements_disagree",
    "declined",
    "improved",
    "no_real_change",
    "referral",
    "later_mcid",
    "early_mcid",
    "undated_mcid",
    "percent_mcid",
    "angle_left_right",
    "left_right",
    "swapped",
    "undated",
    "same_date",
    "escalate",
    "escalate_worse",
    "escalation_not_yet",
    "escalation_worse_not_yet",
    "escalation_not_needed",
    "escalation_unscored",
    "escalation_untimed",
    "change_up",
    "change_down",
    "change_none",
    "unchanged_escalate",
    "escalation_note",
    "weeks_interval",
    "weeks_symptom",
]
