"""`kinetic-chain batch`: many case files in worker processes, with outputs that survive faults.

Before any case is assessed: every output folder is checked for writing, an output that is also an input
(or would be read back as a case by the same command) is refused, and the --out file is locked against a
second batch. See engine.workflow._batch_output for how the JSON lines are written, interrupted and resumed.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from engine._atomic import OutputError, check_folder_writable, reason_of
from engine.commands._support import (
    CasesInvalid,
    Interrupted,
    InvalidInput,
    NotAvailable,
    OutputNotWritable,
    engine_of,
    reports_errors,
    warn,
)
from engine.errors import KineticChainError
from engine.workflow._batch_inputs import expand_paths, would_read
from engine.workflow._batch_output import LeftoverPartial, OutputBusy, ResultsFile
from engine.workflow._batch_pool import stop_on_signals

BATCH_EPILOG = (
    "Exit codes: 0 every case valid; 1 at least one case file invalid or failed (the others are still assessed"
    " and written) or the rule base invalid; 2 usage error (e.g. an output that is also an input); 4 an output"
    " cannot be written (folder missing or read-only, disk full, locked by another batch); 130/143 interrupted"
    " by SIGINT/SIGTERM (finished results kept; continue with --resume). With --cluster: 1 also when the"
    " cluster cannot serve the batch (unreachable, a worker cannot load the same rule base); 2 when the"
    " cluster extra is not installed."
)


def check_outputs(specs: tuple[str, ...], files: list[str], out: str, summary: str | None, reports: str | None):
    """Refuse outputs that would destroy or be read as inputs (usage errors), then unwritable folders."""
    outputs = {"--out": out} if out != "-" else {}
    outputs |= {"--summary": summary} if summary else {}
    inputs = {os.path.realpath(file) for file in files}
    for option, path in outputs.items():
        if os.path.realpath(path) in inputs or would_read(path, specs):
            raise click.UsageError(f"{option} {path} is also an input (or would be read as a case by this batch)")
    if out != "-" and summary and Path(out).resolve() == Path(summary).resolve():
        raise click.UsageError(f"--out and --summary are the same file ({out})")
    for option, path in outputs.items():
        check_folder_writable(Path(path).resolve().parent, f"{option} {path}")
    if reports:
        try:
            Path(reports).mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise OutputError(reports, f"the --report-dir folder cannot be created ({reason_of(error)})") from None
        check_folder_writable(reports, f"--report-dir {reports}")


def cluster_of(cluster: str | None, jobs: int | None):
    """The parsed --cluster (None without it); usage errors for a bad address or the extra missing."""
    if cluster is None:
        return None
    from engine.workflow._batch_cluster import ClusterUnavailable, parse_cluster, require_dask

    try:
        spec = parse_cluster(cluster)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--cluster") from None
    if jobs is not None and (spec.address is not None or spec.workers is not None):
        raise click.UsageError(f"--jobs does not apply to --cluster {cluster} (its workers do the work)")
    try:
        require_dask()
    except ClusterUnavailable as error:
        raise NotAvailable(str(error)) from None
    return spec


def _stdout_sink(line: str, _in_order: bool) -> None:
    try:
        sys.stdout.write(line + "\n")
        sys.stdout.flush()
    except OSError as error:
        raise OutputError("<stdout>", reason_of(error)) from None


@click.command(epilog=BATCH_EPILOG)
@click.argument("paths", nargs=-1, required=True)
@click.option("--jobs", "-j", type=click.IntRange(min=1), help="Worker processes (default: CPU count; 1 = in-process).")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, allow_dash=True),
    default="-",
    help="JSON Lines results, one line per case in input order (default: stdout).",
)
@click.option("--summary", "summary_csv", type=click.Path(dir_okay=False), help="Also write the summary as CSV.")
@click.option("--report-dir", type=click.Path(file_okay=False), help="Write one HTML report per valid case here.")
@click.option("--resume", is_flag=True, help="Continue an interrupted batch: skip inputs already in --out.")
@click.option(
    "--explain",
    is_flag=True,
    help="Each line also carries the explanation (case facts, references, rule texts, the graph).",
)
@click.option("--quiet", "-q", is_flag=True, help="No progress bar (it is also off when stderr is not a terminal).")
@click.option(
    "--cluster",
    metavar="ADDRESS",
    help="Assess on a Dask cluster: its scheduler's address (tcp://host:8786), or local / local:N to start N"
    " workers here. Needs the cluster extra; see the README's 'More than one machine'.",
)
@click.pass_context
@reports_errors
def batch(
    ctx: click.Context,
    paths: tuple[str, ...],
    jobs: int | None,
    out: str,
    summary_csv: str | None,
    report_dir: str | None,
    resume: bool,
    explain: bool,
    quiet: bool,
    cluster: str | None,
) -> None:
    """Assess many case files in parallel; a bad file never stops the others.

    PATHS are files, folders (every *.yaml, *.yml, *.json inside, recursive) or glob patterns; each file is
    read once however many paths reach it. Each case becomes one JSON line in input order: {"file", "status",
    "assessment"}, {"file", "status": "invalid", "error"} for a file the engine refused, or {"file", "status":
    "failed", "error"} when its worker process died. A summary table (cases by status, top 5 risks and
    recommendations, counted once per case) follows on stdout, or on stderr when the results go to stdout.

    With --out FILE the lines go to FILE.partial and FILE appears only when the batch completes. SIGINT or
    SIGTERM stops it between cases, keeps every finished line in FILE.partial and exits 130/143; the same
    command with --resume then assesses only what is missing.

    \b
    Example:
      kinetic-chain batch clinic/2026/ 'inbox/*.yaml' --jobs 4 --out results.jsonl --summary summary.csv
      echo $?    # 0: all valid; 1: some were invalid - grep '"invalid"' results.jsonl
    """
    from rich.console import Console

    from engine.workflow.batch import run_batch

    if resume and out == "-":
        raise click.UsageError("--resume needs --out FILE (the results of the interrupted batch)")
    spec = cluster_of(cluster, jobs)
    files = expand_paths(paths)
    if not files:
        raise InvalidInput(f"no case files (*.yaml, *.yml, *.json) found in {' '.join(paths)}")
    check_outputs(paths, files, out, summary_csv, report_dir)
    engine = engine_of(ctx)
    results = None
    if out != "-":
        try:
            results = ResultsFile(out, resume).open()
        except OutputBusy as error:
            raise OutputNotWritable(str(error)) from None
        except LeftoverPartial as error:
            raise click.UsageError(str(error)) from None
    sink = results.write if results is not None else _stdout_sink
    with stop_on_signals() as stop:  # held until the results are safe: a second signal cannot cut that short
        try:
            summary = run_batch(
                files, sink, ctx.obj["rules_dir"], jobs, report_dir, not quiet and sys.stderr.isatty(), engine,
                results.done if results is not None else None, stop, spec, explain,
            )  # fmt: skip
        except OutputError as error:
            if results is not None:
                results.stop()
                error = OutputError(error.path, error.reason, results.written)
            raise OutputNotWritable(str(error)) from None
        except KineticChainError as error:  # the batch itself failed (e.g. the cluster): keep what finished
            if results is None or not results.abandon():
                raise
            raise InvalidInput(
                f"{error}; finished results are in {results.partial}: run the same command with --resume"
            ) from None
        if results is not None and summary.interrupted_by:
            results.stop()
        elif results is not None:
            results.finish(files)
        if summary_csv:
            summary.write_csv(summary_csv)
    Console(stderr=out == "-").print(summary.table())
    for problem in summary.invalid[:20] + [(None, e) for e in summary.report_errors[:20]]:
        warn(problem[1])
    if len(summary.invalid) > 20:
        warn(f"... and {len(summary.invalid) - 20} more invalid or failed case files")
    if summary.interrupted_by:
        where = f"; finished results are in {results.partial}: run the same command with --resume" if results else ""
        raise Interrupted(f"{summary.ending()}{where}", summary.interrupted_by)
    if not summary.all_valid:
        raise CasesInvalid()
