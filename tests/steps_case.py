"""Given-steps: the case, written fact by fact in a clinician's words (a pytest-bdd plugin, see conftest.py)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from pytest_bdd import given, parsers, when
from scenario_language import (
    MEASUREMENTS,
    SIGN_WORDS,
    SITE_WORDS,
    Visit,
    identifier,
    known,
)


@pytest.fixture
def visit() -> Visit:
    return Visit()


# --- Given: the case, fact by fact ------------------------------------------------------------------


@given("a runner")
@given("a runner with nothing recorded but the visit")
def _a_runner(visit: Visit) -> None:
    visit.edit()


@given(
    parsers.re(
        r"a (?P<age>\d+)-year-old (?P<sex>female|male) runner (?:running|who runs) (?P<km>\d+(?:\.\d+)?) km a week"
    )
)
def _patient(visit: Visit, age: str, sex: str, km: str) -> None:
    visit.edit()["patient"] = {"age": int(age), "sex": sex, "weekly_km": float(km)}


@given(
    parsers.re(
        r"(?:a runner whose|the runner's|their) (?P<side>left|right) (?P<test>[a-z -]+?) is "
        r"(?P<value>-?\d+(?:\.\d+)?) (?P<unit>cm|degrees?)"
    )
)
def _measurement(visit: Visit, side: str, test: str, value: str, unit: str) -> None:
    _record_measurement(visit, test, unit, {side: float(value)})


@given(
    parsers.re(
        r"(?:a runner whose|the runner's|their) (?P<test>[a-z -]+?) is "
        r"(?P<value>-?\d+(?:\.\d+)?) (?P<unit>cm|degrees?) on both sides"
    )
)
def _measurement_both(visit: Visit, test: str, value: str, unit: str) -> None:
    _record_measurement(visit, test, unit, {"left": float(value), "right": float(value)})


def _record_measurement(visit: Visit, test: str, unit: str, values: dict[str, float]) -> None:
    assert test in MEASUREMENTS, f"unknown test {test!r}; known: {sorted(MEASUREMENTS)}"
    name, expected_unit = MEASUREMENTS[test]
    assert unit.rstrip("s") == expected_unit.rstrip("s"), f"{test} is measured in {expected_unit}, not {unit}"
    visit.edit().setdefault("measurements", {}).setdefault(name, {}).update(values)


@given(parsers.re(r"the runner shows (?P<words>.+?) on (?:the (?P<side>left|right) side|(?P<both>both) sides)"))
def _sign(visit: Visit, words: str, side: str | None, both: str | None) -> None:
    phrase = re.sub(r"^(?:an?|the) ", "", words.strip().lower())
    name = known("signs", SIGN_WORDS.get(phrase, identifier(phrase)))
    signs = visit.edit().setdefault("signs", {})
    new = both or side
    assert new is not None
    signs[name] = new if signs.get(name) in (None, new) else "both"


@given(
    parsers.re(
        r"the runner reports (?P<words>.+?) pain on (?:the (?P<side>left|right) side|(?P<both>both) sides)"
        r"(?: for (?P<weeks>\d+) weeks?)?(?:, severity (?P<severity>\d+) out of 10)?"
    )
)
def _symptom(
    visit: Visit, words: str, side: str | None, both: str | None, weeks: str | None, severity: str | None
) -> None:
    phrase = words.strip().lower()
    site = known("symptom_sites", SITE_WORDS.get(phrase, identifier(phrase)))
    symptom: dict[str, Any] = {"site": site, "side": both or side}
    if weeks is not None:
        symptom["weeks"] = int(weeks)
    if severity is not None:
        symptom["severity"] = int(severity)
    visit.edit().setdefault("symptoms", []).append(symptom)


@given(parsers.re(r"the runner has the red flag (?P<words>(?:(?! on the | on both ).)+)$"))
def _red_flag(visit: Visit, words: str) -> None:
    visit.edit().setdefault("red_flags", []).append(known("red_flags", identifier(words)))


@given(parsers.re(r"the runner has the condition (?P<words>.+)"))
def _condition(visit: Visit, words: str) -> None:
    visit.edit().setdefault("conditions", []).append(known("conditions", identifier(words)))


@when("the runner is assessed")
def _assessed(visit: Visit) -> None:
    assert visit.assessment.case_id == visit.case["case_id"]
