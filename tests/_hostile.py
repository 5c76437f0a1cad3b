"""Shared helpers for the hostile-input suite (tests/test_hostile_*.py): run the CLI or a snippet in a
subprocess under a bounded timeout (a hang fails the test instead of stalling the suite)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
#: Case-file attacks must be accepted or refused within this many seconds (the process start included).
CASE_SECONDS = 1.0
#: Rule-base attacks within this many.
RULEBASE_SECONDS = 10.0
#: A fresh interpreter importing the engine; added to a case-file attack's budget, never to the attack itself.
STARTUP_SECONDS = 6.0


def cli(*args: str, timeout: float = 60, **kwargs) -> subprocess.CompletedProcess:
    """`kinetic-chain ARGS` in a subprocess; raises subprocess.TimeoutExpired if it takes longer than `timeout`."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run(
        [sys.executable, str(REPO / "cli.py"), *args], capture_output=True, text=True, timeout=timeout, cwd=REPO,
        env=env, check=False, **kwargs,
    )  # fmt: skip


def python(code: str, timeout: float = 60) -> subprocess.CompletedProcess:
    """A Python snippet in a subprocess (with the repository importable) under a bounded timeout."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=timeout, cwd=REPO, env=env, check=False
    )


def assert_one_line_error(result: subprocess.CompletedProcess, *needles: str) -> None:
    """A refusal: exit 1, no traceback, and every needle in the message on stderr."""
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == 1, (result.returncode, result.stderr)
    for needle in needles:
        assert needle in result.stderr, (needle, result.stderr)


def within(seconds: float, setup: str, *attacks: str, timeout: float = 120) -> str:
    """Run `setup`, then each attack under its own hard deadline of `seconds` (faulthandler ends the process
    when one passes); returns what the attacks printed. Setup (imports, building the engine) is not timed."""
    lines = ["import faulthandler, sys", setup]
    for attack in attacks:
        lines += [f"faulthandler.dump_traceback_later({seconds}, exit=True)", attack]
        lines += ["faulthandler.cancel_dump_traceback_later()"]
    lines.append("print('FINISHED IN TIME')")
    result = python("\n".join(lines), timeout=timeout)
    assert "FINISHED IN TIME" in result.stdout, f"an attack took over {seconds} s:\n{result.stderr[-2000:]}"
    return result.stdout


CASE_SETUP = """
import engine
from engine.errors import CaseError
eng = engine.default_engine()
def attempt(path):
    try:
        eng.assess(path)
        print("ACCEPTED")
    except CaseError as error:
        print("REFUSED", str(error).replace(chr(10), " | "))
"""


def generated_cases(folder: Path, n: int, seed: int = 8, invalid: int = 0) -> list[Path]:
    """`n` valid (and `invalid` invalid) case files written by bench/generate_cases.py."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("generate_cases", REPO / "bench" / "generate_cases.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.generate(n, seed=seed, out=folder, invalid=invalid)


def batch_process(*args: str) -> subprocess.Popen:
    """`kinetic-chain batch ARGS` started in the background (its own process group is not needed: the test
    signals the batch process itself, as a service manager would)."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.Popen(
        [sys.executable, str(REPO / "cli.py"), "batch", *args], cwd=REPO, env=env, text=True,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
