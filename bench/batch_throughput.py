"""Batch throughput: generate N case files (unless they exist), run `kinetic-chain batch` on them, print cases/s.

    python bench/batch_throughput.py --n 10000 --jobs 2            # generates into a temp folder
    python bench/batch_throughput.py --cases /tmp/cases --jobs 2   # reuse files from generate_cases.py
    python bench/batch_throughput.py --cases /tmp/cases --cluster local:2   # the same on a Dask cluster

Runs the real command line (`python cli.py batch DIR --jobs J --out RESULTS --quiet`) in a subprocess, so
the wall time includes start-up, rule-base loading in each worker, JSON Lines writing and the summary.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate_cases import generate  # noqa: E402


def measure(cases: Path, jobs: int, out: Path, cluster: str | None = None) -> tuple[int, float, int]:
    """(cases in the results, wall seconds, exit code) for one batch run."""
    where = ["--cluster", cluster] if cluster else ["--jobs", str(jobs)]
    command = [sys.executable, "cli.py", "batch", str(cases), *where, "--out", str(out), "--quiet"]
    start = time.perf_counter()
    done = subprocess.run(command, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=False)  # noqa: S603
    wall = time.perf_counter() - start
    if done.returncode not in (0, 1):  # 1: invalid cases, as generated; anything else is the batch failing
        sys.exit(f"batch failed with exit code {done.returncode}:\n" + "\n".join(done.stderr.splitlines()[-5:]))
    with out.open("rb") as handle:
        count = sum(1 for _ in handle)
    return count, wall, done.returncode


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10000, help="case files to generate (ignored with --cases)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--invalid", type=int, default=5)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--cases", type=Path, help="an existing folder of case files")
    parser.add_argument("--cluster", help="run on a Dask cluster (local, local:N, tcp://host:8786) instead of --jobs")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="kc-bench-") as scratch:
        cases = args.cases
        if cases is None:
            cases = Path(scratch) / "cases"
            start = time.perf_counter()
            generate(args.n, args.seed, cases, args.invalid)
            print(f"generated {args.n} + {args.invalid} invalid cases in {time.perf_counter() - start:.1f} s")
        out = Path(scratch) / "results.jsonl"
        count, wall, code = measure(cases, args.jobs, out, args.cluster)
        size = out.stat().st_size
        where = f"--cluster {args.cluster}" if args.cluster else f"--jobs {args.jobs}"
        print(f"batch {where}: {count} cases in {wall:.1f} s wall = {count / wall:.0f} cases/s")
        per_case = size / max(count, 1)
        print(f"results {size / 2**20:.0f} MiB JSON Lines, {per_case:.0f} bytes per case (target <= 8,000)")
        print(f"exit code {code} (1: some cases invalid, as generated)")


if __name__ == "__main__":
    main()
