"""`kinetic-chain assess`, `explain`, `schema` and `compare`: one case or one runner at a time."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from engine._atomic import atomic_write_text, check_folder_writable
from engine.commands._support import EPILOG, CasesInvalid, NotFound, engine_of, reports_errors, warn
from engine.errors import KineticChainError, StoreError
from engine.reports import ASSESSMENT_FORMATS, COMPARE_FORMATS, EXPLAIN_FORMATS


def _element(case: str, outcome: Any) -> dict[str, Any]:
    """One element of the JSON array for several cases: the assessment or the refusal, with its file."""
    if isinstance(outcome, KineticChainError):
        problems = getattr(outcome, "problems", [(None, str(outcome))])
        errors = [{"field": field, "message": message} for field, message in problems]
        return {"file": case, "status": "invalid", "error": " | ".join(str(outcome).splitlines()), "errors": errors}
    return {"file": case, **outcome.to_dict()}


def check_output(output: str, inputs: tuple[str, ...]) -> None:
    """Before any work: --output must not be an input (it would overwrite a case file) and its folder must be
    writable, so a long run never ends in a report that cannot be saved."""
    if any(case != "-" and Path(case).resolve() == Path(output).resolve() for case in inputs):
        raise click.UsageError(f"--output {output} is also an input: it would overwrite the case file")
    check_folder_writable(Path(output).resolve().parent, f"--output {output}")


@click.command(epilog=EPILOG)
@click.argument("cases", nargs=-1, required=True, type=click.Path(allow_dash=True))
@click.option("--format", "fmt", type=click.Choice(ASSESSMENT_FORMATS.names), default="text", show_default=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Write the report here instead of stdout.")
@click.option("--verbose", "-v", is_flag=True, help="Text report: every rule id, grade and source behind each item.")
@click.option(
    "--explain",
    is_flag=True,
    help="JSON: also the explanation (case facts, references, rule texts, the graph).",
)
@click.option("--audit", is_flag=True, help="Also write an audit record per case to the store (--db).")
@click.option("--db", default="kinetic-chain.sqlite3", show_default=True, help="Audit store: SQLite file or URL.")
@click.pass_context
@reports_errors
def assess(
    ctx: click.Context,
    cases: tuple[str, ...],
    fmt: str,
    output: str | None,
    verbose: bool,
    explain: bool,
    audit: bool,
    db: str,
) -> None:
    """Assess one or more case files (YAML or JSON; '-' reads stdin).

    With several cases, JSON output is an array in input order; each element carries its "file", and a bad
    file is an element {"file", "status": "invalid", "error", "errors"} (also reported on stderr; the others
    are still assessed, exit code 1 at the end). --output is written whole or not at all.

    \b
    Example:
      kinetic-chain assess examples/runner-left-restriction.yaml --format json
    """
    if fmt == "html" and len(cases) > 1:
        raise click.UsageError("--format html writes one page per case; use 'kinetic-chain batch --report-dir DIR'")
    if fmt == "fhir" and len(cases) > 1:
        raise click.UsageError("--format fhir writes one Bundle per case; assess one case at a time")
    if output:
        check_output(output, cases)
    engine = engine_of(ctx)
    if audit:  # a store that cannot take the records fails the command before anything is assessed (exit 4)
        from engine.commands.service import audit_store, record_cli_assessment

        audit_store(db)
    outcomes: list[tuple[str, Any]] = []
    for case in cases:
        try:
            valid = engine.load_case(case)
            outcomes.append((case, engine.assess(valid, explain=explain)))
            if audit:
                record_cli_assessment(valid, outcomes[-1][1], db)
        except StoreError:
            raise  # never a case's problem: an assessment without its record is not a result (exit 4)
        except KineticChainError as error:
            warn(str(error))
            outcomes.append((case, error))
    results = [outcome for _case, outcome in outcomes if not isinstance(outcome, KineticChainError)]
    if fmt == "json" and len(cases) > 1:
        text = json.dumps([_element(case, o) for case, o in outcomes], indent=2, ensure_ascii=False) + "\n"
    else:
        options = {"verbose": verbose, "vocabulary": engine.rulebase.vocabulary}
        text = "\n".join(ASSESSMENT_FORMATS.render(result, fmt, **options) for result in results)
    if output:
        atomic_write_text(output, text)
    else:
        click.echo(text, nl=False)
    if len(results) < len(cases):
        raise CasesInvalid()


@click.command(epilog=EPILOG)
@click.argument("case", type=click.Path(allow_dash=True))
@click.argument("intervention")
@click.option("--side", type=click.Choice(("left", "right", "both")), help="Only this side (default: every side).")
@click.option("--format", "fmt", type=click.Choice(EXPLAIN_FORMATS.names), default="text", show_default=True)
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
    from engine.reports.why import explain as explain_item

    answer = explain_item(engine.assess(case), intervention, side)
    if not answer.found:
        raise NotFound(f"{case}: {intervention} was neither recommended, withheld nor blocked for this case")
    click.echo(EXPLAIN_FORMATS.render(answer, fmt), nl=False)


@click.command(epilog=EPILOG)
@click.pass_context
def schema(ctx: click.Context) -> None:
    """Print the case-file contract as JSON Schema.

    \b
    Example:
      kinetic-chain schema > case.schema.json
    """
    click.echo(json.dumps(engine_of(ctx).case_schema, indent=2, ensure_ascii=False))


@click.command(epilog=EPILOG)
@click.argument("before", type=click.Path(allow_dash=True))
@click.argument("after", type=click.Path(allow_dash=True))
@click.option("--format", "fmt", type=click.Choice(COMPARE_FORMATS.names), default="text", show_default=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Write the report here instead of stdout.")
@click.pass_context
@reports_errors
def compare(ctx: click.Context, before: str, after: str, fmt: str, output: str | None) -> None:
    """Compare two visits of one runner: outcomes against their MCID, measurements against their MDC, per side.

    VISA-A, VISA-P, PSFS and pain severity are judged against their minimal clinically important difference
    (better, unchanged, or worse: re-examine); each measurement against its minimal detectable change; the
    left-right difference, with each side's own change. Visits are compared in visit_date order (a swapped
    pair is said so on stderr and in the report). Visits of different case ids, or an invalid file, exit 1.
    --output is written whole or not at all.

    \b
    Example:
      kinetic-chain compare examples/followup-RUN-0142-visit1.yaml examples/followup-RUN-0142-visit2.yaml
    """
    from engine.workflow.comparison import compare as compare_visits

    if output:
        check_output(output, (before, after))
    comparison = compare_visits(before, after, engine_of(ctx))
    for warning in comparison.warnings:
        warn(f"warning: {warning}")
    text = COMPARE_FORMATS.render(comparison, fmt)
    if output:
        atomic_write_text(output, text)
    else:
        click.echo(text, nl=False)
