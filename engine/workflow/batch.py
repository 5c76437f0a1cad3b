"""Assess many case files at once: worker processes, results in input order, a bad file never stops the others.

Each result is one JSON line, `{"file", "status", "assessment"}` for a valid case,
`{"file", "status": "invalid", "error"}` for a file the engine refused, or `{"file", "status": "failed",
"error"}` for a case whose worker process died. Lines are handed to a sink as they arrive (nothing is kept
in memory but the counts), so a batch of any size runs in constant memory. SIGINT and SIGTERM stop the batch
between cases: what finished is handed over (also what finished out of order), every worker is ended, and
the summary says how many cases were not assessed. Where the lines go and how they survive faults is
engine.workflow._batch_output; which files are read, engine.workflow._batch_inputs; the workers,
engine.workflow._batch_pool.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from pydantic import BaseModel

from engine._atomic import atomic_write_text
from engine.api import Engine
from engine.case.loader import STDIN, parse_case_text, validate_case
from engine.errors import KineticChainError
from engine.workflow._batch_inputs import CASE_SUFFIXES, expand_paths
from engine.workflow._batch_pool import StopFlag, WorkerPool, stop_on_signals
from engine.workflow._batch_summary import STATUSES, BatchSummary

__all__ = ["CASE_SUFFIXES", "STATUSES", "BatchSummary", "CaseResult", "expand_paths", "report_name", "run_batch"]

#: Longest report file name; a longer one is cut and given a hash of the full name (deterministic).
MAX_REPORT_NAME = 120

Sink = Callable[[str, bool], None]  # (JSON line, whether it comes in input order)


@dataclass(frozen=True)
class CaseResult:
    """One case's outcome, small enough to send back from a worker: the JSON line plus what the summary needs."""

    file: str
    status: str
    line: str
    case_id: str | None = None
    risks: tuple[str, ...] = ()
    recommendations: tuple[str, ...] = ()
    error: str | None = None
    html: str | None = None
    report_error: str | None = None

    @classmethod
    def from_line(cls, line: str) -> CaseResult:
        """The summary's view of a line written by an earlier run (--resume)."""
        record = json.loads(line)
        assessment = record.get("assessment") or {}
        return cls(
            file=record["file"],
            status=record.get("status", "invalid"),
            line=line,
            case_id=assessment.get("case_id"),
            risks=tuple(sorted({r["id"] for r in assessment.get("risks", [])})),
            recommendations=tuple(sorted({r["id"] for r in assessment.get("recommendations", [])})),
            error=record.get("error"),
        )


class Cluster(Protocol):
    """Where a batch runs besides this machine (engine.workflow._batch_cluster.ClusterSpec)."""

    def assess(
        self, files: list[str], rules_dir: Path | None, jobs: int | None, html: bool, engine: Engine, stop: StopFlag
    ) -> Iterator[CaseResult]: ...


def one_line(error: BaseException) -> str:
    return "; ".join(part.strip() for part in str(error).splitlines() if part.strip()) or type(error).__name__


def refused(file: str, status: str, message: str) -> CaseResult:
    record = {"file": file, "status": status, "error": message}
    return CaseResult(file=file, status=status, line=json.dumps(record, ensure_ascii=False), error=message)


def failed(file: str, reason: str) -> CaseResult:
    """A case whose worker process died: reported, never silently dropped (and retried by --resume)."""
    return refused(file, "failed", f"{file}: {reason}")


def refusal(file: str, error: Exception) -> CaseResult:
    """The 'invalid' result for a file the engine refused (or that surprised it)."""
    if isinstance(error, KineticChainError):
        return refused(file, "invalid", one_line(error))
    return refused(file, "invalid", f"{file}: unexpected error ({type(error).__name__}: {one_line(error)})")


def _case_of(engine: Engine, file: str, data: bytes) -> BaseModel:
    """The case in `data`, the bytes of `file` read elsewhere, validated exactly as engine.assess(file) does."""
    source = "<stdin>" if file == STDIN else file
    return validate_case(engine.case_model, parse_case_text(data, source), source)


def assess_file(
    file: str, engine: Engine, html: bool = False, data: bytes | None = None, explain: bool = False
) -> CaseResult:
    """Assess one file (or `data`, its bytes read by the caller); any refusal becomes an 'invalid' result
    instead of an exception. With `explain`, the line carries the explanation graph and the rule texts."""
    try:
        case = file if data is None else _case_of(engine, file, data)
        # only the JSON line is written unless there is a report or an explanation to make
        assessment = engine.assess(case) if html or explain else engine._assess_compact(case)
    except Exception as error:  # a batch must survive a surprise in one file
        return refusal(file, error)
    head = json.dumps({"file": file, "status": assessment.status}, ensure_ascii=False)[:-1]
    line = f'{head}, "assessment": {assessment.to_json(indent=None, explain=explain)}}}'
    page, report_error = None, None
    if html:
        try:
            from engine.reports.html import render_html

            page = render_html(assessment)
        except Exception as error:  # the case is valid; only its report failed
            report_error = f"{file}: HTML report failed ({type(error).__name__}: {one_line(error)})"
    return CaseResult(
        file=file,
        status=assessment.status,
        line=line,
        case_id=assessment.case_id,
        risks=tuple(sorted({r.id for r in assessment.risks})),
        recommendations=tuple(sorted({r.id for r in assessment.recommendations})),
        html=page,
        report_error=report_error,
    )


def make_worker(rules_dir: Path | None, html: bool, explain: bool = False) -> Callable[[str], CaseResult]:
    """Runs once per worker process: build the engine (and validate the rule base) only once."""
    return functools.partial(assess_file, engine=Engine(rules_dir), html=html, explain=explain)


def assess_files(
    files: list[str],
    rules_dir: Path | None,
    jobs: int | None,
    html: bool,
    engine: Engine | None,
    stop: StopFlag,
    cluster: Cluster | None = None,
    explain: bool = False,
) -> Iterator[CaseResult]:
    """Results in input order until done or stopped; `jobs` worker processes (default: CPU count), in-process
    when jobs == 1, or the workers of a Dask `cluster`. After a stop, results that finished out of order
    follow. The workers are started (or the cluster reached) here, before the caller starts anything else (a
    progress bar's thread), and ended (or let go) when the iteration ends."""
    if cluster is not None:
        return cluster.assess(files, rules_dir, jobs, html, engine or Engine(rules_dir), stop, explain)
    jobs = max(1, jobs or os.cpu_count() or 1)
    if jobs == 1 or len(files) <= 1:
        return _in_process(files, engine or Engine(rules_dir), html, stop, explain)
    pool = WorkerPool(min(jobs, len(files)), functools.partial(make_worker, rules_dir, html, explain), failed)
    return _pooled(pool, files, stop)


def _in_process(
    files: list[str], engine: Engine, html: bool, stop: StopFlag, explain: bool = False
) -> Iterator[CaseResult]:
    for file in files:
        if stop:
            return
        yield assess_file(file, engine, html, explain=explain)


def _pooled(pool: WorkerPool, files: list[str], stop: StopFlag) -> Iterator[CaseResult]:
    try:
        yield from pool.imap(files, stop)
        if stop:
            yield from (pool.completed.pop(index) for index in sorted(pool.completed))
    finally:
        pool.close()


def report_name(case_id: str, file: str, used: set[str]) -> str:
    """`<case id>_<input stem>.html`, safe characters only, suffixed -2, -3... if already used in this batch;
    a name longer than MAX_REPORT_NAME is cut and suffixed with a hash of the whole (never too long to write)."""
    stem = Path(file).stem
    base = re.sub(r"[^A-Za-z0-9._-]+", "_", stem if stem == case_id else f"{case_id}_{stem}").strip("._") or "case"
    if len(base) > MAX_REPORT_NAME - 20:
        base = f"{base[: MAX_REPORT_NAME - 40]}-{hashlib.sha256(base.encode()).hexdigest()[:16]}"
    name, n = f"{base}.html", 1
    while name.lower() in used:  # lower(): safe on case-insensitive file systems too
        n += 1
        name = f"{base}-{n}.html"
    used.add(name.lower())
    return name


def _progress_bar(total: int):
    from rich.console import Console
    from rich.progress import Progress

    bar = Progress(*Progress.get_default_columns(), console=Console(stderr=True), transient=True)
    return bar, bar.add_task("assessing", total=total)


def run_batch(
    files: list[str],
    sink: Sink | None = None,
    rules_dir: Path | None = None,
    jobs: int | None = None,
    report_dir: str | Path | None = None,
    progress: bool = False,
    engine: Engine | None = None,
    done: dict[str, str] | None = None,
    stop: StopFlag | None = None,
    cluster: Cluster | None = None,
    explain: bool = False,
) -> BatchSummary:
    """Assess `files` (from expand_paths) but those in `done` (file -> line of an earlier run), hand one JSON
    line per case to `sink` in input order, write one HTML report per valid case to `report_dir` (atomically),
    and return the counts. Raises KineticChainError only for a problem with the batch itself (the rule base,
    an output that cannot be written, a cluster that cannot serve it), never for a
    bad case file. SIGINT/SIGTERM stop it between cases (through `stop`, when the caller handles the signals
    for longer than the run). With `cluster` (see engine.workflow._batch_cluster.parse_cluster) the cases are
    assessed by a Dask cluster's workers: the same lines in the same order, the same counts."""
    html = report_dir is not None
    if html:
        report_dir = Path(report_dir)
    summary, used, start = BatchSummary(), set(), time.perf_counter()
    done = done or {}
    for file in files:
        if file in done:
            summary.add(CaseResult.from_line(done[file]))
    summary.resumed = summary.total
    todo = [file for file in files if file not in done]
    bar, task = _progress_bar(len(todo)) if progress else (None, None)
    with contextlib.nullcontext(stop) if stop is not None else stop_on_signals() as stop:
        results = assess_files(todo, rules_dir, jobs, html, engine, stop, cluster, explain)
        if bar is not None:
            bar.start()
        try:
            for result in results:
                if sink is not None:
                    sink(result.line, not stop)
                summary.add(result)
                if result.html is not None:
                    _write_report(report_dir, result, used, summary)
                if bar is not None:
                    bar.advance(task)
        finally:
            results.close()  # ends the workers even if a write error stopped the loop
            if bar is not None:
                bar.stop()
        summary.interrupted_by = stop.signal
    summary.not_assessed = len(files) - summary.total
    summary.seconds = time.perf_counter() - start
    return summary


def _write_report(folder: Path, result: CaseResult, used: set[str], summary: BatchSummary) -> None:
    target = folder / report_name(result.case_id or "case", result.file, used)
    atomic_write_text(target, result.html)
    summary.reports.append(str(target))
