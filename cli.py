"""kinetic-chain: the command line for clinicians.

Exit codes: 0 success; 1 a case file or the rule base is invalid (message on stderr naming the file
and the field or rule); 2 usage error; 3 the item asked about is not in the assessment.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from engine.api import Engine
from engine.cli_rules import rules
from engine.cli_service import COMMANDS as SERVICE_COMMANDS
from engine.cli_service import record_cli_assessment
from engine.cli_support import EPILOG, EXIT_INVALID, EXIT_NOT_FOUND, engine_of, fail, reports_errors
from engine.errors import KineticChainError
from engine.explanation import node_link
from engine.graph_export import to_dot
from engine.report_text import render_text
from engine.version import __version__
from engine.why import explain as explain_item
from engine.why import render_tree

REPORT_FORMATS = ("text", "json", "markdown", "html", "fhir")


@click.group(epilog=EPILOG)
@click.version_option(__version__, prog_name="kinetic-chain")
@click.option(
    "--rules",
    "rules_dir",
    type=click.Path(file_okay=False, path_type=Path),
    envvar="KINETIC_CHAIN_RULES",
    help="Rule base folder (default: the bundled rules/).",
)
@click.pass_context
def main(ctx: click.Context, rules_dir: Path | None) -> None:
    """Rule-based decision support for runners: from limited ankle dorsiflexion along the kinetic chain
    to explained interventions.

    \b
    Example:
      kinetic-chain assess examples/runner-left-restriction.yaml
    """
    ctx.obj = {"rules_dir": rules_dir}


def render(assessment: Any, fmt: str, engine: Engine) -> str:
    if fmt == "json":
        return assessment.to_json() + "\n"
    if fmt == "markdown":
        from engine.report_markdown import render_markdown

        return render_markdown(assessment)
    if fmt == "html":
        from engine.report_html import render_html

        return render_html(assessment, engine.rulebase.vocabulary)
    if fmt == "fhir":
        from engine.fhir import assessment_bundle

        return (
            json.dumps(assessment_bundle(assessment, engine.rulebase.vocabulary), indent=2, ensure_ascii=False) + "\n"
        )
    return render_text(assessment)


@main.command(epilog=EPILOG)
@click.argument("cases", nargs=-1, required=True, type=click.Path(allow_dash=True))
@click.option("--format", "fmt", type=click.Choice(REPORT_FORMATS), default="text", show_default=True)
@click.option(
    "--output", "-o", type=click.Path(dir_okay=False, writable=True), help="Write the report here instead of stdout."
)
@click.option("--audit", is_flag=True, help="Also write an audit record per case to the store (--db).")
@click.option("--db", default="kinetic-chain.sqlite3", show_default=True, help="Audit store: SQLite file or URL.")
@click.pass_context
def assess(ctx: click.Context, cases: tuple[str, ...], fmt: str, output: str | None, audit: bool, db: str) -> None:
    """Assess one or more case files (YAML or JSON; '-' reads stdin).

    With several cases, JSON output is an array; a bad file is reported on stderr and the others are
    still assessed (exit code 1 at the end).

    \b
    Example:
      kinetic-chain assess examples/runner-left-restriction.yaml --format json
    """
    if fmt == "html" and len(cases) > 1:
        raise click.UsageError("--format html writes one page per case; use 'kinetic-chain batch --report-dir DIR'")
    if fmt == "fhir" and len(cases) > 1:
        raise click.UsageError("--format fhir writes one Bundle per case; assess one case at a time")
    engine = engine_of(ctx)
    results, failed = [], False
    for case in cases:
        try:
            valid = engine.load_case(case)
            results.append(engine.assess(valid))
            if audit:
                record_cli_assessment(valid, results[-1], db)
        except KineticChainError as error:
            click.echo(str(error), err=True)
            failed = True
    if fmt == "json":
        payload = [r.to_dict() for r in results] if len(cases) > 1 else [r.to_dict() for r in results][:1]
        text = (
            json.dumps(payload if len(cases) > 1 else payload[0], indent=2, ensure_ascii=False) + "\n"
            if payload
            else ""
        )
    else:
        text = "\n".join(render(result, fmt, engine) for result in results)
    if output:
        Path(output).write_text(text, encoding="utf-8")
    else:
        click.echo(text, nl=False)
    if failed:
        sys.exit(EXIT_INVALID)


@main.command(epilog=EPILOG)
@click.argument("case", type=click.Path(allow_dash=True))
@click.argument("intervention")
@click.option("--side", type=click.Choice(("left", "right", "both")), help="Only this side (default: every side).")
@click.option(
    "--format", "fmt", type=click.Choice(("text", "dot", "mermaid", "json")), default="text", show_default=True
)
@click.pass_context
@reports_errors
def explain(ctx: click.Context, case: str, intervention: str, side: str | None, fmt: str) -> None:
    """Why an intervention was recommended - or why not, when it was withheld or blocked.

    \b
    Example:
      kinetic-chain explain examples/runner-left-restriction.yaml ankle_wall_drill --side left
    """
    engine = engine_of(ctx)
    if intervention not in engine.rulebase.vocabulary.interventions:
        raise click.BadParameter(f"unknown intervention '{intervention}'", param_hint="INTERVENTION")
    answer = explain_item(engine.assess(case), intervention, side)
    if not answer.found:
        fail(f"{case}: {intervention} was neither recommended, withheld nor blocked for this case", EXIT_NOT_FOUND)
    if fmt == "text":
        click.echo(render_tree(answer), nl=False)
    elif fmt == "dot":
        click.echo(to_dot(answer.subgraph(), f"why {intervention}"), nl=False)
    elif fmt == "mermaid":
        from engine.graph_mermaid import render_markdown_graph

        click.echo(render_markdown_graph(node_link(answer.subgraph())), nl=False)
    else:
        payload = {
            "intervention": intervention,
            "targets": answer.targets,
            "paths": answer.paths(),
            "graph": node_link(answer.subgraph()),
        }
        click.echo(json.dumps(payload, indent=2, ensure_ascii=False))


@main.command(epilog=EPILOG)
@click.pass_context
def schema(ctx: click.Context) -> None:
    """Print the case-file contract as JSON Schema.

    \b
    Example:
      kinetic-chain schema > case.schema.json
    """
    click.echo(json.dumps(engine_of(ctx).case_schema, indent=2, ensure_ascii=False))


BATCH_EPILOG = (
    "Exit codes: 0 every case valid, 1 at least one case file invalid (the others are still assessed and"
    " written) or the rule base invalid, 2 usage error."
)


@main.command(epilog=BATCH_EPILOG)
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
@click.option("--quiet", "-q", is_flag=True, help="No progress bar (it is also off when stderr is not a terminal).")
@click.pass_context
@reports_errors
def batch(
    ctx: click.Context,
    paths: tuple[str, ...],
    jobs: int | None,
    out: str,
    summary_csv: str | None,
    report_dir: str | None,
    quiet: bool,
) -> None:
    """Assess many case files in parallel; a bad file never stops the others.

    PATHS are files, folders (every *.yaml, *.yml, *.json inside, recursive) or glob patterns. Each case
    becomes one JSON line in input order: {"file", "status", "assessment"}, or {"file", "status": "invalid",
    "error"} for a file the engine refused. A summary table (cases by status, top 5 risks and
    recommendations, counted once per case) follows on stdout, or on stderr when the results go to stdout.

    \b
    Example:
      kinetic-chain batch clinic/2026/ 'inbox/*.yaml' --jobs 4 --out results.jsonl --summary summary.csv
      echo $?    # 0: all valid; 1: some were invalid - grep '"invalid"' results.jsonl
    """
    from rich.console import Console

    from engine.batch import run_batch

    engine = engine_of(ctx)
    progress = not quiet and sys.stderr.isatty()
    try:
        stream = click.open_file(out, "w", encoding="utf-8")
    except OSError as error:
        raise click.FileError(out, hint=error.strerror) from None
    with stream:
        summary = run_batch(paths, stream, ctx.obj["rules_dir"], jobs, report_dir, progress, engine)
    if not summary.total:
        fail(f"no case files (*.yaml, *.yml, *.json) found in {' '.join(paths)}")
    if summary_csv:
        summary.write_csv(summary_csv)
    Console(stderr=out == "-").print(summary.table())
    for problem in summary.invalid[:20] + [(None, e) for e in summary.report_errors[:20]]:
        click.echo(problem[1], err=True)
    if len(summary.invalid) > 20:
        click.echo(f"... and {len(summary.invalid) - 20} more invalid case files", err=True)
    if not summary.all_valid:
        sys.exit(EXIT_INVALID)


@main.command(epilog=EPILOG)
@click.argument("before", type=click.Path(allow_dash=True))
@click.argument("after", type=click.Path(allow_dash=True))
@click.option("--format", "fmt", type=click.Choice(("text", "json", "html")), default="text", show_default=True)
@click.pass_context
@reports_errors
def compare(ctx: click.Context, before: str, after: str, fmt: str) -> None:
    """Compare two visits of one runner: per side and measurement, is the change beyond measurement error?

    A change counts as real when it reaches the minimal detectable change (1.9 cm knee-to-wall, 4.7 deg for
    angles). Also shows the change in left-right asymmetry, what appeared or resolved, and a plain verdict per
    side. Different case ids are compared with a warning on stderr; an invalid file exits 1.

    \b
    Example:
      kinetic-chain compare examples/followup-RUN-0142-visit1.yaml examples/followup-RUN-0142-visit2.yaml
    """
    from engine.comparison import compare as compare_visits
    from engine.report_compare import render as render_comparison

    comparison = compare_visits(before, after, engine_of(ctx))
    for warning in comparison.warnings:
        click.echo(f"warning: {warning}", err=True)
    click.echo(render_comparison(comparison, fmt), nl=False)


main.add_command(rules)
for _command in SERVICE_COMMANDS:
    main.add_command(_command)

if __name__ == "__main__":
    main()
