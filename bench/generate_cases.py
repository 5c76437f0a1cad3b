"""Write varied, valid case files (and a few invalid ones) for batch benchmarks and tests.

    python bench/generate_cases.py --n 10000 --seed 1 --out /tmp/cases --invalid 5

Valid cases draw measurements within the vocabulary's ranges (a side is sometimes missing), signs,
symptoms, and now and then a red flag or a condition; about one file in four is JSON. Invalid files break
the contract in different ways (unknown sex, out-of-range value, unknown measurement, YAML syntax, empty)
and are spread among the valid ones so a sorted folder interleaves them. Same seed, same files.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from engine.knowledge.vocabulary import Vocabulary  # noqa: E402

SIDES = ("left", "right", "both")
#: Mean and SD per measurement, roughly a recreational running population (about a third restricted).
TYPICAL = {
    "lunge_distance_cm": (10.0, 3.0),
    "lunge_angle_deg": (40.0, 6.0),
    "dorsiflexion_knee_straight_deg": (9.0, 6.0),
    "dorsiflexion_knee_bent_deg": (16.0, 6.0),
}
INVALID_BODIES = (
    "case_id: BAD-{i}\npatient: {{sex: F}}\n",
    "case_id: BAD-{i}\nmeasurements:\n  lunge_distance_cm: {{left: 99}}\n",
    "case_id: BAD-{i}\nmeasurements:\n  knee_to_wall: {{left: 7}}\n",
    "case_id: BAD-{i}\nmeasurements: [unclosed\n",
    "",
)


def make_case(rng: random.Random, index: int, vocabulary: Vocabulary) -> dict[str, Any]:
    """One plausible runner: measurements for zero to four tests, some signs and symptoms."""
    case: dict[str, Any] = {"case_id": f"GEN-{index:06d}"}
    if rng.random() < 0.8:
        case["visit_date"] = f"2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        case["patient"] = {
            "age": rng.randint(16, 75),
            "sex": rng.choice(("female", "male", "other", "unknown")),
            "weekly_km": rng.randint(5, 120),
        }
    measurements = {}
    for name, spec in vocabulary.measurements.items():
        if rng.random() < 0.35:
            continue
        centre, spread = TYPICAL.get(name, ((spec.min + spec.max) / 2, (spec.max - spec.min) / 6))
        values = {
            side: round(min(spec.max, max(spec.min, rng.gauss(centre, spread))), 1)
            for side in ("left", "right")
            if rng.random() < 0.9
        }
        if values:
            measurements[name] = values
    if measurements:
        case["measurements"] = measurements
    signs = rng.sample(vocabulary.words("signs"), rng.randint(0, 4))
    if signs:
        case["signs"] = {sign: rng.choice(SIDES) for sign in signs}
    sites = rng.sample(vocabulary.words("symptom_sites"), rng.randint(0, 2))
    case["symptoms"] = [
        {"site": site, "side": rng.choice(SIDES), "weeks": rng.randint(0, 30), "severity": rng.randint(0, 10)}
        for site in sites
    ]
    if rng.random() < 0.05:
        case["red_flags"] = [rng.choice(vocabulary.words("red_flags"))]
    if rng.random() < 0.1:
        case["conditions"] = rng.sample(vocabulary.words("conditions"), rng.randint(1, 2))
    return case


def generate(n: int, seed: int, out: Path, invalid: int = 0, rules_dir: Path | None = None) -> list[Path]:
    """Write n valid and `invalid` invalid case files to `out`; returns the paths in sorted order."""
    rng = random.Random(seed)
    vocabulary = Vocabulary.load((rules_dir or REPO / "rules") / "vocabulary.yaml")
    out.mkdir(parents=True, exist_ok=True)
    width = len(str(max(n, 1)))
    written = []
    for i in range(n):
        case = make_case(rng, i, vocabulary)
        if rng.random() < 0.25:
            path = out / f"case-{i:0{width}d}.json"
            path.write_text(json.dumps(case, indent=1), encoding="utf-8")
        else:
            path = out / f"case-{i:0{width}d}.yaml"
            path.write_text(yaml.safe_dump(case, sort_keys=False), encoding="utf-8")
        written.append(path)
    for j in range(invalid):
        position = rng.randrange(max(n, 1))
        path = out / f"case-{position:0{width}d}-bad{j}.yaml"
        path.write_text(INVALID_BODIES[j % len(INVALID_BODIES)].format(i=j), encoding="utf-8")
        written.append(path)
    return sorted(written)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10000, help="valid case files to write")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, required=True, help="folder to write into")
    parser.add_argument("--invalid", type=int, default=0, help="invalid case files to add")
    args = parser.parse_args(argv)
    files = generate(args.n, args.seed, args.out, args.invalid)
    print(f"wrote {len(files)} case files ({args.invalid} invalid) to {args.out}")


if __name__ == "__main__":
    main()
