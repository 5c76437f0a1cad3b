"""Turning a validated case into the facts the rules reason over (case-format version 2).

Every fact sits on one limb ('left' or 'right'; a side given as 'both' becomes two facts), except the
patient's conditions and numbers, which belong to no limb. What is done here is interpretation the
contract prescribes, not clinical reasoning:
- left-right asymmetry (on the more restricted side) and the load ratio are arithmetic on the case;
- a red flag sits where the contract says: on its written side (map form), on the limbs whose symptoms are
  at its sites (list form; both where that does not tell), on both for a whole-patient flag;
- a screen's abnormal result *is* its red flag (or fact), so `thompson_test: positive` asserts
  positive_thompson_test on that side;
- a symptom without onset is gradual, except at weeks 0 with acute_injury_72h recorded, where it is read as
  sudden so that its screens are asked for (the safer reading).
"""

from __future__ import annotations

import math
import sys
from typing import Any

from pydantic import BaseModel

from engine.categories import OPPOSITE, SIDES, fact_key
from engine.knowledge.vocabulary import Vocabulary

#: Derived values are rounded so that 9.7 - 8.2 is the 1.5 a clinician means, not 1.4999999999999991.
DERIVED_DECIMALS = 6
DEFAULT_ONSET = "gradual"


def make_fact(kind: str, name: str, side: str, **extra: Any) -> dict[str, Any]:
    observed = extra.get("observed") if kind == "compensation" else None
    return {
        "kind": kind,
        "name": name,
        "side": side,
        "opposite": OPPOSITE[side],
        "key": fact_key(kind, name, side, observed),
        **extra,
    }


def expand_side(side: str) -> tuple[str, ...]:
    return SIDES if side == "both" else (side,)


def asymmetry_name(measurement: str) -> str:
    stem, unit = measurement.rsplit("_", 1)
    return f"{stem}_asymmetry_{unit}"


def _measurement_facts(measurements: dict[str, dict[str, float]]) -> list[dict[str, Any]]:
    facts = []
    for name, sided in measurements.items():
        facts += [make_fact("measurement", name, side, value=sided[side]) for side in SIDES if side in sided]
        left, right = sided.get("left"), sided.get("right")
        if left is not None and right is not None and left != right:
            lower = "left" if left < right else "right"
            facts.append(
                make_fact("measurement", asymmetry_name(name), lower, value=round(abs(left - right), DERIVED_DECIMALS))
            )
    return facts


def _patient_facts(patient: dict[str, Any]) -> list[dict[str, Any]]:
    facts = [make_fact("patient", name, "none", value=value) for name, value in patient.items() if name != "sex"]
    if "sex" in patient:  # a word, matched as a result (e.g. the REDs screen for a female runner)
        facts.append(make_fact("patient", "sex", "none", result=patient["sex"]))
    now, before = patient.get("weekly_km"), patient.get("weekly_km_before")
    ratio = now / before if now is not None and before else None  # 0 before = a new or returning runner
    if ratio is not None:  # a vanishing earlier volume is the largest ratio there is, never no ratio (the safer)
        ratio = ratio if math.isfinite(ratio) else sys.float_info.max
        facts.append(make_fact("patient", "load_ratio", "none", value=round(ratio, DERIVED_DECIMALS)))
    return facts


def _symptom_facts(symptoms: list[dict[str, Any]], acute_recorded: bool) -> dict[tuple[str, str], dict[str, Any]]:
    """One fact per site and limb; repeated entries keep the longest weeks, the worst severity and the most
    acute onset (injury > sudden > gradual), so no detail that could trigger a screen is lost."""
    acuteness = ("gradual", "sudden", "injury")
    merged: dict[tuple[str, str], dict[str, Any]] = {}
    for symptom in symptoms:
        onset = symptom.get("onset")
        details = {k: symptom[k] for k in ("weeks", "severity") if k in symptom}
        if onset is None:
            onset = "sudden" if acute_recorded and symptom.get("weeks") == 0 else DEFAULT_ONSET
        for side in expand_side(symptom["side"]):
            fact = merged.setdefault((symptom["site"], side), {"onset_recorded": False, "onset": onset})
            for detail, value in details.items():
                fact[detail] = max(fact.get(detail, value), value)
            fact["onset"] = max(fact["onset"], onset, key=acuteness.index)
            fact["onset_recorded"] = fact["onset_recorded"] or "onset" in symptom
    return merged


def _screen_facts(screening: dict[str, Any], vocabulary: Vocabulary) -> tuple[list[dict[str, Any]], list[tuple]]:
    """Screen facts per limb, and the (kind, name, side) facts their abnormal results are."""
    facts: list[dict[str, Any]] = []
    abnormal: list[tuple[str, str, str]] = []
    for name, value in screening.items():
        spec = vocabulary.screening[name]
        if spec.range is not None:
            results = dict.fromkeys(SIDES, value)
            is_abnormal = {side: value >= spec.abnormal_at_least for side in SIDES}
        else:
            results = value if isinstance(value, dict) else dict.fromkeys(SIDES, value)
            is_abnormal = {side: result == spec.abnormal for side, result in results.items()}
        for side, result in sorted(results.items()):
            extra = {"value": result} if spec.range is not None else {"result": result}
            facts.append(make_fact("screen", name, side, **extra))
            if is_abnormal[side]:
                kind, word = ("red_flag", spec.red_flag) if spec.red_flag else ("condition", spec.condition)
                abnormal.append((kind, word, "none" if kind == "condition" else side))
    return facts, abnormal


def red_flag_sides(
    flag: str, written: str | None, symptom_sides: dict[str, set[str]], vocabulary: Vocabulary
) -> tuple[str, ...]:
    """Where a red flag sits: both for a whole-patient flag, its written side (map form), else the limbs whose
    symptoms are at its sites (list form), else both (never one guessed limb)."""
    if vocabulary.is_whole_patient(flag):
        return SIDES
    if written is not None:
        return expand_side(written)
    sides = set().union(*(symptom_sides.get(site, set()) for site in vocabulary.red_flag_sites_of(flag)))
    return tuple(side for side in SIDES if side in sides) or SIDES


def case_facts(case: BaseModel, vocabulary: Vocabulary) -> list[dict[str, Any]]:
    """All facts of one case, in a fixed order so that the same case always gives the same run."""
    data = case.model_dump(exclude_none=True)
    facts = [make_fact("limb", side, side) for side in SIDES]  # lets a rule ask what is missing on a limb
    facts += _patient_facts(data.get("patient", {}))
    facts += _measurement_facts(data.get("measurements", {}))
    for name, side in data.get("signs", {}).items():
        facts += [make_fact("sign", name, one) for one in expand_side(side)]
    conditions = list(dict.fromkeys(data.get("conditions", [])))
    symptoms = _symptom_facts(data.get("symptoms", []), "acute_injury_72h" in conditions)
    symptom_sides: dict[str, set[str]] = {}
    for site, side in symptoms:
        symptom_sides.setdefault(site, set()).add(side)
    facts += [make_fact("symptom", site, side, **details) for (site, side), details in symptoms.items()]
    screens, abnormal = _screen_facts(data.get("screening", {}), vocabulary)
    facts += screens
    flags = data.get("red_flags", [])
    written = flags if isinstance(flags, dict) else dict.fromkeys(flags)
    placed = {
        ("red_flag", flag, side)
        for flag, side_written in written.items()
        for side in red_flag_sides(flag, side_written, symptom_sides, vocabulary)
    }
    for kind, word, side in abnormal:
        sides = SIDES if kind == "red_flag" and vocabulary.is_whole_patient(word) else (side,)
        placed |= {(kind, word, one) for one in sides}
    facts += [make_fact(kind, word, side) for kind, word, side in sorted(placed) if kind == "red_flag"]
    conditions += sorted(word for kind, word, _ in placed if kind == "condition" and word not in conditions)
    facts += [make_fact("condition", name, "none") for name in conditions]
    return facts
