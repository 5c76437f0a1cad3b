"""Turning a validated case into the facts the rules reason over.

Every fact sits on one limb ('left' or 'right'; a side given as 'both' becomes two facts), except the
patient's conditions, which belong to no limb. Two kinds of measurement are derived here, because they
are arithmetic on the case rather than clinical reasoning: left-right asymmetry (on the more restricted
side) and the knee-straight to knee-bent gain.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from engine.vocabulary import SIDES, Vocabulary

OPPOSITE = {"left": "right", "right": "left", "none": "none"}
GAIN = "dorsiflexion_gain_knee_bent_deg"
#: Derived values are rounded so that 9.7 - 8.2 is the 1.5 a clinician means, not 1.4999999999999991.
DERIVED_DECIMALS = 6


def fact_key(kind: str, name: str, side: str, observed: bool | None = None) -> str:
    """The stable identity of a fact: the node id in the explanation graph."""
    key = f"{kind}:{name}" if side == "none" else f"{kind}:{name}:{side}"
    if observed is not None:
        key += ":observed" if observed else ":expected"
    return key


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


def _measurement_facts(measurements: dict[str, dict[str, float | None]]) -> list[dict[str, Any]]:
    facts = []
    for name, sided in measurements.items():
        for side in SIDES:
            if sided.get(side) is not None:
                facts.append(make_fact("measurement", name, side, value=sided[side]))
        left, right = sided.get("left"), sided.get("right")
        if left is not None and right is not None and left != right:
            lower = "left" if left < right else "right"
            facts.append(
                make_fact("measurement", asymmetry_name(name), lower, value=round(abs(left - right), DERIVED_DECIMALS))
            )
    straight = measurements.get("dorsiflexion_knee_straight_deg", {})
    bent = measurements.get("dorsiflexion_knee_bent_deg", {})
    for side in SIDES:
        if straight.get(side) is not None and bent.get(side) is not None:
            facts.append(
                make_fact("measurement", GAIN, side, value=round(bent[side] - straight[side], DERIVED_DECIMALS))
            )
    return facts


def red_flag_sides(flag: str, symptom_sides: dict[str, set[str]], vocabulary: Vocabulary) -> tuple[str, ...]:
    """A local red flag sits on the limb(s) whose symptoms it concerns; otherwise it covers both (safe default)."""
    sides = set().union(*(symptom_sides.get(site, set()) for site in vocabulary.red_flag_sites(flag)))
    return tuple(side for side in SIDES if side in sides) or SIDES


def case_facts(case: BaseModel, vocabulary: Vocabulary) -> list[dict[str, Any]]:
    """All facts of one case, in a fixed order so that the same case always gives the same run."""
    data = case.model_dump(exclude_none=True)
    facts = [make_fact("limb", side, side) for side in SIDES]  # lets a rule ask what is missing on a limb
    facts += _measurement_facts(data.get("measurements", {}))
    for name, side in data.get("signs", {}).items():
        facts += [make_fact("sign", name, one) for one in expand_side(side)]
    symptoms: dict[tuple[str, str], dict[str, Any]] = {}
    symptom_sides: dict[str, set[str]] = {}
    for symptom in data.get("symptoms", []):
        for side in expand_side(symptom["side"]):
            merged = symptoms.setdefault((symptom["site"], side), {})
            for detail in ("weeks", "severity"):
                if detail in symptom:
                    merged[detail] = max(merged.get(detail, symptom[detail]), symptom[detail])
            symptom_sides.setdefault(symptom["site"], set()).add(side)
    facts += [make_fact("symptom", site, side, **details) for (site, side), details in symptoms.items()]
    for flag in dict.fromkeys(data.get("red_flags", [])):
        facts += [make_fact("red_flag", flag, side) for side in red_flag_sides(flag, symptom_sides, vocabulary)]
    facts += [make_fact("condition", name, "none") for name in dict.fromkeys(data.get("conditions", []))]
    return facts
