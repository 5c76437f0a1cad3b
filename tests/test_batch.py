"""`kinetic-chain batch`: error isolation, input order with worker processes, summary and CSV, HTML reports,
and a progress bar only on a terminal without --quiet."""

from __future__ import annotations

import csv
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import threading
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from engine.commands import main
from engine.workflow.batch import expand_paths, report_name

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "examples"
BAD = REPO / "tests" / "bad_cases"
BAD_FILES = ["bad-sex.yaml", "invalid-syntax.yaml", "missing-case-id.yaml", "binary-garbage.yaml", "format-3.yaml"]


def _generator():
    spec = importlib.util.spec_from_file_location("generate_cases", REPO / "bench" / "generate_cases.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def mixed(tmp_path: Path) -> Path:
    """All examples plus five invalid files, named so that a sorted walk interleaves them."""
    folder = tmp_path / "cases"
    (folder / "nested").mkdir(parents=True)
    for example in sorted(EXAMPLES.iterdir()):
        if example.is_file():
            shutil.copy(example, folder / example.name)
    for i, name in enumerate(BAD_FILES):
        target = folder / ("nested" if i % 2 else "") / f"{'bcfmr'[i]}-invalid-{name}"
        shutil.copy(BAD / name, target)
    (folder / "notes.txt").write_text("not a case", encoding="utf-8")
    return folder


def run(*args: str):
    return CliRunner().invoke(main, ["batch", *args])


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_invalid_files_do_not_stop_the_others(mixed, tmp_path):
    out = tmp_path / "results.jsonl"
    result = run(str(mixed), "--jobs", "2", "--out", str(out), "--quiet")
    assert result.exit_code == 1, result.output
    records = read_jsonl(out)
    files = expand_paths([str(mixed)])
    assert [r["file"] for r in records] == files
    assert len(records) == len([p for p in EXAMPLES.iterdir() if p.is_file()]) + 5  # notes.txt is not a case file
    invalid = [r for r in records if r["status"] == "invalid"]
    assert len(invalid) == 5
    for record in invalid:
        assert "-invalid-" in record["file"]
        assert record["error"].startswith(record["file"])
        assert "\n" not in record["error"]
        assert record["error"] in result.stderr
    valid = [r for r in records if r["status"] != "invalid"]
    assert all(r["assessment"]["status"] == r["status"] and r["assessment"]["case_id"] for r in valid)
    assert "Traceback" not in result.output


def test_all_valid_exits_0_and_jobs_do_not_change_the_output(tmp_path):
    outs = []
    for jobs in ("1", "2"):
        out = tmp_path / f"jobs{jobs}.jsonl"
        result = run(str(EXAMPLES), "--jobs", jobs, "--out", str(out), "-q")
        assert result.exit_code == 0, result.output
        outs.append(out.read_bytes())
    assert outs[0] == outs[1]


def test_input_order_is_kept_with_two_jobs(tmp_path):
    files = [str(p) for p in _generator().generate(200, seed=3, out=tmp_path / "gen")]
    shuffled = files[::-1][:100] + files[:100]  # neither sorted nor reverse-sorted
    out = tmp_path / "results.jsonl"
    result = run(*shuffled, "--jobs", "2", "--out", str(out), "-q")
    assert result.exit_code == 0, result.output
    records = read_jsonl(out)
    assert [r["file"] for r in records] == shuffled
    assert all(Path(r["file"]).stem.endswith(r["assessment"]["case_id"][-3:]) for r in records)


def test_globs_and_missing_paths(mixed, tmp_path):
    out = tmp_path / "r.jsonl"
    result = run(str(mixed / "runner-*.yaml"), str(mixed / "nothing-*.yaml"), "--out", str(out), "-q")
    assert result.exit_code == 1
    records = read_jsonl(out)
    assert [Path(r["file"]).name for r in records[:1]] == ["runner-left-restriction.yaml"]
    assert records[-1]["status"] == "invalid"


def test_summary_counts_and_csv(mixed, tmp_path):
    out, summary = tmp_path / "r.jsonl", tmp_path / "summary.csv"
    result = run(str(mixed), "--jobs", "2", "--out", str(out), "--summary", str(summary), "-q")
    records = read_jsonl(out)
    statuses = Counter(r["status"] for r in records)
    risks = Counter(rid for r in records if "assessment" in r for rid in {x["id"] for x in r["assessment"]["risks"]})
    with summary.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    counts = {(row["section"], row["name"]): int(row["cases"]) for row in rows}
    assert counts[("cases", "total")] == len(records)
    for status in ("plan", "refer", "refer_urgently", "invalid"):
        assert counts[("status", status)] == statuses[status]
    top_risks = [row for row in rows if row["section"] == "risk"]
    assert len(top_risks) == min(5, len(risks))  # the five most frequent, or all there are
    assert [int(r["cases"]) for r in top_risks] == sorted((int(r["cases"]) for r in top_risks), reverse=True)
    assert all(counts[("risk", r["name"])] == risks[r["name"]] for r in top_risks)
    assert int(top_risks[0]["cases"]) == max(risks.values())
    assert len([row for row in rows if row["section"] == "recommendation"]) == min(
        5, len({x["id"] for r in records if "assessment" in r for x in r["assessment"]["recommendations"]})
    )
    assert "Batch summary" in result.stdout and "refer_urgently" in result.stdout


def test_results_on_stdout_put_the_table_on_stderr():
    result = run(str(EXAMPLES / "runner-left-restriction.yaml"), "-q")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["status"] == "plan"
    assert "Batch summary" in result.stderr


def test_report_dir_has_one_html_per_valid_case(mixed, tmp_path):
    reports, out = tmp_path / "reports", tmp_path / "r.jsonl"
    run(str(mixed), str(EXAMPLES / "runner-left-restriction.yaml"), "--jobs", "2", "--out", str(out),
        "--report-dir", str(reports), "-q")  # fmt: skip
    valid = [r for r in read_jsonl(out) if r["status"] != "invalid"]
    pages = sorted(reports.glob("*.html"))
    assert len(pages) == len(valid)
    assert all(p.read_text(encoding="utf-8").lstrip().lower().startswith("<!doctype html") for p in pages)


def test_report_names_are_collision_safe():
    used: set[str] = set()
    names = [report_name("RUN-1", "a/visit.yaml", used), report_name("RUN-1", "b/visit.yaml", used)]
    names.append(report_name("RUN-1", "c/VISIT.json", used))
    names.append(report_name("../x y", "RUN 1.yaml", used))
    assert names[:3] == ["RUN-1_visit.html", "RUN-1_visit-2.html", "RUN-1_VISIT-3.html"]
    assert "/" not in names[3] and " " not in names[3]


def _stderr_on_a_terminal(*args: str) -> str:
    """Run the CLI with stderr on a pseudo-terminal (progress bars only show there) and return what it wrote."""
    master, slave = os.openpty()
    chunks: list[bytes] = []

    def drain() -> None:
        while True:
            try:
                data = os.read(master, 4096)
            except OSError:
                return
            if not data:
                return
            chunks.append(data)

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    try:
        subprocess.run([sys.executable, "cli.py", "batch", *args], cwd=REPO, stderr=slave, stdout=subprocess.DEVNULL,
                       check=False, timeout=120)  # fmt: skip
    finally:
        os.close(slave)
        reader.join(timeout=5)
        os.close(master)
    return b"".join(chunks).decode("utf-8", "replace")


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")
def test_quiet_prints_no_progress(tmp_path):
    cases = [str(EXAMPLES)] * 1
    shown = _stderr_on_a_terminal(*cases, "--jobs", "2", "--out", str(tmp_path / "a.jsonl"))
    quiet = _stderr_on_a_terminal(*cases, "--jobs", "2", "--out", str(tmp_path / "b.jsonl"), "--quiet")
    assert "assessing" in shown  # control: a terminal gets the bar
    assert "assessing" not in quiet


def test_batch_lines_are_compact_and_carry_the_explanation_only_with_explain(tmp_path: Path) -> None:
    """A batch line holds the assessment without the explanation material; --explain adds the graph, the rule
    texts and the fact each firing concluded, and the rest of the line is the same."""
    plain, explained = tmp_path / "plain.jsonl", tmp_path / "explained.jsonl"
    for out, extra in ((plain, []), (explained, ["--explain"])):
        result = CliRunner().invoke(main, ["batch", str(EXAMPLES / "runner-left-restriction.yaml"), "--jobs", "1",
                                           "--out", str(out), "-q", *extra])  # fmt: skip
        assert result.exit_code == 0, result.output
    (short,), (full,) = ([json.loads(line) for line in p.read_text().splitlines()] for p in (plain, explained))
    assert "explanation" not in short["assessment"] and "rules" not in short["assessment"]
    assert full["assessment"]["explanation"]["nodes"] and set(full["assessment"]["rules"]) >= set(
        reason["rule"] for item in short["assessment"]["recommendations"] for reason in item["because"]
    )
    for finding in full["assessment"]["findings"]:  # which fact each firing concluded comes with --explain
        for reason in finding["because"]:
            assert reason.pop("fact").startswith(f"finding:{finding['id']}:")
    assert full["assessment"]["findings"] == short["assessment"]["findings"]
