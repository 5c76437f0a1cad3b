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
    model_config = ConfigDict(extra="forbid", frozen=True)


class OutcomeSpec(_Strict):
    label: str
    unit: str
    better: Literal["higher", "lower"]
    mcid: Positive
    later_mcid: Positive | None = None
    later_from_weeks: Positive | None = None
    mcid_percent: Positive | None = None
    source: str


class FollowUpSpec(_Strict):
    """The follow_up section, typed, so a missing MCID or text is a rule-base error, not a crash mid-report."""

    outcomes: dict[str, OutcomeSpec]
    measurement_source: str
    left_right_mdc: dict[str, Positive]
    left_right_source: str
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
]
