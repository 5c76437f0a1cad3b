"""The shape of one rule in rules/*.yaml: what a clinician reviews and the compiler turns into durable-rules."""

from __future__ import annotations

from functools import cached_property
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

from engine.categories import (  # noqa: F401 - the kinds a rule may name, re-exported for rule tools
    ACTING_KINDS,
    CASE_KINDS,
    COMPARISON_SYMBOLS,
    COMPARISONS,
    CONCLUSION_KINDS,
    CONDITION_KINDS,
    DERIVED_KINDS,
    NUMERIC_KINDS,
    UNSIDED_KINDS,
)
from engine.numbers import number_text

#: v1 rule files said `urgent`; it means same day (docs/clinical-basis.md, section 1).
URGENCY_ALIASES = {"urgent": "same_day"}
ANY = "any"
Names = str | list[str]
#: A threshold is a finite number written as a number: not a bool, not quoted text, not NaN or infinity
#: (each passed validation once and then never fired or crashed durable-rules). -0.0 is 0.
Threshold = Annotated[float, Field(strict=True, allow_inf_nan=False), AfterValidator(lambda value: value + 0.0)]


class Bounds(BaseModel):
    """Bounds on one number of a fact (e.g. a symptom's weeks), or `absent` for a detail not recorded."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)
    below: float | None = None
    at_most: float | None = None
    at_least: float | None = None
    above: float | None = None

    def bounds(self) -> dict[str, float]:
        return {key: getattr(self, key) for key in COMPARISONS if getattr(self, key) is not None}


class Where(BaseModel):
    """Details of a symptom (onset, weeks, severity) or a screen (result) that a condition also requires."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)
    onset: Names | None = None
    onset_recorded: bool | None = None
    weeks: Bounds | Literal["absent"] | None = None
    severity: Bounds | Literal["absent"] | None = None
    result: Names | None = None

    def terms(self) -> dict[str, Any]:
        return {key: getattr(self, key) for key in type(self).model_fields if getattr(self, key) is not None}

    def describe(self, symbols: dict[str, str]) -> str:
        parts = []
        for key, value in self.terms().items():
            if isinstance(value, Bounds):
                parts += [f"{key} {symbols[b]} {v:g}" for b, v in value.bounds().items()]
            elif value == "absent":
                parts.append(f"{key} not recorded")
            else:
                parts.append(f"{key} {'/'.join(value) if isinstance(value, list) else value}")
        return ", ".join(parts)


#: Which details a condition of each kind may name in `where`.
WHERE_FIELDS = {
    "symptom": {"onset", "onset_recorded", "weeks", "severity"},
    "screen": {"result"},
    "patient": {"result"},
}


class Condition(BaseModel):
    """One fact the rule needs (or, with absent, must not find) on the same limb as the others."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)
    limb: Names | None = None
    patient: Names | None = None
    measurement: Names | None = None
    sign: Names | None = None
    symptom: Names | None = None
    screen: Names | None = None
    red_flag: Names | None = None
    condition: Names | None = None
    finding: Names | None = None
    compensation: Names | None = None
    risk: Names | None = None
    presentation: Names | None = None
    recommendation: Names | None = None
    question: Names | None = None
    referral: Names | None = None
    below: Threshold | None = None
    at_most: Threshold | None = None
    at_least: Threshold | None = None
    above: Threshold | None = None
    observed: bool | None = None
    family: Names | None = None
    not_family: Names | None = None  # any recommendation but these families (e.g. all advice but offloading)
    where: Where | None = None
    side: Literal["same", "other"] = "same"
    absent: bool = False

    @model_validator(mode="after")
    def _one_kind(self) -> Condition:
        kinds = [kind for kind in CONDITION_KINDS if getattr(self, kind) is not None]
        if len(kinds) != 1:
            raise ValueError(f"a condition names exactly one of {', '.join(CONDITION_KINDS)} (found {kinds or 'none'})")
        has_bounds = any(getattr(self, key) is not None for key in COMPARISONS)
        if has_bounds and kinds[0] not in NUMERIC_KINDS:
            raise ValueError(f"below/at_most/at_least/above apply to {', '.join(NUMERIC_KINDS)} only")
        if self.where is not None and not set(self.where.terms()) <= WHERE_FIELDS.get(kinds[0], set()):
            allowed = ", ".join(f"{k}: {'/'.join(sorted(v))}" for k, v in WHERE_FIELDS.items())
            raise ValueError(f"'where' on a {kinds[0]} is not allowed ({allowed})")
        if self.observed is not None and kinds[0] != "compensation":
            raise ValueError("observed applies to compensations only")
        if (self.family is not None or self.not_family is not None) and kinds[0] != "recommendation":
            raise ValueError("family and not_family apply to recommendations only")
        return self

    @cached_property
    def kind(self) -> str:
        """The one kind field that is set (read for every condition many times while the rule base is compiled
        and matched, so worked out once: the model is frozen)."""
        return next(kind for kind in CONDITION_KINDS if getattr(self, kind) is not None)

    @property
    def names(self) -> list[str]:
        value = getattr(self, self.kind)
        return value if isinstance(value, list) else [value]

    @property
    def families(self) -> list[str] | None:
        return None if self.family is None else (self.family if isinstance(self.family, list) else [self.family])

    def bounds(self) -> dict[str, float]:
        return {key: getattr(self, key) for key in COMPARISONS if getattr(self, key) is not None}

    def describe(self) -> str:
        """The condition as a clinician reads it, e.g. 'lunge_distance_cm < 9'."""
        symbols = COMPARISON_SYMBOLS
        text = " or ".join(self.names)
        text += "".join(f" {symbols[key]} {number_text(value)}" for key, value in self.bounds().items())
        if self.observed is not None:
            text += " (observed)" if self.observed else " (expected)"
        if self.where is not None:
            text += f" ({self.where.describe(symbols)})"
        if self.families:
            text += f" in family {'/'.join(self.families)}"
        if self.side == "other":
            text += " on the other side"
        return f"no {text}" if self.absent else text


class Conclusion(BaseModel):
    """What the rule adds when its conditions hold."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)
    condition: str | None = None
    finding: str | None = None
    compensation: str | None = None
    risk: str | None = None
    presentation: str | None = None
    recommendation: str | None = None
    question: str | None = None
    referral: str | None = None
    withheld: bool | None = None
    pending: str | None = None  # held until this screen question is answered
    blocked: bool | None = None
    warning: str | None = None
    observed: bool | None = None
    priority: int | None = Field(default=None, ge=1, le=9)
    dose: str | None = None
    preventive: bool | None = None  # use the intervention's preventive dose (an asymptomatic risk)
    dose_note: str | None = None  # appended to the dose (e.g. how irritability changes the starting load)
    #: the item's place in the plan (docs/clinical-basis.md, section 9): first_line, load and ankle (one each) fill
    #: the core home programme after offload; preventive for an asymptomatic risk; optional; retest is never counted.
    role: Literal["offload", "first_line", "load", "ankle", "preventive", "optional", "retest"] | None = None
    urgency: Literal["emergency", "same_day", "soon", "routine"] | None = None
    qualifier: str | None = None

    @field_validator("urgency", mode="before")
    @classmethod
    def _v1_urgency(cls, value: Any) -> Any:
        return URGENCY_ALIASES.get(value, value) if isinstance(value, str) else value

    @model_validator(mode="after")
    def _one_kind(self) -> Conclusion:
        kinds = [kind for kind in CONCLUSION_KINDS if getattr(self, kind) not in (None, False)]
        if len(kinds) != 1:
            raise ValueError(
                f"a conclusion names exactly one of {', '.join(CONCLUSION_KINDS)} (found {kinds or 'none'})"
            )
        if self.observed is not None and kinds[0] != "compensation":
            raise ValueError("observed applies to compensations only")
        own = (self.priority, self.dose, self.preventive, self.dose_note, self.role)
        if kinds[0] != "recommendation" and any(v is not None for v in own):
            raise ValueError("priority, dose, dose_note, preventive and role apply to recommendations only")
        if kinds[0] == "recommendation" and self.priority is None:
            raise ValueError("a recommendation needs a priority (1 = first)")
        if (kinds[0] == "referral") != (self.urgency is not None):
            raise ValueError("a referral needs an urgency, and only a referral has one")
        return self

    @cached_property
    def kind(self) -> str:
        return next(kind for kind in CONCLUSION_KINDS if getattr(self, kind) not in (None, False))

    @cached_property
    def name(self) -> str | None:
        """The vocabulary word concluded; None where the rule acts on the recommendation it matched."""
        value = getattr(self, self.kind)
        return value if isinstance(value, str) and self.kind not in ACTING_KINDS else None


class Rule(BaseModel):
    """A reviewable rule: stable id, why it holds, where that comes from and how strong the evidence is."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")
    rationale: str = Field(min_length=10)
    source: str = Field(min_length=3)
    grade: Literal["A", "B", "C"]
    #: sources whose findings go against this link: printed "contradicted: <source>"; its chain is grade C
    contradicted_by: list[str] = []
    when: list[Condition] = Field(min_length=1)
    then: Conclusion

    @field_validator("rationale", "source")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be blank")
        return value.strip()

    @property
    def positive(self) -> list[Condition]:
        return [condition for condition in self.when if not condition.absent]

    @property
    def target(self) -> Condition | None:
        """The recommendation a withheld/blocked/warning rule acts on."""
        return next((c for c in self.positive if c.kind == "recommendation"), None)


class RuleFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)
    layer: Literal[
        "patient", "findings", "compensations", "presentations", "risks", "interventions", "questions", "safety"
    ]  # fmt: skip
    description: str = ""
    rules: list[dict[str, Any]]
