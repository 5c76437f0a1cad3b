"""Hostile batches (issue 8, points 3, 4, 5, 6, 7 and 12): special files, outputs that are inputs, unwritable
and locked outputs, a dead worker, a full disk, too-long report names and inputs reached twice."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from _hostile import CASE_SECONDS, CASE_SETUP, STARTUP_SECONDS, batch_process, cli, generated_cases, python, within
from filelock import FileLock

from engine.workflow.batch import MAX_REPORT_NAME, expand_paths

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "examples" / "runner-left-restriction.yaml"
EXIT_WRITE = 4


def lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def assert_clean_refusal(result, code: int, *needles: str) -> None:
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == code, (result.returncode, result.stderr)
    for needle in needles:
        assert needle in result.stderr, (needle, result.stderr)


# --- point 3: special files --------------------------------------------------------------------------------


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_fifos_by_path_glob_and_folder_are_refused_without_blocking(tmp_path: Path) -> None:
    folder = tmp_path / "inbox"
    folder.mkdir()
    shutil.copy(EXAMPLE, folder / "a.yaml")
    os.mkfifo(folder / "pipe.yaml")
    os.mkfifo(tmp_path / "alone.json")
    out = within(CASE_SECONDS, CASE_SETUP, f"attempt({str(tmp_path / 'alone.json')!r})")
    assert "REFUSED" in out and "not a regular file" in out
    budget = STARTUP_SECONDS + 3 * CASE_SECONDS
    one = cli("assess", str(tmp_path / "alone.json"), timeout=budget)
    assert_clean_refusal(one, 1, "alone.json: not a regular file (a FIFO (named pipe))")
    for spec in (str(folder), str(folder / "*.yaml")):
        out = tmp_path / "r.jsonl"
        result = cli("batch", spec, str(tmp_path / "alone.json"), "--out", str(out), "-q", timeout=budget + 10)
        assert_clean_refusal(result, 1)
        status = {Path(r["file"]).name: r["status"] for r in lines(out)}
        assert status == {"a.yaml": "plan", "pipe.yaml": "invalid", "alone.json": "invalid"}
    device = cli("assess", "/dev/zero", timeout=budget)
    assert_clean_refusal(device, 1, "/dev/zero: not a regular file (a character device)")


# --- point 7: each input once ------------------------------------------------------------------------------


def test_symlink_loops_and_overlapping_globs_read_each_file_once(tmp_path: Path) -> None:
    folder = tmp_path / "cases"
    (folder / "sub").mkdir(parents=True)
    shutil.copy(EXAMPLE, folder / "a.yaml")
    shutil.copy(EXAMPLE, folder / "sub" / "b.yaml")
    (folder / "sub" / "loop").symlink_to(folder, target_is_directory=True)
    (folder / "sub" / "loop2").symlink_to(folder / "sub", target_is_directory=True)
    (folder / "alias.yaml").symlink_to(folder / "a.yaml")
    specs = [str(folder), str(folder / "*.yaml"), str(folder / "**" / "*.yaml"), str(folder / "sub" / "b.yaml")]
    files = expand_paths(specs)
    assert sorted(Path(f).name for f in files) == ["a.yaml", "b.yaml"]
    out = tmp_path / "r.jsonl"
    result = cli("batch", *specs, "--out", str(out), "-q", timeout=60)
    assert_clean_refusal(result, 0)
    assert len(lines(out)) == 2
    assert "2 cases" in result.stdout


# --- point 4: outputs that are inputs ----------------------------------------------------------------------


def test_an_output_that_is_an_input_is_refused_and_the_case_untouched(tmp_path: Path) -> None:
    case = tmp_path / "case.yaml"
    shutil.copy(EXAMPLE, case)
    before = case.read_bytes()
    folder = tmp_path / "day"
    folder.mkdir()
    shutil.copy(EXAMPLE, folder / "a.yaml")
    attempts = [
        ("batch", str(case), "--out", str(case)),
        ("batch", str(case), "--summary", str(case)),
        ("batch", str(folder), "--out", str(folder / "results.json")),  # would be read back as a case
        ("batch", str(folder / "*"), "--out", str(folder / "results.yaml")),
        ("assess", str(case), "-o", str(case)),
    ]
    for args in attempts:
        result = cli(*args, timeout=60)
        assert_clean_refusal(result, 2, "is also an input")
        assert case.read_bytes() == before, args
    assert not (folder / "results.json").exists()
    fine = cli("batch", str(folder), "--out", str(folder / "results.jsonl"), "-q", timeout=60)
    assert fine.returncode == 0, fine.stderr  # .jsonl is never read as a case


# --- point 12: unwritable outputs are found before any work ------------------------------------------------


def read_only_folder(tmp_path: Path) -> Path:
    """A folder no file can be created in: permissions for a normal user; for root (who ignores them) a
    kernel folder that refuses new files."""
    if os.geteuid() != 0:
        folder = tmp_path / "read-only"
        folder.mkdir()
        folder.chmod(0o555)
        return folder
    if not Path("/sys/kernel").is_dir():
        pytest.skip("running as root without /sys/kernel: no folder refuses root")
    return Path("/sys/kernel")


def test_missing_and_read_only_output_folders_fail_before_work(tmp_path: Path) -> None:
    out = tmp_path / "results.jsonl"
    out.write_text("previous results\n", encoding="utf-8")
    locked, missing = read_only_folder(tmp_path), tmp_path / "missing"
    attempts = [
        (("batch", str(EXAMPLE), "--out", str(out), "--summary", str(missing / "s.csv")), "does not exist"),
        (("batch", str(EXAMPLE), "--out", str(out), "--summary", str(locked / "s.csv")), "not writable"),
        (("batch", str(EXAMPLE), "--out", str(out), "--report-dir", str(locked / "reports")), "cannot be created"),
        (("batch", str(EXAMPLE), "--out", str(out), "--report-dir", str(locked)), "not writable"),
        (("batch", str(EXAMPLE), "--out", str(locked / "r.jsonl")), "not writable"),
        (("assess", str(EXAMPLE), "-o", str(missing / "r.txt")), "does not exist"),
        (("assess", str(EXAMPLE), "-o", str(locked / "r.txt")), "not writable"),
    ]  # fmt: skip
    for args, needle in attempts:
        result = cli(*args, timeout=60)
        assert_clean_refusal(result, EXIT_WRITE, needle)
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr
        assert out.read_text(encoding="utf-8") == "previous results\n", args
        assert not (tmp_path / "results.jsonl.partial").exists()
    if locked.parent == tmp_path:
        locked.chmod(0o755)


# --- point 5: a second batch on the same output ------------------------------------------------------------


def test_a_locked_output_is_refused_and_left_alone(tmp_path: Path) -> None:
    out = tmp_path / "results.jsonl"
    out.write_text("previous results\n", encoding="utf-8")
    with FileLock(str(tmp_path / "results.jsonl.lock")):
        result = cli("batch", str(EXAMPLE), "--out", str(out), "-q", timeout=60)
    assert_clean_refusal(result, EXIT_WRITE, "another batch is writing this file")
    assert out.read_text(encoding="utf-8") == "previous results\n"
    again = cli("batch", str(EXAMPLE), "--out", str(out), "-q", timeout=60)
    assert again.returncode == 0 and len(lines(out)) == 1


def test_two_batches_on_one_output_never_interleave(tmp_path: Path) -> None:
    folder = tmp_path / "cases"
    generated_cases(folder, 150)
    out = tmp_path / "results.jsonl"
    first = batch_process(str(folder), "--jobs", "1", "--out", str(out), "-q")
    partial = tmp_path / "results.jsonl.partial"
    deadline = time.monotonic() + 60
    while not (partial.exists() and partial.stat().st_size) and time.monotonic() < deadline:
        time.sleep(0.05)
    second = cli("batch", str(folder), "--jobs", "1", "--out", str(out), "-q", timeout=60)
    assert_clean_refusal(second, EXIT_WRITE, "another batch is writing this file")
    _, stderr = first.communicate(timeout=300)
    assert first.returncode == 0, stderr
    assert b"\0" not in out.read_bytes()
    assert [r["file"] for r in lines(out)] == expand_paths([str(folder)])


# --- point 6: a dead worker, a full disk, a too-long name --------------------------------------------------

POISONED_BATCH = """
import os, signal, sys
import engine.workflow.batch as batch
real = batch.assess_file
def assess_file(file, engine, html=False, **options):
    if "poison" in file:
        os.kill(os.getpid(), signal.SIGKILL)
    return real(file, engine, html, **options)
batch.assess_file = assess_file
from engine.commands import main
sys.argv = ["kinetic-chain", "batch", {folder!r}, "--jobs", "2", "--out", {out!r}, "-q"]
main()
"""


def test_a_killed_worker_fails_its_case_and_the_batch_continues(tmp_path: Path) -> None:
    folder = tmp_path / "cases"
    generated_cases(folder, 60)
    shutil.copy(EXAMPLE, folder / "case-0030-poison.yaml")
    out = tmp_path / "r.jsonl"
    result = python(POISONED_BATCH.format(folder=str(folder), out=str(out)), timeout=180)
    assert_clean_refusal(result, 1, "killed by SIGKILL")
    records = lines(out)
    assert [r["file"] for r in records] == expand_paths([str(folder)])
    failed = [r for r in records if r["status"] == "failed"]
    assert [Path(r["file"]).name for r in failed] == ["case-0030-poison.yaml"]
    assert "the worker process was killed by SIGKILL while assessing this case" in failed[0]["error"]
    assert all(
        r["status"] in ("no_action", "plan", "screen_first", "refer", "refer_urgently")
        for r in records
        if r not in failed
    )


FULL_DISK_BATCH = """
import resource, sys
resource.setrlimit(resource.RLIMIT_FSIZE, ({limit}, {limit}))
from engine.commands import main
sys.argv = ["kinetic-chain", "batch", {folder!r}, "--jobs", "1", "--out", {out!r}, "-q"]
main()
"""


def test_a_write_error_names_the_path_and_what_was_kept(tmp_path: Path) -> None:
    """RLIMIT_FSIZE makes the kernel refuse writes past a size (EFBIG), as a full disk refuses (ENOSPC)."""
    folder = tmp_path / "cases"
    generated_cases(folder, 40)
    out = tmp_path / "results.jsonl"
    out.write_text("previous results\n", encoding="utf-8")
    result = python(FULL_DISK_BATCH.format(limit=60_000, folder=str(folder), out=str(out)), timeout=180)
    assert_clean_refusal(result, EXIT_WRITE, "results.jsonl.partial: cannot write: File too large")
    assert len(result.stderr.strip().splitlines()) == 1
    kept = int(result.stderr.split("; ")[-1].split()[0])
    partial = tmp_path / "results.jsonl.partial"
    raw = partial.read_bytes()
    assert raw.endswith(b"\n") and len(raw.splitlines()) == kept > 0  # no line cut in the middle
    assert all(json.loads(line) for line in raw.splitlines())
    assert out.read_text(encoding="utf-8") == "previous results\n"


def test_stdout_that_cannot_be_written_is_a_one_line_error(tmp_path: Path) -> None:
    if not Path("/dev/full").exists():
        pytest.skip("needs /dev/full")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    with open("/dev/full", "w") as full:
        done = subprocess.run([sys.executable, str(REPO / "cli.py"), "batch", str(EXAMPLE), "-q"], stdout=full,
                              stderr=subprocess.PIPE, text=True, timeout=60, env=env, check=False)  # fmt: skip
    assert_clean_refusal(done, EXIT_WRITE, "<stdout>: cannot write: No space left on device")


def test_too_long_report_names_are_shortened_deterministically(tmp_path: Path) -> None:
    folder = tmp_path / "cases"
    folder.mkdir()
    text = EXAMPLE.read_text(encoding="utf-8").replace("case_id: RUN-0101", "case_id: " + "R" * 64)
    for stem in ("x" * 240, "x" * 239 + "y"):
        (folder / f"{stem}.yaml").write_text(text, encoding="utf-8")
    reports = tmp_path / "reports"
    result = cli("batch", str(folder), "--report-dir", str(reports), "--out", str(tmp_path / "r.jsonl"), "-q")
    assert_clean_refusal(result, 0)
    names = sorted(p.name for p in reports.iterdir())
    assert len(names) == 2 and all(len(n) <= MAX_REPORT_NAME for n in names)
    assert names[0] != names[1]
    shutil.rmtree(reports)
    cli("batch", str(folder), "--report-dir", str(reports), "--out", str(tmp_path / "r2.jsonl"), "-q")
    assert sorted(p.name for p in reports.iterdir()) == names  # same names every time
    assert all(stat.S_ISREG(p.stat().st_mode) for p in reports.iterdir())


FULL_DISK_ASSESS = """
import resource, sys
resource.setrlimit(resource.RLIMIT_FSIZE, (20_000, 20_000))
from engine.commands import main
sys.argv = ["kinetic-chain", "assess", {case!r}, "--format", "html", "-o", {out!r}]
main()
"""


def test_a_failed_report_write_leaves_the_previous_file_untouched(tmp_path: Path) -> None:
    """`assess -o` (like the summary CSV and HTML reports) goes through a temporary file and a rename."""
    out = tmp_path / "report.html"
    out.write_text("previous report\n", encoding="utf-8")
    result = python(FULL_DISK_ASSESS.format(case=str(EXAMPLE), out=str(out)), timeout=120)
    assert_clean_refusal(result, EXIT_WRITE, f"{out}: cannot write: File too large")
    assert out.read_text(encoding="utf-8") == "previous report\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html"]  # no temporary file left behind
