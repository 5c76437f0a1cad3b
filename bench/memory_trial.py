"""Long-run memory trial: assess many varied cases in one process and watch RSS and durable-rules state.

    python bench/memory_trial.py --n 100000 [--seed 7] [--sample-every 500]

Prints RSS and open reasoner sessions at every 10%, checks that durable-rules keeps no state for a sample of
session ids (run through the reasoner directly), then a final line with first/last RSS and the growth.
Exit status 1 if a session stayed open or a sampled state survived its run.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cases import random_cases

import engine
from engine.reasoning.facts import case_facts

MIB = 1024 * 1024


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="number of assessments")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--sample-every", type=int, default=500, help="check durable state every N cases")
    args = parser.parse_args(argv)

    process = psutil.Process()
    eng = engine.Engine()
    reasoner = eng.reasoner
    baseline = process.memory_info().rss
    print(
        f"engine {engine.__version__}, rule base {eng.rulebase.version} ({eng.rulebase.sha256[:12]}), "
        f"n={args.n}, seed={args.seed}, RSS at start {baseline / MIB:.1f} MiB",
        flush=True,
    )
    step = max(1, args.n // 10)
    checkpoints: list[int] = []
    statuses: dict[str, int] = {}
    sampled = leaked_states = max_open = 0
    started = time.perf_counter()
    for index, case in enumerate(random_cases(args.seed, args.n, eng.rulebase.vocabulary), start=1):
        result = eng.assess(case)
        statuses[result.status] = statuses.get(result.status, 0) + 1
        max_open = max(max_open, reasoner.open_sessions)
        if index % args.sample_every == 0:
            sid = f"memory-trial-{index}"
            reasoner.run(case_facts(eng.load_case(case), eng.rulebase.vocabulary), sid=sid)
            sampled += 1
            leaked_states += reasoner.state_exists(sid)
        if index % step == 0 or index == args.n:
            rss = process.memory_info().rss
            checkpoints.append(rss)
            rate = index / (time.perf_counter() - started)
            print(
                f"{index:>9} ({100 * index / args.n:5.1f}%)  RSS {rss / MIB:8.1f} MiB  "
                f"open_sessions {reasoner.open_sessions}  sampled sids {sampled}, state left {leaked_states}  "
                f"{rate:,.0f}/s",
                flush=True,
            )
    first, last = checkpoints[0], checkpoints[-1]
    growth = last - first
    print(f"statuses {dict(sorted(statuses.items()))}; max open_sessions during run {max_open}")
    print(
        f"RSS first {first / MIB:.1f} MiB, last {last / MIB:.1f} MiB, growth {growth / MIB:+.1f} MiB "
        f"({100 * growth / first:+.1f}%) over {args.n} assessments; "
        f"open_sessions {reasoner.open_sessions}; durable state left for {leaked_states}/{sampled} sampled sids"
    )
    return 1 if reasoner.open_sessions or leaked_states else 0


if __name__ == "__main__":
    sys.exit(main())
