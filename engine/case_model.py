"""The case-file contract (shared/case-format.md, version 1) as pydantic models built from the vocabulary.

Built from the vocabulary rather than written out by hand so that the words a case may use and the
words the rules know can never drift apart.
"""

from __future__ import annotations

import datetime
import difflib
import math
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, WithJsonSchema, create_model
from pydantic_core import PydanticCustomError

from engine.vocabulary import Vocabulary

CASE_ID_PATTERN = r"^[A-Za-z0-9._-]{1,64}$"
SIDE_WORDS = ("left", "right", "both")


def did_you_mean(word: str, choices: list[str] | tuple[str, ...]) -> str:
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return f", did you mean '{close[0]}'?" if close else ""


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _number_check(low: float | None, high: float | None):
    expected = f"a number of at least {low:g}" if high is None else f"a number between {low:g} and {high:g}"

    def check(value: Any) -> float:
        is_number = isinstance(value, int | float) and not isinstance(value, bool)
        finite = is_number and (isinstance(value, int) or math.isfinite(value))
        if not finite or value < low or (high is not None and value > high):
            raise PydanticCustomError(
                "number", "expected {expected}, got {got}", {"expected": expected, "got": _show(value)}
            )
        return value

    return check


def Number(low: float, high: float | None = None) -> Any:
    """A finite int or float in range; strings such as '6.5cm' are refused, never coerced."""
    schema: dict[str, Any] = {"type": "number", "minimum": low}
    if high is not None:
        schema["maximum"] = high
    return Annotated[float, BeforeValidator(_number_check(low, high)), WithJsonSchema(schema)]


def Word(words: list[str] | tuple[str, ...], what: str) -> Any:
    """One identifier from a vocabulary list, with a 'did you mean' on a near miss."""
    choices = tuple(words)

    def check(value: Any) -> str:
        if not isinstance(value, str):
            raise PydanticCustomError("word", "expected {what}, got {got}", {"what": what, "got": _show(value)})
        if value not in choices:
            hint = did_you_mean(value, choices)
            shown = ", ".join(choices) if len(choices) <= 4 else f"one of the {len(choices)} words in the vocabulary"
            raise PydanticCustomError(
                "word",
                "unknown {what} '{value}'{hint} (expected {shown})",
                {"what": what, "value": value, "hint": hint, "shown": shown},
            )
        return value

    return Annotated[Literal[choices], BeforeValidator(check)]  # type: ignore[valid-type]


def _text_check(value: Any) -> str:
    if not isinstance(value, str):
        raise PydanticCustomError("text", "expected text (quote it in YAML), got {got}", {"got": _show(value)})
    return value


def _date_check(value: Any) -> datetime.date:
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return value
    if isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            pass
    raise PydanticCustomError("date", "expected an ISO date such as 2026-11-20, got {got}", {"got": _show(value)})


CaseId = Annotated[
    str,
    BeforeValidator(_text_check),
    Field(pattern=CASE_ID_PATTERN),
    WithJsonSchema({"type": "string", "pattern": CASE_ID_PATTERN}),
]


def _format_check(value: Any) -> int:
    if value != 1 or isinstance(value, bool) or not isinstance(value, int):
        raise PydanticCustomError("format", "expected 1 (the only case format), got {got}", {"got": _show(value)})
    return value


FormatVersion = Annotated[int, BeforeValidator(_format_check), WithJsonSchema({"const": 1})]
VisitDate = Annotated[datetime.date, BeforeValidator(_date_check)]
Side = Word(SIDE_WORDS, "side")
STRICT = ConfigDict(extra="forbid", frozen=True)


class Patient(BaseModel):
    model_config = STRICT
    age: Number(12, 100) | None = None
    sex: Word(("female", "male", "other", "unknown"), "sex") | None = None
    weekly_km: Number(0, 300) | None = None


def build_case_model(vocabulary: Vocabulary) -> type[BaseModel]:
    """The Case model for this vocabulary (models are cached on the Engine, not rebuilt per case)."""
    measurement_models = {
        name: create_model(
            f"Measurement_{name}",
            __config__=STRICT,
            left=(Number(spec.min, spec.max) | None, None),
            right=(Number(spec.min, spec.max) | None, None),
        )
        for name, spec in vocabulary.measurements.items()
    }
    measurements = create_model(
        "Measurements", __config__=STRICT, **{name: (model | None, None) for name, model in measurement_models.items()}
    )
    signs = create_model(
        "Signs", __config__=STRICT, **{name: (Side | None, None) for name in vocabulary.words("signs")}
    )
    symptom = create_model(
        "Symptom",
        __config__=STRICT,
        site=(Word(vocabulary.words("symptom_sites"), "symptom site"), ...),
        side=(Side, ...),
        weeks=(Number(0) | None, None),
        severity=(Number(0, 10) | None, None),
    )
    red_flag = Word(vocabulary.words("red_flags"), "red flag")
    condition = Word(vocabulary.words("conditions"), "condition")
    return create_model(
        "Case",
        __config__=ConfigDict(
            extra="forbid",
            frozen=True,
            title="Kinetic-chain case file, format 1",
            json_schema_extra={"$schema": "https://json-schema.org/draft/2020-12/schema"},
        ),
        format=(FormatVersion | None, None),
        case_id=(CaseId, ...),
        visit_date=(VisitDate | None, None),
        patient=(Patient | None, None),
        measurements=(measurements | None, None),
        signs=(signs | None, None),
        symptoms=(list[symptom], []),
        red_flags=(list[red_flag], []),
        conditions=(list[condition], []),
    )
