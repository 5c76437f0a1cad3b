"""Assessments per second over varied cases (one Engine, one process).

python bench/throughput.py [--n 2000] [--seed 11] [--threads 1]
"""

from __future__ import annotations

import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cases import case_options, random_cases

import engine


def main(argv: list[str] | None = None) -> int:
    parser = case_options(__doc__.splitlines()[0], n=2000)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args(argv)

    started = time.perf_counter()
    eng = engine.Engine()
    load = time.perf_counter() - started
    cases = list(random_cases(args.seed, args.n, eng.rulebase.vocabulary))
    for case in cases[:20]:  # warm-up
        eng.assess(case)
    started = time.perf_counter()
    if args.threads == 1:
        for case in cases:
            eng.assess(case)
    else:
        with ThreadPoolExecutor(max_workers=args.threads) as pool:
            list(pool.map(eng.assess, cases))
    elapsed = time.perf_counter() - started
    print(
        f"rule base load+compile {load * 1000:.0f} ms; {args.n} assessments in {elapsed:.2f} s "
        f"with {args.threads} thread(s): {args.n / elapsed:,.0f} assessments/s "
        f"({1000 * elapsed / args.n:.2f} ms each)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
