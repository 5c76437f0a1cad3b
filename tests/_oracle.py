"""An oracle for the reasoner written from the rule data alone: nothing here imports the engine.

It reads rules/*.yaml and rules/vocabulary.yaml with plain yaml.safe_load, builds a case's facts from the case
dict as the case contract says (docs/case-format.md, "How a case becomes facts"), and forward-chains every rule
to a fixpoint by brute force, following the rule language as the README documents it ("Adding a rule"). A bug
in the engine's fact builder, compiler or reasoner therefore cannot pass both; where the two disagree, the rule
data and the contract decide which one is wrong.

Numbers are compared exactly (rational arithmetic on the numbers as written), and the derived values are
rounded to 6 decimal places, as the contract says (the engine computes them in floating point; they agree to
that precision, and a threshold comparison could only differ within about 1e-16 of a rounding boundary).
"""

from __future__ import annotations

import itertools
import json
import sys
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import yaml

SIDES = ("left", "right")
OPPOSITE = {"left": "right", "right": "left", "none": "none"}
#: The rule language (README "Adding a rule"): what a condition can name, and what a conclusion can be.
CONDITION_KINDS = (
    "limb", "patient", "measurement", "sign", "symptom", "screen", "red_flag", "condition",
    "finding", "compensation", "risk", "presentation", "recommendation", "question", "referral",
)  # fmt: skip
#: Acting conclusions name no word: they act on the recommendation the rule matched.
ACTING_KINDS = ("withheld", "pending", "blocked", "warning")
CONCLUSION_KINDS = (
    "condition", "finding", "compensation", "risk", "presentation", "recommendation", "question", "referral",
    *ACTING_KINDS,
)  # fmt: skip
#: A patient's conditions and numbers belong to no limb: they join a rule on either side.
UNSIDED = ("condition", "patient")
BOUNDS = {
    "below": lambda v, b: v < b,
    "at_most": lambda v, b: v <= b,
    "at_least": lambda v, b: v >= b,
    "above": lambda v, b: v > b,
}
DERIVED_PLACES = 6
ONSET_ORDER = ("gradual", "sudden", "injury")  # most acute last
DATA_FILES = ("rulebase.yaml", "vocabulary.yaml")


def exact(number: Any) -> Fraction:
    """A number as written (6.5 is 13/2, not the float nearest to it)."""
    return Fraction(Decimal(repr(number))) if isinstance(number, float) else Fraction(number)


def derived(value: Fraction) -> Fraction:
    """A derived value (a left-right difference, the load ratio) to 6 decimal places."""
    return round(value, DERIVED_PLACES)


# --- the rule data -------------------------------------------------------------------------------------


def load(rules_dir: Path) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """(every rule in file order, the vocabulary), read as plain YAML."""
    read = lambda path: yaml.safe_load(path.read_text(encoding="utf-8"))  # noqa: E731
    manifest = read(rules_dir / "rulebase.yaml")
    skip = {*DATA_FILES, "bibliography.yaml", str(manifest.get("bibliography", "bibliography.yaml"))}
    rules = [rule for path in sorted(rules_dir.glob("*.yaml")) if path.name not in skip for rule in read(path)["rules"]]
    return rules, read(rules_dir / "vocabulary.yaml")


def names_of(value: Any) -> list[str]:
    return value if isinstance(value, list) else [value]


def kind_of(condition: dict[str, Any]) -> str:
    (kind,) = [k for k in CONDITION_KINDS if k in condition]
    return kind


def conclusion_kind(then: dict[str, Any]) -> str:
    (kind,) = [k for k in CONCLUSION_KINDS if then.get(k) not in (None, False)]
    return kind


def anchor_of(rule: dict[str, Any]) -> int:
    """The condition whose limb the rule's other conditions join: the first present, sided, same-side one."""
    return next(
        i
        for i, c in enumerate(rule["when"])
        if not c.get("absent") and kind_of(c) not in UNSIDED and c.get("side", "same") == "same"
    )


# --- a case as facts -----------------------------------------------------------------------------------


def fact(kind: str, name: str, side: str, **details: Any) -> dict[str, Any]:
    key = f"{kind}:{name}" if side == "none" else f"{kind}:{name}:{side}"
    if kind == "compensation":
        key += ":observed" if details["observed"] else ":expected"
    return {"kind": kind, "name": name, "side": side, "key": key, **details}


def sides(side: str) -> tuple[str, ...]:
    return SIDES if side == "both" else (side,)


def case_facts(case: dict[str, Any], vocabulary: dict[str, Any]) -> list[dict[str, Any]]:
    """Every fact of a case, as docs/case-format.md says the case reads."""
    facts = [fact("limb", side, side) for side in SIDES]
    patient = case.get("patient") or {}
    facts += [fact("patient", n, "none", value=exact(v)) for n, v in patient.items() if n != "sex"]
    if "sex" in patient:
        facts.append(fact("patient", "sex", "none", result=patient["sex"]))
    if patient.get("weekly_km") is not None and patient.get("weekly_km_before"):
        ratio = min(exact(patient["weekly_km"]) / exact(patient["weekly_km_before"]), exact(sys.float_info.max))
        facts.append(fact("patient", "load_ratio", "none", value=derived(ratio)))
    facts += _measurements(case.get("measurements") or {}, vocabulary)
    for name, side in (case.get("signs") or {}).items():
        facts += [fact("sign", name, one) for one in sides(side)]
    conditions = list(dict.fromkeys(case.get("conditions") or []))
    symptoms = _symptoms(case.get("symptoms") or [], "acute_injury_72h" in conditions)
    facts += [fact("symptom", site, side, **details) for (site, side), details in symptoms.items()]
    screens, flags, screen_conditions = _screens(case.get("screening") or {}, vocabulary)
    facts += screens
    written = case.get("red_flags") or []
    written = written if isinstance(written, dict) else dict.fromkeys(written)
    for flag, side in written.items():
        flags |= {(flag, one) for one in _flag_sides(flag, side, symptoms, vocabulary)}
    facts += [fact("red_flag", flag, side) for flag, side in sorted(flags)]
    conditions += [c for c in sorted(screen_conditions) if c not in conditions]
    facts += [fact("condition", name, "none") for name in conditions]
    return facts


def _measurements(measurements: dict[str, Any], vocabulary: dict[str, Any]) -> list[dict[str, Any]]:
    """Each measured side, and the left-right difference on the more restricted (lower) side."""
    facts = []
    derived_names = {name.replace("_asymmetry", ""): name for name in vocabulary["derived_measurements"]}
    for name, sided in measurements.items():
        facts += [fact("measurement", name, side, value=exact(sided[side])) for side in SIDES if side in sided]
        if "left" in sided and "right" in sided and sided["left"] != sided["right"]:
            left, right = exact(sided["left"]), exact(sided["right"])
            lower = "left" if left < right else "right"
            facts.append(fact("measurement", derived_names[name], lower, value=derived(abs(left - right))))
    return facts


def _symptoms(symptoms: list[dict[str, Any]], acute_recorded: bool) -> dict[tuple[str, str], dict[str, Any]]:
    """One symptom per site and limb: the longest weeks, the worst severity and the most acute onset of its
    entries; no onset reads as gradual, but as sudden at weeks 0 when acute_injury_72h is recorded."""
    merged: dict[tuple[str, str], dict[str, Any]] = {}
    for symptom in symptoms:
        onset = symptom.get("onset") or ("sudden" if acute_recorded and symptom.get("weeks") == 0 else "gradual")
        for side in sides(symptom["side"]):
            entry = merged.setdefault((symptom["site"], side), {"onset": onset, "onset_recorded": False})
            entry["onset"] = max(entry["onset"], onset, key=ONSET_ORDER.index)
            entry["onset_recorded"] = entry["onset_recorded"] or "onset" in symptom
            for detail in ("weeks", "severity"):
                if symptom.get(detail) is not None:
                    entry[detail] = max(entry.get(detail, exact(symptom[detail])), exact(symptom[detail]))
    return merged


def _screens(screening: dict[str, Any], vocabulary: dict[str, Any]) -> tuple[list, set, set]:
    """Screen facts per limb; the red flags (flag, side) and conditions their abnormal results are."""
    facts, flags, conditions = [], set(), set()
    for name, value in screening.items():
        spec = vocabulary["screening"][name]
        if "range" in spec:  # a score of the patient: on both limbs, abnormal from a threshold on
            results = {side: value for side in SIDES}
            abnormal = {side for side in SIDES if exact(value) >= exact(spec["abnormal_at_least"])}
            facts += [fact("screen", name, side, value=exact(value)) for side in SIDES]
        else:
            results = value if isinstance(value, dict) else dict.fromkeys(SIDES, value)
            abnormal = {side for side, result in results.items() if result == spec["abnormal"]}
            facts += [fact("screen", name, side, result=result) for side, result in sorted(results.items())]
        for side in abnormal:
            if "red_flag" in spec:
                whole = spec["red_flag"] in vocabulary["whole_patient_flags"]
                flags |= {(spec["red_flag"], one) for one in (SIDES if whole else (side,))}
            else:
                conditions.add(spec["condition"])
    return facts, flags, conditions


def _flag_sides(flag: str, written: str | None, symptoms: dict, vocabulary: dict[str, Any]) -> tuple[str, ...]:
    """A whole-patient flag: both limbs. Else its written side (map form), else the limbs with a symptom at one
    of its sites (list form), else both."""
    if flag in vocabulary["whole_patient_flags"]:
        return SIDES
    if written is not None:
        return sides(written)
    sites = set(vocabulary["red_flag_sites"].get(flag, []))
    found = {side for site, side in symptoms if site in sites}
    return tuple(side for side in SIDES if side in found) or SIDES


# --- forward chaining ----------------------------------------------------------------------------------


def matches(condition: dict[str, Any], f: dict[str, Any], anchor: dict[str, Any] | None) -> bool:
    """Whether fact `f` satisfies the condition (joined to the anchor's limb when one is given)."""
    kind = kind_of(condition)
    if f["kind"] != kind or (condition[kind] != "any" and f["name"] not in names_of(condition[kind])):
        return False
    if anchor is not None and kind not in UNSIDED:
        wanted = anchor["side"] if condition.get("side", "same") == "same" else OPPOSITE[anchor["side"]]
        if f["side"] != wanted:
            return False
    for bound, check in BOUNDS.items():
        if bound in condition and ("value" not in f or not check(f["value"], exact(condition[bound]))):
            return False
    if "observed" in condition and f.get("observed") != condition["observed"]:
        return False
    if "family" in condition and f.get("family") not in names_of(condition["family"]):
        return False
    if "not_family" in condition and f.get("family") in names_of(condition["not_family"]):
        return False
    return all(_detail_holds(f.get(name), wanted) for name, wanted in (condition.get("where") or {}).items())


def _detail_holds(value: Any, wanted: Any) -> bool:
    if wanted == "absent":
        return value is None
    if isinstance(wanted, dict):  # bounds on a number
        return value is not None and all(BOUNDS[k](value, exact(b)) for k, b in wanted.items())
    if isinstance(wanted, bool):
        return value is wanted
    return value is not None and value in names_of(wanted)


def conclude(rule: dict[str, Any], premises: list[dict[str, Any]], anchor: dict[str, Any], vocabulary: dict) -> dict:
    then = rule["then"]
    kind = conclusion_kind(then)
    if kind in ACTING_KINDS:  # acts on the recommendation the rule matched
        target = next(p for p in premises if p["kind"] == "recommendation")
        return fact(kind, target["name"], target["side"])
    if kind in UNSIDED:
        return fact(kind, then[kind], "none")
    if kind == "compensation":
        return fact(kind, then[kind], anchor["side"], observed=bool(then.get("observed")))
    if kind == "recommendation":
        return fact(kind, then[kind], anchor["side"], family=vocabulary["interventions"][then[kind]]["family"])
    return fact(kind, then[kind], anchor["side"])


def derive(
    case_facts: list[dict[str, Any]],
    rules: list[dict[str, Any]],
    vocabulary: dict[str, Any],
) -> tuple[dict[str, dict[str, Any]], set[tuple[str, tuple[str, ...], str]]]:
    """Every fact the rules imply and every firing (rule id, premise keys, conclusion key), to a fixpoint.

    A rule fires once per combination of facts that meets its present conditions on one limb while no case fact
    meets an absent one (`absent` judges case facts only: README, "Adding a rule"). One fact may meet several
    conditions, a present and an absent one included: a fact that a rule negates blocks it even where a present
    condition of the same rule matched that very fact."""
    known = {f["key"]: f for f in case_facts}
    firings: set[tuple[str, tuple[str, ...], str]] = set()
    changed = True
    while changed:
        changed = False
        current = list(known.values())
        for rule in rules:
            at = anchor_of(rule)
            for anchor in (f for f in current if matches(rule["when"][at], f, None)):
                absent = [c for c in rule["when"] if c.get("absent")]
                blockers = {f["key"] for c in absent for f in case_facts if matches(c, f, anchor)}
                choices = [
                    [anchor] if i == at else [f for f in current if matches(c, f, anchor)]
                    for i, c in enumerate(rule["when"])
                    if not c.get("absent")
                ]
                if blockers:
                    continue
                for premises in itertools.product(*choices):
                    keys = tuple(p["key"] for p in premises)
                    concluded = conclude(rule, list(premises), anchor, vocabulary)
                    firing = (rule["id"], keys, concluded["key"])
                    if firing not in firings:
                        firings.add(firing)
                        changed = True
                    if concluded["key"] not in known:
                        known[concluded["key"]] = concluded
                        changed = True
    return known, firings


def read_case(path: Path) -> dict[str, Any]:
    text = path.read_text(encoding="utf-8")
    return json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
