"""Random case-format v2 cases over the whole vocabulary, for property tests of the FHIR mapping and the service.

Written against the vocabulary rather than the JSON Schema: the schema-driven strategy in _support predates
case format v2's free-form `extensions` and its either-list-or-map `red_flags`.
"""

from __future__ import annotations

import datetime

from hypothesis import strategies as st

from engine import CaseError, default_engine

ENGINE = default_engine()

SIDES = st.sampled_from(["left", "right", "both"])


def _number(spec) -> st.SearchStrategy:
    whole = st.integers(int(spec.min), int(spec.max))
    return whole if getattr(spec, "whole", False) else whole | st.floats(spec.min, spec.max).map(lambda x: round(x, 1))


def _per_side(values: st.SearchStrategy) -> st.SearchStrategy:
    return st.fixed_dictionaries({}, optional={"left": values, "right": values}).filter(bool)


@st.composite
def v2_cases(draw) -> dict:
    """Valid-looking case-format v2 cases over the whole vocabulary (the engine refuses the odd inconsistent one)."""
    v = ENGINE.rulebase.vocabulary
    case: dict = {"case_id": draw(st.from_regex(r"[A-Za-z0-9._-]{1,12}", fullmatch=True))}
    if draw(st.booleans()):
        case["visit_date"] = draw(st.dates(datetime.date(2000, 1, 1), datetime.date(2030, 12, 31))).isoformat()
    patient = draw(
        st.fixed_dictionaries(
            {},
            optional={
                "age": _number(v.patient["age"]),
                "sex": st.sampled_from(["female", "male", "other", "unknown"]),
                "weekly_km": _number(v.patient["weekly_km"]),
            },
        )
    )
    if "weekly_km" in patient and draw(st.booleans()):
        patient["weekly_km_before"] = draw(_number(v.patient["weekly_km_before"]))
    case["patient"] = patient
    names = draw(st.lists(st.sampled_from(sorted(v.measurements)), unique=True, max_size=4))
    case["measurements"] = {n: draw(_per_side(_number(v.measurements[n]))) for n in names}
    case["signs"] = draw(st.dictionaries(st.sampled_from(sorted(v.signs)), SIDES, max_size=4))
    case["symptoms"] = draw(
        st.lists(
            st.fixed_dictionaries(
                {"site": st.sampled_from(sorted(v.symptom_sites)), "side": SIDES},
                optional={
                    "weeks": _number(v.symptom_details["weeks"]),
                    "severity": _number(v.symptom_details["severity"]),
                    "onset": st.sampled_from(sorted(v.onsets)),
                },
            ),
            max_size=3,
        )
    )
    flags = st.sampled_from(sorted(v.red_flags))
    case["red_flags"] = draw(st.lists(flags, max_size=2) | st.dictionaries(flags, SIDES, max_size=2))
    screening = {}
    for name in draw(st.lists(st.sampled_from(sorted(v.screening)), unique=True, max_size=3)):
        spec = v.screening[name]
        value = _number(spec.range) if spec.range else st.sampled_from(spec.results)
        screening[name] = draw(_per_side(value) | value if spec.per_side and not spec.range else value)
    case["screening"] = screening
    case["conditions"] = draw(st.lists(st.sampled_from(sorted(v.conditions)), max_size=3))
    scores = v.data.get("outcome_scores", {})
    case["outcomes"] = {
        n: draw(_number(v.outcome_scores[n]) if n == "psfs" else _per_side(_number(v.outcome_scores[n])))
        for n in draw(st.lists(st.sampled_from(sorted(scores)), unique=True, max_size=2))
    }
    if draw(st.booleans()):
        case["extensions"] = draw(st.dictionaries(st.text(max_size=8), st.text(max_size=8) | st.integers(), max_size=3))
    return {k: val for k, val in case.items() if val not in ({}, [])}


def valid_case(raw):
    try:
        return ENGINE.load_case(raw)
    except CaseError:
        return None
