"""The controlled vocabulary shared by case files, rules and reports (rules/vocabulary.yaml)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml

SIDES = ("left", "right")

#: The vocabulary sections a rule condition or conclusion can name, by fact kind.
KIND_SECTIONS = {
    "limb": "limbs",
    "measurement": "measurements",
    "sign": "signs",
    "symptom": "symptom_sites",
    "red_flag": "red_flags",
    "condition": "conditions",
    "finding": "findings",
    "compensation": "compensations",
    "risk": "risks",
    "recommendation": "interventions",
    "question": "questions",
    "referral": "referrals",
}


@dataclass(frozen=True)
class Measurement:
    name: str
    label: str
    unit: str
    min: float
    max: float
    mdc: float


@dataclass(frozen=True)
class Intervention:
    name: str
    label: str
    family: str
    dose: str
    dose_source: str


@dataclass(frozen=True)
class Vocabulary:
    """Every identifier the engine accepts, with the labels reports print."""

    data: dict[str, Any]

    @classmethod
    def load(cls, path: Path) -> Vocabulary:
        with path.open(encoding="utf-8") as handle:
            return cls(yaml.safe_load(handle))

    @cached_property
    def measurements(self) -> dict[str, Measurement]:
        return {name: Measurement(name=name, **spec) for name, spec in self.data["measurements"].items()}

    @cached_property
    def interventions(self) -> dict[str, Intervention]:
        return {name: Intervention(name=name, **spec) for name, spec in self.data["interventions"].items()}

    def words(self, section: str) -> list[str]:
        return list(self.data[section])

    def words_of_kind(self, kind: str) -> list[str]:
        """The names a fact of this kind may carry (derived measurements count as measurements)."""
        words = self.words(KIND_SECTIONS[kind])
        if kind == "measurement":
            words += self.words("derived_measurements")
        return words

    def label(self, kind: str, name: str) -> str:
        section = "derived_measurements" if name in self.data["derived_measurements"] else KIND_SECTIONS[kind]
        entry = self.data[section][name]
        return entry["label"] if isinstance(entry, dict) else entry

    def red_flag_sites(self, flag: str) -> list[str]:
        """Symptom sites that localise a red flag to a limb; empty for a systemic flag."""
        return list(self.data["red_flag_sites"].get(flag, []))
