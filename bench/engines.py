"""The full pipeline against bare durable-rules, side by side in one process.

    python bench/engines.py [--n 1000] [--seed 11] [--rounds 3]

Full pipeline: `Engine.assess(case)` (validation, facts, reasoning on this engine's thin host, assembly)
plus the JSON a batch writes (`to_json(indent=None)`, no explanation). Bare baseline: the same compiled
rulesets and the same facts on durable-rules' own Python host, with an action that only concludes and
asserts (engine.reasoning._stock). Rounds alternate so that both see the same machine; the medians are
printed with their ratio (target: >= 1.0), the JSON bytes per case and whether both hosts fired exactly the
same rules on every case. Its cases draw many measurements, signs and symptoms at random on both sides, so they
carry more items than a clinic's: the 8,000-byte target for a batch's JSON is judged on the batch benchmark's
100,000 cases (bench/batch_throughput.py prints it), and the figure here shows how the size grows with a case.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from cases import case_options, random_cases

import engine
from engine.reasoning._stock import StockReasoner
from engine.reasoning.facts import case_facts


def main(argv: list[str] | None = None) -> int:
    parser = case_options(__doc__.splitlines()[0], n=1000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)

    eng = engine.Engine()
    stock = StockReasoner(eng.rulebase)
    cases = list(random_cases(args.seed, args.n, eng.rulebase.vocabulary))
    valid = [eng.load_case(case) for case in cases]
    facts = [case_facts(case, eng.rulebase.vocabulary) for case in valid]

    same = all(
        {(f.rule_id, f.premises, f.conclusion) for f in eng.reasoner.run([dict(x) for x in fs]).firings}
        == stock.run([dict(x) for x in fs])
        for fs in facts[:200]
    )
    sizes = [len(eng.assess(case).to_json(indent=None).encode()) for case in cases]

    full_rates, bare_rates = [], []
    for _ in range(args.rounds):
        started = time.perf_counter()
        for case in cases:
            eng.assess(case).to_json(indent=None)
        full_rates.append(len(cases) / (time.perf_counter() - started))
        started = time.perf_counter()
        for fs in facts:
            stock.run(fs)
        bare_rates.append(len(cases) / (time.perf_counter() - started))

    full, bare = statistics.median(full_rates), statistics.median(bare_rates)
    print(f"cases: {len(cases)} (seed {args.seed}), rounds: {args.rounds}, rulesets: {eng.reasoner.ruleset_count}")
    print(f"full pipeline (assess + JSON):  {full:8.1f} assessments/s  (rounds: {_rates(full_rates)})")
    print(f"bare durable-rules (own host):  {bare:8.1f} runs/s         (rounds: {_rates(bare_rates)})")
    print(f"ratio full / bare:              {full / bare:8.2f}  (target >= 1.0)")
    print(
        f"JSON per case (batch, no --explain): mean {statistics.mean(sizes):,.0f} bytes, "
        f"median {statistics.median(sizes):,.0f}, max {max(sizes):,}  (these heavier cases; the 8,000 target: "
        "bench/batch_throughput.py)"
    )
    print(f"same firings on both hosts (first 200 cases): {'yes' if same else 'NO'}")
    return 0 if same else 1


def _rates(rates: list[float]) -> str:
    return ", ".join(f"{rate:.0f}" for rate in rates)


if __name__ == "__main__":
    sys.exit(main())
