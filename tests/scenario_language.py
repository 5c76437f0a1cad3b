"""The clinician's words the Gherkin steps understand, and how a step finds an item in an assessment.

Sides: "on the left side" holds for an item on the left or on both; "on both sides" needs the item to hold
on each side; "not ... on the right side" fails for an item on the right or on both.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from typing import Any

import engine
from engine.reasoning.assessment import Assessment, Item

VOCABULARY = engine.default_engine().rulebase.vocabulary

#: Families that count as exercise or treatment advice (everything but assessment and monitoring).
EXERCISE_FAMILIES = frozenset({"mobility", "soft_tissue", "recovery", "strength", "whole_chain"})

MEASUREMENTS = {
    "knee-to-wall distance": ("lunge_distance_cm", "cm"),
    "lunge distance": ("lunge_distance_cm", "cm"),
    "lunge angle": ("lunge_angle_deg", "degrees"),
    "tibial angle": ("lunge_angle_deg", "degrees"),
    "knee-straight dorsiflexion": ("dorsiflexion_knee_straight_deg", "degrees"),
    "knee-bent dorsiflexion": ("dorsiflexion_knee_bent_deg", "degrees"),
}

#: Clinicians' words for signs and symptom sites that are not simply the identifier with spaces.
SIGN_WORDS = {
    "heels lifting in a deep squat": "heel_lift_in_squat",
    "heel lift in a squat": "heel_lift_in_squat",
    "early heel rise while running": "early_heel_rise_in_gait",
    "early heel rise in gait": "early_heel_rise_in_gait",
    "knee valgus on a single-leg squat": "dynamic_knee_valgus",
    "contralateral hip drop": "hip_drop",
    "pinch at the front of the ankle": "anterior_ankle_pinch",
    "anterior ankle pinch": "anterior_ankle_pinch",
    "fatigue always on the same side": "one_sided_fatigue",
    "one-sided fatigue": "one_sided_fatigue",
}
SITE_WORDS = {
    "front-of-knee": "anterior_knee",
    "outside-of-knee": "lateral_knee",
    "heel": "plantar_heel",
    "front-of-ankle": "anterior_ankle",
}

SIDE_PHRASE = r"(?P<where> (?:on|for) (?:the (?:left|right) side|both sides))?"


def side_of(where: str | None) -> str | None:
    """'left', 'right', 'both', or None when the step names no side."""
    if not where:
        return None
    return "both" if "both" in where else ("left" if "left" in where else "right")


def identifier(words: str) -> str:
    """'positive Thompson test' -> 'positive_thompson_test'; "Raynaud's" -> 'raynauds'."""
    words = re.sub(r"^(?:an?|the) ", "", words.strip().lower()).replace("'", "")
    return re.sub(r"[\s-]+", "_", words)


def known(section: str, name: str) -> str:
    words = VOCABULARY.words(section)
    assert name in words, f"{name!r} is not in the {section} vocabulary; known: {words}"
    return name


def known_node_name(name: str) -> str:
    sections = (
        "measurements", "derived_measurements", "signs", "symptom_sites", "findings", "compensations", "risks",
        "presentations",
        "interventions", "questions", "referrals", "red_flags", "conditions",
    )  # fmt: skip
    if any(name in VOCABULARY.words(s) for s in sections):
        return name
    rule_ids = {rule.id for rule in engine.default_engine().rulebase.rules}
    assert name in rule_ids, f"{name!r} is neither a vocabulary word nor a rule id"
    return name


@dataclass
class Visit:
    """The case being written by the Given-steps, and its assessment once a Then-step asks for it."""

    case: dict[str, Any] = field(default_factory=lambda: {"format": 1, "case_id": "BDD-SCENARIO"})
    _assessment: Assessment | None = None

    @property
    def assessment(self) -> Assessment:
        if self._assessment is None:
            self._assessment = engine.assess(copy.deepcopy(self.case))
        return self._assessment

    def edit(self) -> dict[str, Any]:
        assert self._assessment is None, "a Given-step after the runner was assessed"
        return self.case


# --- what the assessment says, by side ----------------------------------------------------------------


def covers(item: Item, side: str) -> bool:
    return item.side in (side, "both")


def on_side(items: list[Any], name: str, side: str | None) -> list[Any]:
    """Items called `name` that hold on `side` (any side when None; each side when 'both')."""
    named = [item for item in items if item.id == name]
    if side is None:
        return named
    if side == "both":
        left = [item for item in named if covers(item, "left")]
        right = [item for item in named if covers(item, "right")]
        return left + [item for item in right if item not in left] if left and right else []
    return [item for item in named if covers(item, side)]


def brief(items: list[Any]) -> str:
    return ", ".join(f"{item.id}:{item.side}" for item in items) or "nothing"


def where_text(side: str | None) -> str:
    return "" if side is None else (" on both sides" if side == "both" else f" on the {side} side")


def expect_item(items: list[Any], section: str, name: str, where: str | None, what: str) -> list[Any]:
    """The items called `name` on the side the step names; fails naming what the assessment has instead."""
    known(section, name)
    side = side_of(where)
    found = on_side(items, name, side)
    assert found, f"no {what} {name}{where_text(side)}; {what} items: {brief(items)}"
    return found


def expect_no_item(items: list[Any], section: str, name: str, where: str | None, what: str) -> None:
    known(section, name)
    found = on_side(items, name, side_of(where))
    assert not found, f"unexpected {what} {brief(found)}"
