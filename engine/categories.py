"""The engine's own categories, in one place: fact kinds, layers, sides, grades, comparisons, statuses and
the colours the graphs draw them in, and the one function that builds a fact's key (its node id).

These are the words of the engine's machinery, not clinical knowledge: the clinical words (measurements,
signs, interventions, thresholds) live in rules/vocabulary.yaml and the rule files.
"""

from __future__ import annotations

from typing import Literal

#: Facts read from the case file.
CASE_KINDS = ("limb", "patient", "measurement", "sign", "symptom", "screen", "red_flag", "condition")
#: Facts the rules conclude, one layer each.
DERIVED_KINDS = ("finding", "compensation", "risk", "presentation", "recommendation", "question", "referral")
CONDITION_KINDS = CASE_KINDS + DERIVED_KINDS
#: Kinds a rule can conclude. withheld, pending, blocked and warning act on a recommendation the rule matched;
#: a rule of the patient layer may conclude a derived condition (age_under_16, acute_injury_72h).
ACTING_KINDS = ("withheld", "pending", "blocked", "warning")
CONCLUSION_KINDS = ("condition", *DERIVED_KINDS, *ACTING_KINDS)
#: Facts that belong to the patient rather than to a limb (they join any side).
UNSIDED_KINDS = ("condition", "patient")
#: Kinds whose facts carry a number (`value`) that below/at_most/at_least/above compare.
NUMERIC_KINDS = ("measurement", "patient", "screen")

#: A comparison in a rule file -> the durable-rules operator it compiles to.
COMPARISONS = {"below": "$lt", "at_most": "$lte", "at_least": "$gte", "above": "$gt"}
Comparison = Literal["below", "at_most", "at_least", "above"]
COMPARISON_WORDS = {"below": "below", "at_most": "at most", "at_least": "at least", "above": "above"}
COMPARISON_SYMBOLS = {"below": "<", "at_most": "<=", "at_least": ">=", "above": ">"}

#: Limbs. A case side 'both' becomes a fact on each limb; an item on both limbs is merged to 'both'.
SIDES = ("left", "right")
OPPOSITE = {"left": "right", "right": "left", "none": "none"}

#: Evidence grades, strongest first.
GRADE_ORDER = "ABC"

#: The layer of the explanation graph each kind sits in.
LAYER_OF_KIND = {
    **dict.fromkeys(CASE_KINDS, "case"),
    "finding": "findings",
    "compensation": "compensations",
    "risk": "risks",
    "presentation": "presentations",
    "recommendation": "recommendations",
    "question": "questions",
    "referral": "referrals",
    **dict.fromkeys(ACTING_KINDS, "safety"),
}

#: layer -> (legend title, stroke colour, fill colour), in the left-to-right order of the graph.
LAYERS = {
    "case": ("Case facts", "#5b8ac4", "#e8f1fb"),
    "findings": ("Findings", "#c9a227", "#fff4d6"),
    "compensations": ("Compensations", "#d9822b", "#ffe3cc"),
    "presentations": ("Presentations", "#8c3b8c", "#f3dcf3"),
    "risks": ("Risks", "#c94c4c", "#fbd5d5"),
    "recommendations": ("Recommendations", "#3f9b5f", "#dcf5e3"),
    "questions": ("Questions", "#8162c4", "#ece4fb"),
    "referrals": ("Referrals", "#b42318", "#ffc9c9"),
    "safety": ("Safety", "#7a7a7a", "#f2f2f2"),
    "rule": ("Rule firing (id [grade])", "#9aa3b2", "#ffffff"),
}


def weakest(*grades: str) -> str:
    return max(grades, key=GRADE_ORDER.index)


def strongest(*grades: str) -> str:
    return min(grades, key=GRADE_ORDER.index)


def fact_key(kind: str, name: str, side: str, observed: bool | None = None) -> str:
    """The stable identity of a fact, and its node id in the explanation graph: kind:name[:side][:observed]."""
    key = f"{kind}:{name}" if side == "none" else f"{kind}:{name}:{side}"
    if observed is not None:
        key += ":observed" if observed else ":expected"
    return key


def key_parts(key: str) -> tuple[str, str, str]:
    """kind, name and side of a fact key (the inverse of fact_key; 'none' for a fact on no limb)."""
    kind, name, *rest = key.split(":")
    return kind, name, rest[0] if rest else "none"


def rule_node(rule_id: str, side: str, occurrence: int = 1) -> str:
    """The node id of a rule firing in the explanation graph (the n-th firing of a rule on one side)."""
    base = f"rule:{rule_id}@{side}"
    return base if occurrence == 1 else f"{base}#{occurrence}"
