"""Varied, valid case dicts from a seed, for the bench scripts (no hypothesis: plain `random`)."""

from __future__ import annotations

import argparse
import random
from collections.abc import Iterator
from typing import Any

from engine.knowledge.vocabulary import Vocabulary

SIDES = ("left", "right", "both")


def _value(rng: random.Random, low: float, high: float) -> float:
    """A value as a clinician records it (one decimal), mostly near the clinically interesting range."""
    return round(min(high, max(low, rng.triangular(low, high, low + (high - low) * 0.35))), 1)


def random_case(rng: random.Random, vocabulary: Vocabulary, number: int) -> dict[str, Any]:
    case: dict[str, Any] = {"case_id": f"BENCH-{number:07d}"}
    if rng.random() < 0.8:
        case["patient"] = {
            "age": rng.randint(12, 100),
            "sex": rng.choice(["female", "male", "other", "unknown"]),
            "weekly_km": _value(rng, 0, 150),
        }
    measurements = {}
    for name, spec in vocabulary.measurements.items():
        if rng.random() < 0.6:
            sided = {side: _value(rng, spec.min, spec.max) for side in ("left", "right") if rng.random() < 0.85}
            if sided:
                measurements[name] = sided
    if measurements:
        case["measurements"] = measurements
    signs = {name: rng.choice(SIDES) for name in vocabulary.words("signs") if rng.random() < 0.2}
    if signs:
        case["signs"] = signs
    case["symptoms"] = [
        {
            "site": rng.choice(vocabulary.words("symptom_sites")),
            "side": rng.choice(SIDES),
            "weeks": rng.randint(0, 52),
            "severity": rng.randint(0, 10),
        }
        for _ in range(rng.choice([0, 0, 1, 1, 2, 3]))
    ]
    if rng.random() < 0.15:
        case["red_flags"] = rng.sample(vocabulary.words("red_flags"), rng.randint(1, 2))
    if rng.random() < 0.3:
        case["conditions"] = rng.sample(vocabulary.words("conditions"), rng.randint(1, 3))
    return case


def random_cases(seed: int, n: int, vocabulary: Vocabulary) -> Iterator[dict[str, Any]]:
    rng = random.Random(seed)
    for number in range(n):
        yield random_case(rng, vocabulary, number)


def case_options(description: str, n: int) -> argparse.ArgumentParser:
    """The options of a benchmark over random cases: how many (--n) and the seed that draws them (--seed)."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--n", type=int, default=n)
    parser.add_argument("--seed", type=int, default=11)
    return parser
