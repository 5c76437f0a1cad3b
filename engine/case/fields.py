"""The value types of the case contract: numbers that are never coerced, vocabulary words with a 'did you
mean', sides, dates. Each carries a JSON-Schema description, so a clinician can write a case from the
published schema alone."""

from __future__ import annotations

import datetime
import math
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, WithJsonSchema
from pydantic_core import PydanticCustomError

CASE_ID_PATTERN = r"^[A-Za-z0-9._-]{1,64}$"
SIDE_WORDS = ("left", "right", "both")
SIDE_LABELS = {"left": "left leg", "right": "right leg", "both": "both legs"}


def did_you_mean(word: str, choices: list[str] | tuple[str, ...]) -> str:
    import difflib  # only for a word the case got wrong

    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return f", did you mean '{close[0]}'?" if close else ""


def show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _number_check(low: float, high: float | None, whole: bool):
    kind = "a whole number" if whole else "a number"
    expected = f"{kind} of at least {low:g}" if high is None else f"{kind} between {low:g} and {high:g}"

    def check(value: Any) -> int | float:
        is_number = isinstance(value, int | float) and not isinstance(value, bool)
        finite = is_number and (isinstance(value, int) or math.isfinite(value))
        in_range = finite and low <= value and (high is None or value <= high)
        if not in_range or (whole and not isinstance(value, int)):
            raise PydanticCustomError(
                "number", "expected {expected}, got {got}", {"expected": expected, "got": show(value)}
            )
        return value

    return check


def Number(low: float, high: float | None = None, description: str = "", whole: bool = False) -> Any:
    """A finite int or float in range; strings such as '6.5cm' are refused, never coerced; ints stay ints."""
    schema: dict[str, Any] = {"type": "integer" if whole else "number", "minimum": low}
    if high is not None:
        schema["maximum"] = high
    if description:
        schema["description"] = description
    return Annotated[int | float, BeforeValidator(_number_check(low, high, whole)), WithJsonSchema(schema)]


def Word(words: dict[str, str] | tuple[str, ...], what: str, description: str = "") -> Any:
    """One identifier from a vocabulary list, with a 'did you mean' on a near miss.

    The schema lists each word with its label (oneOf const/description), so the words are documented.
    """
    labels = words if isinstance(words, dict) else {word: word for word in words}
    choices = tuple(labels)

    def check(value: Any) -> str:
        if not isinstance(value, str):
            raise PydanticCustomError("word", "expected {what}, got {got}", {"what": what, "got": show(value)})
        if value not in choices:
            hint = did_you_mean(value, choices)
            shown = ", ".join(choices) if len(choices) <= 4 else f"one of the {len(choices)} words in the vocabulary"
            raise PydanticCustomError(
                "word",
                "unknown {what} '{value}'{hint} (expected {shown})",
                {"what": what, "value": value, "hint": hint, "shown": shown},
            )
        return value

    schema: dict[str, Any] = {"type": "string", "oneOf": [{"const": w, "description": labels[w]} for w in choices]}
    if description:
        schema["description"] = description
    return Annotated[Literal[choices], BeforeValidator(check), WithJsonSchema(schema)]  # type: ignore[valid-type]


def Side(description: str = "the side: left, right or both") -> Any:
    return Word(SIDE_LABELS, "side", description)


def _text_check(value: Any) -> str:
    if not isinstance(value, str):
        raise PydanticCustomError("text", "expected text (quote it in YAML), got {got}", {"got": show(value)})
    return value


def _date_check(value: Any) -> datetime.date:
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return value
    if isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            pass
    raise PydanticCustomError("date", "expected an ISO date such as 2026-11-20, got {got}", {"got": show(value)})


def _format_check(value: Any) -> int:
    if isinstance(value, bool) or value not in (1, 2) or not isinstance(value, int):
        raise PydanticCustomError(
            "format", "expected 1 or 2 (the case format versions), got {got}", {"got": show(value)}
        )
    return value


CaseId = Annotated[
    str,
    BeforeValidator(_text_check),
    Field(pattern=CASE_ID_PATTERN),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": CASE_ID_PATTERN,
            "description": "the case's identifier (1-64 letters, digits, '-', '_', '.')",
        }
    ),
]
FormatVersion = Annotated[
    int,
    BeforeValidator(_format_check),
    WithJsonSchema({"enum": [1, 2], "description": "case format version; absent means 2 (version 1 files stay valid)"}),
]
VisitDate = Annotated[
    datetime.date,
    BeforeValidator(_date_check),
    WithJsonSchema({"type": "string", "format": "date", "description": "the visit date, ISO (YYYY-MM-DD)"}),
]
