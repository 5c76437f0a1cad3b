"""Cold start of the command line: `kinetic-chain --help` and `kinetic-chain assess EXAMPLE`, each in a fresh
process, median of N runs, against the targets of issue 10 (--help <= 0.12 s, assess <= 0.25 s wall).

python bench/cold_start.py [--runs 15] [--case examples/runner-left-restriction.yaml] [--importtime]

Runs `python cli.py ...` from this checkout (the console script does the same work: it runs engine.commands:run)
with bytecode caching on, as an installed copy runs (pip compiles it): a first run writes the __pycache__ files
even when PYTHONDONTWRITEBYTECODE is set here, so the timed runs do not compile every module from source. That
first run also fills the rule-base cache (engine.knowledge.cache), so the timed `assess` runs find it warm, as
every run after the first does; the same runs with KINETIC_CHAIN_NO_CACHE=1 follow for comparison. Before them, a
process that only imports the libraries `assess` is built on is timed the same way: the least any `assess` on them
can take on this machine, and beside it the same process without pydantic (what the validation library costs at
start). With --importtime, also prints the ten slowest imports of each command (python -X
importtime, cumulative), the place to look when a target is missed. Wall times depend on the machine's load:
compare medians taken side by side, never across machines.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TARGETS = {"--help": 0.12, "assess": 0.25}
#: What `assess` cannot start without: the command-line framework, the validation library with one model built
#: and used, JSON, YAML and durable-rules' C core, ended the way the console script ends (engine.commands._process).
LIBRARIES = (
    "import os, sys, click, orjson, yaml, durable_rules_engine\n"
    "from pydantic import BaseModel\n"
    "class Case(BaseModel):\n    case_id: str\n"
    "Case(case_id='x')\n"
    "sys.stdout.flush(); os._exit(0)\n"
)
#: The same without the validation library: the difference is what pydantic alone costs at start.
WITHOUT_VALIDATION = "import os, sys, click, orjson, yaml, durable_rules_engine\nsys.stdout.flush(); os._exit(0)\n"
ENV = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}


def wall(args: list[str], env: dict[str, str] = ENV) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "cli.py", *args], cwd=REPO, env=env, capture_output=True, check=True)  # noqa: S603
    return time.perf_counter() - started


def slowest_imports(args: list[str], count: int = 10) -> list[tuple[float, str]]:
    run = subprocess.run(  # noqa: S603
        [sys.executable, "-X", "importtime", "cli.py", *args],
        cwd=REPO,
        env=ENV,
        capture_output=True,
        text=True,
        check=True,
    )
    rows = []
    for line in run.stderr.splitlines():
        if line.startswith("import time:") and "|" in line and "cumulative" not in line:
            _self, cumulative, name = line.removeprefix("import time:").split("|")
            rows.append((int(cumulative) / 1e6, name.rstrip()))
    return sorted(rows, reverse=True)[:count]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--case", default="examples/runner-left-restriction.yaml")
    parser.add_argument("--importtime", action="store_true", help="Also show the slowest imports of each command.")
    args = parser.parse_args(argv)

    commands = {"--help": ["--help"], "assess": ["assess", args.case]}
    bare = [_python("pass") for _ in range(max(3, args.runs // 3))]
    print(f"python itself (python -c pass): median {statistics.median(bare):.3f} s")
    floor, unvalidated = [], []
    for _ in range(args.runs):  # interleaved, so that both see the same load
        floor.append(_python(LIBRARIES))
        unvalidated.append(_python(WITHOUT_VALIDATION))
    floor.sort()
    print(
        f"the libraries alone (click, pydantic with one model, orjson, PyYAML, durable-rules' C core): median"
        f" {statistics.median(floor):.3f} s (min {floor[0]:.3f}): no `assess` built on them is faster here"
    )
    print(
        f"  the same without pydantic: median {statistics.median(unvalidated):.3f} s"
        f" (min {min(unvalidated):.3f}); the difference is what the validation library costs at start"
    )
    missed = 0
    for name, command in commands.items():
        wall(command)  # warm the file system cache and write the .pyc files
        times = sorted(wall(command) for _ in range(args.runs))
        median, target = statistics.median(times), TARGETS[name]
        verdict = "ok" if median <= target else "MISSED"
        missed += median > target
        print(
            f"kinetic-chain {' '.join(command)}: median {median:.3f} s (min {times[0]:.3f}, max {times[-1]:.3f},"
            f" {args.runs} runs)  target <= {target:.2f} s  {verdict}"
        )
        if args.importtime:
            for seconds, module in slowest_imports(command):
                print(f"    {seconds:7.3f} s  {module}")
    no_cache = {**ENV, "KINETIC_CHAIN_NO_CACHE": "1"}
    times = sorted(wall(commands["assess"], no_cache) for _ in range(args.runs))
    print(
        f"  for comparison, KINETIC_CHAIN_NO_CACHE=1 (every run parses and checks the rule base): median"
        f" {statistics.median(times):.3f} s (min {times[0]:.3f}, max {times[-1]:.3f})"
    )
    return 1 if missed else 0


def _python(code: str) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], cwd=REPO, env=ENV, check=True)  # noqa: S603
    return time.perf_counter() - started


if __name__ == "__main__":
    sys.exit(main())
