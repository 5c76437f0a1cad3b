"""Signals (issue 8, point 6): SIGTERM or SIGINT to a running batch stops it between cases - no worker
process survives, every written line is complete, the summary says what finished and what did not, the exit
code is 143/130 - and the same command with --resume completes it: every input once, in input order."""

from __future__ import annotations

import json
import signal
import time
from pathlib import Path

import psutil
import pytest
from _hostile import batch_process, cli, generated_cases

from engine.workflow.batch import expand_paths

CASES = 400


def _wait_for_lines(path: Path, count: int, process, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if path.exists() and path.read_bytes().count(b"\n") >= count:
            return
        assert process.poll() is None, process.communicate()
        time.sleep(0.05)
    raise AssertionError(f"{path} did not reach {count} lines in {seconds} s")


def _alive(processes: list[psutil.Process]) -> list[psutil.Process]:
    alive = []
    for process in processes:
        try:
            if process.is_running() and process.status() != psutil.STATUS_ZOMBIE:
                alive.append(process)
        except psutil.NoSuchProcess:
            continue
    return alive


@pytest.mark.parametrize(("sig", "code"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_signal_stops_the_batch_cleanly_and_resume_completes_it(tmp_path: Path, sig: int, code: int) -> None:
    folder = tmp_path / "cases"
    generated_cases(folder, CASES, invalid=3)
    out = tmp_path / "results.jsonl"
    partial = tmp_path / "results.jsonl.partial"
    process = batch_process(str(folder), "--jobs", "2", "--out", str(out), "--quiet")
    _wait_for_lines(partial, 40, process)
    workers = psutil.Process(process.pid).children(recursive=True)
    assert len(workers) >= 2
    process.send_signal(sig)
    stdout, stderr = process.communicate(timeout=60)

    assert process.returncode == code, stderr
    assert "Traceback" not in stderr
    assert "Batch summary" in stdout and "INTERRUPTED" in stdout
    assert f"interrupted by {signal.Signals(sig).name}" in stderr and "not assessed" in stderr
    assert "--resume" in stderr
    deadline = time.monotonic() + 10
    while _alive(workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _alive(workers), "worker processes survived the batch"
    assert not out.exists(), "the results file appears only when the batch completes"
    raw = partial.read_bytes()
    assert raw.endswith(b"\n")
    first = [json.loads(line) for line in raw.decode("utf-8").splitlines()]  # every line complete JSON
    assert 40 <= len(first) < CASES + 3
    assert len({r["file"] for r in first}) == len(first)

    again = cli("batch", str(folder), "--jobs", "2", "--out", str(out), "--quiet", "--resume", timeout=300)
    assert again.returncode == 1, again.stderr  # 1: the three generated invalid files
    assert "Traceback" not in again.stderr
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["file"] for r in records] == expand_paths([str(folder)])  # none twice, none missing, in order
    assert sum(r["status"] == "invalid" for r in records) == 3
    assert not partial.exists()
    kept = {r["file"]: r for r in first}
    assert all(kept[r["file"]] == r for r in records if r["file"] in kept)  # finished lines were not redone


def test_without_resume_a_leftover_partial_is_not_overwritten(tmp_path: Path) -> None:
    folder = tmp_path / "cases"
    generated_cases(folder, 5)
    out = tmp_path / "results.jsonl"
    (tmp_path / "results.jsonl.partial").write_text('{"file": "x", "status": "plan"}\n', encoding="utf-8")
    result = cli("batch", str(folder), "--out", str(out), "--quiet")
    assert result.returncode == 2 and "--resume" in result.stderr and "Traceback" not in result.stderr
    assert (tmp_path / "results.jsonl.partial").read_text(encoding="utf-8") == '{"file": "x", "status": "plan"}\n'


def test_a_worker_killed_from_outside_costs_at_most_its_case(tmp_path: Path) -> None:
    """SIGKILL to one worker mid-batch (as the out-of-memory killer would): the batch goes on with a new
    worker; the case it was assessing (if any) is a "failed" line naming the signal; nothing else is lost."""
    folder = tmp_path / "cases"
    generated_cases(folder, 300)
    out = tmp_path / "results.jsonl"
    process = batch_process(str(folder), "--jobs", "2", "--out", str(out), "--quiet")
    _wait_for_lines(tmp_path / "results.jsonl.partial", 30, process)
    victim = psutil.Process(process.pid).children()[0]
    victim.send_signal(signal.SIGKILL)
    _, stderr = process.communicate(timeout=300)
    assert "Traceback" not in stderr and "BrokenProcessPool" not in stderr
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["file"] for r in records] == expand_paths([str(folder)])
    failed = [r for r in records if r["status"] == "failed"]
    assert len(failed) <= 1
    assert all("killed by SIGKILL" in r["error"] for r in failed)
    assert process.returncode == (1 if failed else 0), stderr
    assert not _alive([victim])
