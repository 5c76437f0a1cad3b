"""The case-file contract (docs/case-format.md, version 2; version-1 files stay valid) as pydantic models
built from the vocabulary.

Built from the vocabulary rather than written out by hand so that the words a case may use, their labels
in the published schema and the words the rules know can never drift apart. No field accepts an explicit
null: a sign or a side left empty is an error naming the field, never a silently dropped fact.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    WithJsonSchema,
    create_model,
    field_validator,
)
from pydantic_core import PydanticCustomError

from engine.case.fields import CaseId, FormatVersion, Number, Side, VisitDate, Word, did_you_mean, show
from engine.knowledge.vocabulary import Range, Vocabulary

__all__ = ["MAX_EXTENSIONS_BYTES", "build_case_model", "did_you_mean"]

STRICT = ConfigDict(extra="forbid", frozen=True, defer_build=True)
#: extensions are the integrating software's own data: echoed, never read, and kept small.
MAX_EXTENSIONS_BYTES = 16 * 1024
SEXES = {"female": "female", "male": "male", "other": "other", "unknown": "unknown"}
#: Patient fields that mean nothing without another (and what that other is): the volume 4 weeks ago is read
#: against today's.
PATIENT_NEEDS = {"weekly_km_before": ("weekly_km", "the current weekly volume")}


def _field(annotation: Any, description: str, required: bool = False) -> tuple[Any, Any]:
    return (annotation, Field(... if required else None, description=description))


def _number(spec: Range, description: str | None = None) -> Any:
    unit = f" ({spec.unit})" if spec.unit else ""
    text = description or f"{spec.label}{unit}, {spec.min:g} to {spec.max:g}"
    return Number(spec.min, spec.max, text, whole=spec.whole)


def _sided(name: str, value: Any, description: str) -> type[BaseModel]:
    return create_model(
        name,
        __config__=ConfigDict(**STRICT, json_schema_extra={"description": description}),
        left=_field(value, f"left leg: {description}"),
        right=_field(value, f"right leg: {description}"),
    )


def _patient(vocabulary: Vocabulary) -> type[BaseModel]:
    fields = {name: _field(_number(spec), spec.label) for name, spec in vocabulary.patient.items()}
    fields["sex"] = _field(Word(SEXES, "sex"), "sex: female, male, other or unknown")

    needs = {dependent: need for dependent, need in PATIENT_NEEDS.items() if dependent in fields}
    validators = {f"needs_{dependent}": _needs(dependent, *need) for dependent, need in needs.items()}
    required = {dependent: [needed] for dependent, (needed, _what) in needs.items()}
    config = ConfigDict(**STRICT, json_schema_extra={"dependentRequired": required} if required else None)
    return create_model("Patient", __config__=config, __validators__=validators, **fields)


def _needs(dependent: str, needed: str, what: str) -> Any:
    """A validator refusing `dependent` without `needed` (PATIENT_NEEDS)."""

    def check(cls: Any, value: Any, info: ValidationInfo) -> Any:
        if info.data.get(needed) is None:
            raise PydanticCustomError("load", f"{dependent} needs {needed} ({what}) too", {})
        return value

    return field_validator(dependent)(check)


def _measurements(vocabulary: Vocabulary) -> type[BaseModel]:
    fields = {
        name: _field(_sided(f"Measurement_{name}", _number(spec), spec.label), f"{spec.label} per side")
        for name, spec in vocabulary.measurements.items()
    }
    return create_model("Measurements", __config__=STRICT, **fields)


def _symptom(vocabulary: Vocabulary) -> type[BaseModel]:
    details = vocabulary.symptom_details
    return create_model(
        "Symptom",
        __config__=STRICT,
        site=_field(Word(vocabulary.symptom_sites, "symptom site"), "where it hurts", required=True),
        side=_field(Side(), "which leg: left, right or both", required=True),
        weeks=_field(_number(details["weeks"]), details["weeks"].label),
        severity=_field(_number(details["severity"]), details["severity"].label),
        onset=_field(Word(vocabulary.onsets, "onset"), "how it began; absent is read as gradual"),
    )


def _screening(vocabulary: Vocabulary) -> type[BaseModel]:
    fields = {}
    for name, screen in vocabulary.screening.items():
        if screen.range is not None:
            value = _number(screen.range, f"{screen.label} ({screen.range.min:g} to {screen.range.max:g})")
        else:
            result = Word(tuple(screen.results), f"{name} result", f"{screen.label}: {' or '.join(screen.results)}")
            value = result | _sided(f"Screen_{name}", result, screen.label) if screen.per_side else result
        fields[name] = _field(value, f"{screen.label}; absent means not checked")
    return create_model("Screening", __config__=STRICT, **fields)


def _outcomes(vocabulary: Vocabulary) -> type[BaseModel]:
    sided = {"visa_a", "visa_p"}
    fields = {
        name: _field(
            _sided(f"Outcome_{name}", _number(spec), spec.label) if name in sided else _number(spec), spec.label
        )
        for name, spec in vocabulary.outcome_scores.items()
    }
    return create_model("Outcomes", __config__=STRICT, **fields)


def _check_extensions(value: Any) -> Any:
    def plain(item: Any, depth: int = 0) -> bool:
        if depth > 32:
            return False
        if isinstance(item, dict):
            return all(isinstance(k, str) and plain(v, depth + 1) for k, v in item.items())
        if isinstance(item, list):
            return all(plain(v, depth + 1) for v in item)
        return item is None or isinstance(item, str | int | float | bool)

    if not isinstance(value, dict):
        raise PydanticCustomError(
            "extensions", "expected a mapping of your own fields, got {got}", {"got": show(value)}
        )
    if not plain(value):
        raise PydanticCustomError(
            "extensions", "expected plain JSON values (text, numbers, true/false, lists, mappings; no YAML tags)", {}
        )
    size = len(json.dumps(value, ensure_ascii=False, allow_nan=False, default=str).encode())
    if size > MAX_EXTENSIONS_BYTES:
        raise PydanticCustomError(
            "extensions",
            "is {size} bytes as JSON; at most {limit} bytes",
            {"size": size, "limit": MAX_EXTENSIONS_BYTES},
        )
    return value


Extensions = Annotated[
    dict[str, Any],
    BeforeValidator(_check_extensions),
    WithJsonSchema({"type": "object", "description": f"your own fields, at most {MAX_EXTENSIONS_BYTES} bytes as JSON"}),
]


def build_case_model(vocabulary: Vocabulary) -> type[BaseModel]:
    """The Case model for this vocabulary (models are cached on the Engine, not rebuilt per case)."""
    red_flag = Word(vocabulary.red_flags, "red flag")
    flag_map = create_model(
        "RedFlagSides",
        __config__=STRICT,
        **{flag: _field(Side(), f"{label}: on which leg") for flag, label in vocabulary.red_flags.items()},
    )
    condition = Word(vocabulary.conditions, "condition")
    signs = create_model(
        "Signs",
        __config__=STRICT,
        **{name: _field(Side(f"{label}: on which leg"), label) for name, label in vocabulary.signs.items()},
    )

    def screens_agree(cls: Any, value: Any, info: ValidationInfo) -> Any:
        problems = contradictions(vocabulary, info.data.get("red_flags"), value)
        if problems:
            raise PydanticCustomError("screen", "{problem}", {"problem": problems[0]})
        return value

    return create_model(
        "Case",
        __config__=ConfigDict(
            **STRICT,
            title="Kinetic-chain case file, format 2",
            json_schema_extra={"$schema": "https://json-schema.org/draft/2020-12/schema"},
        ),
        __validators__={"screens_agree": field_validator("screening")(screens_agree)},
        format=_field(FormatVersion, "case format version: 1 or 2 (absent: 2)"),
        case_id=_field(CaseId, "the case's identifier", required=True),
        visit_date=_field(VisitDate, "the visit date (ISO)"),
        patient=_field(_patient(vocabulary), "the runner: age, sex, weekly running volume now and 4 weeks ago"),
        measurements=_field(_measurements(vocabulary), "dorsiflexion measurements, each per side"),
        signs=_field(signs, "what the clinician saw or the runner reports, each with its side"),
        symptoms=(list[_symptom(vocabulary)], Field([], description="the presenting complaint: where it hurts")),
        red_flags=(
            list[red_flag] | flag_map,
            Field([], description="red flags: a map from flag to side (v2), or a list of flags (v1 form)"),
        ),
        screening=_field(_screening(vocabulary), "the screens done; a missing screen means not checked"),
        conditions=(list[condition], Field([], description="the patient's conditions (for contraindications)")),
        outcomes=_field(_outcomes(vocabulary), "validated outcome scores at this visit, for follow-up"),
        extensions=_field(Extensions, "free-form data of the integrating software; echoed unchanged, never read"),
    )


def contradictions(vocabulary: Vocabulary, red_flags: Any, screening: Any) -> list[str]:
    """A red flag recorded while its screen is recorded negative for the same side (case-format rules)."""
    if red_flags is None or screening is None:
        return []
    flags = (
        red_flags.model_dump(exclude_none=True)
        if isinstance(red_flags, BaseModel)
        else dict.fromkeys(red_flags, "both")
    )
    problems = []
    for name, screen in vocabulary.screening.items():
        value = getattr(screening, name, None)
        if value is None or screen.red_flag not in flags:
            continue
        flag_side = flags[screen.red_flag]
        if screen.range is not None:
            if value < screen.abnormal_at_least:
                problems.append(
                    f"red_flags.{screen.red_flag} is recorded, but screening.{name} is {value} "
                    f"(below {screen.abnormal_at_least:g}): correct one of them"
                )
            continue
        results = (
            value.model_dump(exclude_none=True) if isinstance(value, BaseModel) else {"left": value, "right": value}
        )
        for side, result in sorted(results.items()):
            if result != screen.abnormal and flag_side in (side, "both"):
                where = f"screening.{name}.{side}" if isinstance(value, BaseModel) else f"screening.{name}"
                problems.append(
                    f"red_flags.{screen.red_flag} is recorded for the {side} leg, but {where} is {result}: "
                    "a positive screen is the red flag; correct one of them"
                )
                break
    return problems
