"""The controlled vocabulary shared by case files, rules and reports (rules/vocabulary.yaml).

Loaded through the project's strict YAML loader into a typed model and cross-checked (families, sites,
red-flag placement, screens, number ranges), because a typo here is as dangerous as one in a rule: a
misspelt family once let a drill through a red flag. Every problem names the file and the key.
"""

from __future__ import annotations

import math
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictFloat, StrictInt, ValidationError, model_validator

from engine.errors import RuleBaseError
from engine.knowledge.follow_up_spec import FollowUpSpec

#: The family of interventions a red flag never withholds (stopping and offloading is the safe advice).
OFFLOAD_FAMILY = "offload"

#: The vocabulary sections a rule condition or conclusion can name, by fact kind.
KIND_SECTIONS = {
    "limb": "limbs",
    "measurement": "measurements",
    "sign": "signs",
    "symptom": "symptom_sites",
    "red_flag": "red_flags",
    "condition": "conditions",
    "screen": "screening",
    "patient": "patient",
    "finding": "findings",
    "compensation": "compensations",
    "risk": "risks",
    "presentation": "presentations",
    "recommendation": "interventions",
    "question": "questions",
    "referral": "referrals",
}

Number = StrictInt | StrictFloat
_STRICT = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class Range(BaseModel):
    """A number a case file may carry: its label, unit and inclusive range."""

    model_config = _STRICT
    label: str
    unit: str = ""
    min: Number
    max: Number
    whole: StrictBool = False  # integers only (e.g. the Wells score)

    @model_validator(mode="after")
    def _ordered(self) -> Range:
        if not (math.isfinite(self.min) and math.isfinite(self.max)) or self.min > self.max:
            raise ValueError(f"min {self.min} and max {self.max} must be finite with min <= max")
        return self


class Measurement(Range):
    mdc: Number = Field(gt=0)


class Derived(BaseModel):
    """A measurement the engine computes from the case (asymmetry), never entered by hand."""

    model_config = _STRICT
    label: str
    unit: str


class Intervention(BaseModel):
    model_config = _STRICT
    label: str
    family: str
    dose: str
    dose_source: str
    preventive_dose: str | None = None


class Screen(BaseModel):
    """A screen the clinician records; its abnormal result is the matching red flag or fact (case-format)."""

    model_config = _STRICT
    label: str
    results: list[str] | None = None  # a worded screen (negative | positive, normal | abnormal)
    range: Range | None = None  # a scored screen (the Wells score)
    abnormal: str | None = None  # the worded result that is abnormal
    abnormal_at_least: Number | None = None  # the score at and above which it is abnormal
    red_flag: str | None = None
    condition: str | None = None
    per_side: StrictBool = True

    @model_validator(mode="after")
    def _shape(self) -> Screen:
        if (self.results is None) == (self.range is None):
            raise ValueError("a screen has either results (words) or a range (a score)")
        if (self.red_flag is None) == (self.condition is None):
            raise ValueError("a screen names exactly one of red_flag or condition (what its abnormal result is)")
        if self.results is not None and self.abnormal not in self.results:
            raise ValueError(f"abnormal '{self.abnormal}' is not one of its results {self.results}")
        if self.range is not None and self.abnormal_at_least is None:
            raise ValueError("a scored screen needs abnormal_at_least")
        return self


class Question(BaseModel):
    model_config = _STRICT
    label: str
    #: a screen_* question before the plan (docs/clinical-basis.md section 7)
    screen: Literal["required", "advisory"] | None = None


class Status(BaseModel):
    model_config = _STRICT
    label: str
    rank: StrictInt  # the highest-ranked status that applies wins


class Urgency(BaseModel):
    model_config = _STRICT
    label: str
    urgent: StrictBool  # emergency and same-day referrals make the status refer_urgently


Words = dict[str, str]


class Vocabulary(BaseModel):
    """Every identifier the engine accepts, with the labels reports print and the ranges cases must keep."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)
    limbs: Words
    patient: dict[str, Range]
    derived_patient: Words
    symptom_details: dict[str, Range]
    onsets: Words
    measurements: dict[str, Measurement]
    derived_measurements: dict[str, Derived]
    signs: Words
    symptom_sites: Words
    findings: Words
    compensations: Words
    risks: Words
    presentations: Words = {}
    families: Words
    interventions: dict[str, Intervention]
    questions: dict[str, Question]
    referrals: Words
    urgencies: dict[str, Urgency]
    statuses: dict[str, Status]
    red_flags: Words
    whole_patient_flags: list[str]
    red_flag_sites: dict[str, list[str]]
    screening: dict[str, Screen]
    conditions: Words
    outcome_scores: dict[str, Range] = {}
    #: v1 words kept so v1 files stay valid, but no rule concludes them any more (docs/clinical-basis.md, section 1).
    deprecated: dict[str, list[str]] = {}
    follow_up: FollowUpSpec | None = None  # MCIDs, left-right MDC and verdict texts for comparing visits

    @model_validator(mode="after")
    def _cross_checks(self) -> Vocabulary:
        problems = []
        sites = set(self.symptom_sites)
        for name, spec in self.interventions.items():
            if spec.family not in self.families:
                problems.append(f"interventions.{name}.family: unknown family '{spec.family}'")
        for flag, flag_sites in self.red_flag_sites.items():
            if flag not in self.red_flags:
                problems.append(f"red_flag_sites.{flag}: unknown red flag")
            problems += [f"red_flag_sites.{flag}: unknown symptom site '{s}'" for s in flag_sites if s not in sites]
        problems += [
            f"whole_patient_flags: unknown red flag '{f}'" for f in self.whole_patient_flags if f not in self.red_flags
        ]
        for name, screen in self.screening.items():
            if screen.red_flag is not None and screen.red_flag not in self.red_flags:
                problems.append(f"screening.{name}.red_flag: unknown red flag '{screen.red_flag}'")
            if screen.condition is not None and screen.condition not in self.conditions:
                problems.append(f"screening.{name}.condition: unknown condition '{screen.condition}'")
        problems += [
            f"families: '{OFFLOAD_FAMILY}' is required (red flags never withhold it)"
            for _ in [0]
            if OFFLOAD_FAMILY not in self.families
        ]
        if problems:
            raise ValueError("; ".join(problems))
        return self

    @classmethod
    def load(cls, path: Path) -> Vocabulary:
        """Parse and validate vocabulary.yaml; any problem is a RuleBaseError naming the file and key."""
        return cls.from_data(parse_vocabulary(path), path.name)

    @classmethod
    def from_data(cls, data: object, file: str) -> Vocabulary:
        """Validate the parsed file (see parse_vocabulary); any problem is a RuleBaseError naming file and key."""
        if not isinstance(data, dict):
            raise RuleBaseError([f"{file}: expected a mapping of vocabulary sections"])
        try:
            return cls.model_validate(data)
        except ValidationError as error:
            raise RuleBaseError([_problem(file, e) for e in error.errors()]) from None

    @cached_property
    def data(self) -> dict[str, Any]:
        return self.model_dump()

    def words(self, section: str) -> list[str]:
        return list(getattr(self, section))

    def live_words(self, section: str) -> list[str]:
        """The words of a section that rules still use (deprecated v1 words left out)."""
        return [w for w in getattr(self, section) if w not in self.deprecated.get(section, [])]

    def words_of_kind(self, kind: str) -> list[str]:
        """The names a fact of this kind may carry (derived measurements count as measurements)."""
        words = self.words(KIND_SECTIONS[kind])
        if kind == "measurement":
            words += self.words("derived_measurements")
        if kind == "patient":
            words += self.words("derived_patient")
        return words

    def label(self, kind: str, name: str) -> str:
        section = KIND_SECTIONS[kind]
        if name in self.derived_measurements or name in self.derived_patient:
            section = "derived_measurements" if name in self.derived_measurements else "derived_patient"
        entry = getattr(self, section)[name]
        return entry if isinstance(entry, str) else entry.label

    def red_flag_sites_of(self, flag: str) -> list[str]:
        """Symptom sites that localise a v1 list-form red flag to a limb; empty where nothing localises it."""
        return list(self.red_flag_sites.get(flag, []))

    def is_whole_patient(self, flag: str) -> bool:
        return flag in self.whole_patient_flags


def parse_vocabulary(path: Path) -> object:
    """vocabulary.yaml as plain data, through the strict YAML loader (no aliases, no duplicate keys); a file
    that cannot be read or parsed is a RuleBaseError naming it."""
    from engine.safe_yaml import DuplicateKeyError, check_duplicates, parse_yaml

    try:
        data = parse_yaml(path.read_text(encoding="utf-8"))
        check_duplicates(data)
    except DuplicateKeyError as error:
        raise RuleBaseError([f"{path.name}: {error.path}: {error}"]) from None
    except Exception as error:  # unreadable or not YAML: one line, no traceback
        raise RuleBaseError([f"{path.name}: cannot be read: {error}"]) from None
    return data


def _problem(file: str, error: dict[str, Any]) -> str:
    where = ".".join(str(part) for part in error["loc"] if not str(part).startswith("function-"))
    message = error["msg"].removeprefix("Value error, ")
    return f"{file}: {where}: {message}" if where else f"{file}: {message}"
