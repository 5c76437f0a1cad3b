"""Assess many case files at once: worker processes, results in input order, a bad file never stops the others.

Each result is one JSON line, `{"file", "status", "assessment"}` for a valid case or
`{"file", "status": "invalid", "error"}` for a file the engine refused. Lines are streamed as they arrive
(nothing is kept in memory but the counts), so a batch of any size runs in constant memory.
"""

from __future__ import annotations

import glob
import importlib
import json
import os
import re
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from engine.api import Engine
from engine.errors import KineticChainError

CASE_SUFFIXES = (".yaml", ".yml", ".json")
FHIR_SUFFIX = ".fhir.json"  # FHIR documents (examples/fhir/) sit beside case files but are not case files
STATUSES = ("plan", "refer", "refer_urgently", "invalid")
TOP = 5


def _case_files(folder: Path) -> list[str]:
    found = (
        f
        for f in folder.rglob("*")
        if f.is_file() and f.suffix.lower() in CASE_SUFFIXES and not f.name.lower().endswith(FHIR_SUFFIX)
    )
    return sorted(str(f) for f in found)


def expand_paths(specs: Iterable[str]) -> list[str]:
    """Files, folders (every *.yaml, *.yml, *.json inside, recursive, sorted) and glob patterns, in the order
    given, without duplicates. A path that matches nothing is kept, so it is reported as an invalid case."""
    files: list[str] = []
    for spec in specs:
        path = Path(spec)
        if path.is_dir():
            files += _case_files(path)
        elif path.exists() or not glob.has_magic(spec):
            files.append(spec)
        else:
            matches = sorted(glob.glob(spec, recursive=True))
            for match in matches:
                files += _case_files(Path(match)) if Path(match).is_dir() else [match]
            if not matches:
                files.append(spec)
    return list(dict.fromkeys(files))


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


def one_line(error: BaseException) -> str:
    return "; ".join(part.strip() for part in str(error).splitlines() if part.strip()) or type(error).__name__


def assess_file(file: str, engine: Engine, html: bool = False) -> CaseResult:
    """Assess one file; any refusal becomes an 'invalid' result instead of an exception."""
    try:
        assessment = engine.assess(file)
    except KineticChainError as error:
        message = one_line(error)
    except Exception as error:  # a batch must survive a surprise in one file
        message = f"{file}: unexpected error ({type(error).__name__}: {one_line(error)})"
    else:
        # model_dump_json equals json.dumps(assessment.to_dict()) in content, at half the cost
        head = json.dumps({"file": file, "status": assessment.status}, ensure_ascii=False)[:-1]
        line = f'{head}, "assessment": {assessment.model_dump_json()}}}'
        page, report_error = None, None
        if html:
            try:
                from engine.report_html import render_html

                page = render_html(assessment, engine.rulebase.vocabulary)
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
    record = {"file": file, "status": "invalid", "error": message}
    return CaseResult(file=file, status="invalid", line=json.dumps(record, ensure_ascii=False), error=message)


_worker: dict[str, object] = {}


def _init_worker(rules_dir: Path | None, html: bool) -> None:
    """Runs once per worker process: build the engine (and validate the rule base) only once."""
    _worker["engine"] = Engine(rules_dir)
    _worker["html"] = html


def _work(file: str) -> CaseResult:
    return assess_file(file, _worker["engine"], _worker["html"])  # type: ignore[arg-type]


def assess_files(
    files: list[str], rules_dir: Path | None = None, jobs: int | None = None, html: bool = False, engine=None
) -> Iterator[CaseResult]:
    """Results in input order; `jobs` worker processes (default: CPU count), in-process when jobs == 1."""
    jobs = max(1, jobs or os.cpu_count() or 1)
    if jobs == 1 or len(files) <= 1:
        engine = engine or Engine(rules_dir)
        yield from (assess_file(f, engine, html) for f in files)
        return
    chunk = max(1, min(64, len(files) // (jobs * 8)))
    with ProcessPoolExecutor(max_workers=jobs, initializer=_init_worker, initargs=(rules_dir, html)) as pool:
        yield from pool.map(_work, files, chunksize=chunk)


def report_name(case_id: str, file: str, used: set[str]) -> str:
    """`<case id>_<input stem>.html`, safe characters only, suffixed -2, -3... if already used in this batch."""
    stem = Path(file).stem
    base = re.sub(r"[^A-Za-z0-9._-]+", "_", stem if stem == case_id else f"{case_id}_{stem}").strip("._") or "case"
    name, n = f"{base}.html", 1
    while name.lower() in used:  # lower(): safe on case-insensitive file systems too
        n += 1
        name = f"{base}-{n}.html"
    used.add(name.lower())
    return name


@dataclass
class BatchSummary:
    """Counts for the whole batch; risks and recommendations are counted once per case."""

    total: int = 0
    by_status: Counter = field(default_factory=Counter)
    risks: Counter = field(default_factory=Counter)
    recommendations: Counter = field(default_factory=Counter)
    invalid: list[tuple[str, str]] = field(default_factory=list)
    reports: list[str] = field(default_factory=list)
    report_errors: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def add(self, result: CaseResult) -> None:
        self.total += 1
        self.by_status[result.status] += 1
        self.risks.update(result.risks)
        self.recommendations.update(result.recommendations)
        if result.status == "invalid":
            self.invalid.append((result.file, result.error or ""))
        if result.report_error:
            self.report_errors.append(result.report_error)

    @property
    def all_valid(self) -> bool:
        return not self.by_status["invalid"]

    @property
    def rate(self) -> float:
        return self.total / self.seconds if self.seconds else 0.0

    @staticmethod
    def _top(counter: Counter) -> list[tuple[str, int]]:
        return sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP]

    def rows(self) -> list[tuple[str, str, int, str]]:
        """(section, name, cases, share of all cases) - the table and the CSV show exactly these."""

        def share(n: int) -> str:
            return f"{100 * n / self.total:.1f}%" if self.total else "-"

        rows = [("cases", "total", self.total, share(self.total))]
        rows += [("status", s, self.by_status[s], share(self.by_status[s])) for s in STATUSES]
        rows += [("risk", name, n, share(n)) for name, n in self._top(self.risks)]
        rows += [("recommendation", name, n, share(n)) for name, n in self._top(self.recommendations)]
        return rows

    def write_csv(self, path: str | Path) -> None:
        import csv

        with open(path, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(("section", "name", "cases", "share"))
            writer.writerows(self.rows())

    def table(self):
        from rich.table import Table

        title = f"Batch summary: {self.total} cases in {self.seconds:.1f} s ({self.rate:.0f} cases/s)"
        table = Table(title=title, title_justify="left")
        for name, justify in (("section", "left"), ("name", "left"), ("cases", "right"), ("share", "right")):
            table.add_column(name, justify=justify)
        for section, name, n, share in self.rows():
            style = "bold red" if name == "invalid" and n else None
            table.add_row(section, name, str(n), share, style=style)
        return table


def run_batch(
    specs: Iterable[str],
    out: TextIO | None = None,
    rules_dir: Path | None = None,
    jobs: int | None = None,
    report_dir: str | Path | None = None,
    progress: bool = False,
    engine: Engine | None = None,
) -> BatchSummary:
    """Assess every case `specs` names, write one JSON line per case to `out` in input order, one HTML report
    per valid case to `report_dir`, and return the counts. Raises KineticChainError only for a problem with
    the batch itself (the rule base, HTML reports unavailable), never for a bad case file."""
    files = expand_paths(specs)
    html = report_dir is not None
    if html:
        try:
            importlib.import_module("engine.report_html")
        except ImportError:
            raise KineticChainError("HTML reports are not available (engine.report_html is missing)") from None
        report_dir = Path(report_dir)
        report_dir.mkdir(parents=True, exist_ok=True)
    summary, used, start = BatchSummary(), set(), time.perf_counter()
    results = assess_files(files, rules_dir, jobs, html, engine)
    bar = None
    if progress:
        from rich.console import Console
        from rich.progress import Progress

        bar = Progress(*Progress.get_default_columns(), console=Console(stderr=True), transient=True)
        bar.start()
        task = bar.add_task("assessing", total=len(files))
    try:
        for result in results:
            summary.add(result)
            if out is not None:
                out.write(result.line + "\n")
            if result.html is not None:
                target = report_dir / report_name(result.case_id or "case", result.file, used)
                target.write_text(result.html, encoding="utf-8")
                summary.reports.append(str(target))
            if bar is not None:
                bar.advance(task)
    finally:
        if bar is not None:
            bar.stop()
    summary.seconds = time.perf_counter() - start
    return summary
