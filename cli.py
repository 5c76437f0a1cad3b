"""kinetic-chain: the command line for clinicians.

Exit codes: 0 success; 1 a case file or the rule base is invalid (message on stderr naming the file
and the field or rule); 2 usage error; 3 the item asked about is not in the assessment.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any

import click

from engine.api import Engine
from engine.errors import KineticChainError
from engine.explanation import node_link
from engine.graph_export import to_dot
from engine.report_text import render_text
from engine.rule_coverage import DEFAULT_TRACE, case_files, exercised_by_cases, exercised_by_scenarios, load_trace
from engine.rulebase_graph import rulebase_graph, with_rule_nodes
from engine.version import __version__
from engine.why import explain as explain_item
from engine.why import render_tree

EXIT_INVALID = 1
EXIT_NOT_FOUND = 3
REPORT_FORMATS = ("text", "json", "markdown", "html")
EPILOG = "Exit codes: 0 success, 1 invalid case or rule file, 2 usage error, 3 item not in the assessment."


def _fail(message: str, code: int = EXIT_INVALID) -> None:
    click.echo(message, err=True)
    sys.exit(code)


def reports_errors(command: Callable[..., Any]) -> Callable[..., Any]:
    """Turn the engine's own errors into a message on stderr and exit code 1, never a traceback."""

    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except KineticChainError as error:
            _fail(str(error))

    return wrapper


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


def engine_of(ctx: click.Context) -> Engine:
    """The engine for this invocation, built once (loading validates the rule base)."""
    if "engine" not in ctx.obj:
        try:
            ctx.obj["engine"] = Engine(ctx.obj["rules_dir"])
        except KineticChainError as error:
            _fail(str(error))
    return ctx.obj["engine"]


def render(assessment: Any, fmt: str, engine: Engine) -> str:
    if fmt == "json":
        return assessment.to_json() + "\n"
    if fmt == "markdown":
        from engine.report_markdown import render_markdown

        return render_markdown(assessment)
    if fmt == "html":
        from engine.report_html import render_html

        return render_html(assessment, engine.rulebase.vocabulary)
    return render_text(assessment)


@main.command(epilog=EPILOG)
@click.argument("cases", nargs=-1, required=True, type=click.Path(allow_dash=True))
@click.option("--format", "fmt", type=click.Choice(REPORT_FORMATS), default="text", show_default=True)
@click.option(
    "--output", "-o", type=click.Path(dir_okay=False, writable=True), help="Write the report here instead of stdout."
)
@click.pass_context
def assess(ctx: click.Context, cases: tuple[str, ...], fmt: str, output: str | None) -> None:
    """Assess one or more case files (YAML or JSON; '-' reads stdin).

    With several cases, JSON output is an array; a bad file is reported on stderr and the others are
    still assessed (exit code 1 at the end).

    \b
    Example:
      kinetic-chain assess examples/runner-left-restriction.yaml --format json
    """
    engine = engine_of(ctx)
    results, failed = [], False
    for case in cases:
        try:
            results.append(engine.assess(case))
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
        _fail(f"{case}: {intervention} was neither recommended, withheld nor blocked for this case", EXIT_NOT_FOUND)
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


@main.group(epilog=EPILOG)
def rules() -> None:
    """Inspect and check the rule base.

    \b
    Example:
      kinetic-chain rules validate
    """


@rules.command("list", epilog=EPILOG)
@click.pass_context
def rules_list(ctx: click.Context) -> None:
    """One line per rule: id, grade, layer, and what it concludes.

    \b
    Example:
      kinetic-chain rules list | grep safety
    """
    rulebase = engine_of(ctx).rulebase
    for rule in rulebase.rules:
        then = rule.then.name or (rule.target.names[0] if rule.target else "")
        click.echo(f"{rule.id:<62} {rule.grade}  {rulebase.layer_of[rule.id]:<13} -> {rule.then.kind} {then}")


@rules.command("show", epilog=EPILOG)
@click.argument("rule_id")
@click.pass_context
def rules_show(ctx: click.Context, rule_id: str) -> None:
    """A rule with its rationale, source, grade, conditions and conclusion.

    \b
    Example:
      kinetic-chain rules show finding.limited_dorsiflexion.lunge_angle
    """
    rulebase = engine_of(ctx).rulebase
    rule = rulebase.by_id.get(rule_id)
    if rule is None:
        raise click.BadParameter(f"no rule '{rule_id}' (see 'kinetic-chain rules list')", param_hint="RULE_ID")
    click.echo(f"{rule.id}  ({rulebase.file_of[rule.id]}, layer {rulebase.layer_of[rule.id]})")
    click.echo(f"grade:     {rule.grade}")
    click.echo(f"source:    {rule.source}")
    click.echo(f"rationale: {rule.rationale}")
    click.echo("when:")
    for condition in rule.when:
        click.echo(f"  - {condition.kind}: {condition.describe()}")
    details = rule.then.model_dump(exclude_none=True)
    click.echo("then:      " + ", ".join(f"{k}: {v}" for k, v in details.items()))
    scenarios = exercised_by_scenarios(engine_of(ctx), load_trace()).get(rule.id, [])
    if not load_trace():
        click.echo("scenarios: (no trace yet - run the scenario tests to record which scenarios exercise it)")
    else:
        click.echo("scenarios: " + ("; ".join(scenarios) if scenarios else "none - no scenario exercises this rule"))


@rules.command("validate", epilog=EPILOG)
@click.pass_context
def rules_validate(ctx: click.Context) -> None:
    """Load and check the rule base; problems name the file and rule id (exit 1 on any error).

    \b
    Example:
      kinetic-chain --rules my-rules/ rules validate
    """
    from engine.rule_checks import unused_words

    rulebase = engine_of(ctx).rulebase
    for warning in unused_words(rulebase):
        click.echo(f"warning: {warning}")
    click.echo(f"rule base {rulebase.version}: {len(rulebase.rules)} rules valid (sha256 {rulebase.sha256})")


@rules.command("graph", epilog=EPILOG)
@click.option("--format", "fmt", type=click.Choice(("dot", "mermaid", "svg", "json")), default="dot", show_default=True)
@click.pass_context
def rules_graph(ctx: click.Context, fmt: str) -> None:
    """The whole rule base as a graph: vocabulary words as nodes, rules as edges.

    \b
    Example:
      kinetic-chain rules graph --format svg > rules.svg
    """
    graph = rulebase_graph(engine_of(ctx).rulebase)
    if fmt == "dot":
        click.echo(to_dot(graph, "rule base"), nl=False)
    elif fmt == "mermaid":
        from engine.graph_mermaid import render_markdown_graph

        click.echo(render_markdown_graph(with_rule_nodes(graph)), nl=False)
    elif fmt == "svg":
        from engine.graph_svg import render_svg

        click.echo(render_svg(with_rule_nodes(graph), "rule base"))
    else:
        edges = [{"source": a, "target": b, "rule": k} for a, b, k in sorted(graph.edges(keys=True))]
        nodes = [{"id": n, **graph.nodes[n]} for n in sorted(graph.nodes)]
        click.echo(json.dumps({"directed": True, "multigraph": True, "nodes": nodes, "edges": edges}, indent=2))


@rules.command("coverage", epilog=EPILOG)
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--trace",
    type=click.Path(dir_okay=False, path_type=Path),
    default=DEFAULT_TRACE,
    show_default=True,
    help="Scenario trace written by the scenario tests (used for .feature files and folders of them).",
)
@click.pass_context
def rules_coverage(ctx: click.Context, paths: tuple[Path, ...], trace: Path) -> None:
    """Which rules never fired for a folder of case files or of Gherkin scenarios.

    Case files are assessed; scenarios are read from the trace the scenario tests write.

    \b
    Example:
      kinetic-chain rules coverage examples/
      python -m pytest tests/test_scenarios.py && kinetic-chain rules coverage scenarios/
    """
    engine = engine_of(ctx)
    features = [p for p in paths if p.suffix == ".feature" or (p.is_dir() and any(p.rglob("*.feature")))]
    usage, errors = exercised_by_cases(engine, case_files(p for p in paths if p not in features))
    if features:
        recorded = load_trace(trace)
        if not recorded:
            _fail(f"{trace}: no scenario trace; run the scenario tests first (python -m pytest)")
        for rule_id, scenarios in exercised_by_scenarios(engine, recorded).items():
            usage[rule_id] = usage.get(rule_id, []) + scenarios
    for error in errors:
        click.echo(f"skipped: {error}", err=True)
    never = [rule.id for rule in engine.rulebase.rules if not usage.get(rule.id)]
    total = len(engine.rulebase.rules)
    click.echo(f"{total - len(never)} of {total} rules fired at least once")
    for rule_id in never:
        click.echo(f"never fired: {rule_id}  ({engine.rulebase.file_of[rule_id]})")


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
        _fail(f"no case files (*.yaml, *.yml, *.json) found in {' '.join(paths)}")
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
    from engine.compare import compare as compare_visits
    from engine.report_compare import render as render_comparison

    comparison = compare_visits(before, after, engine_of(ctx))
    for warning in comparison.warnings:
        click.echo(f"warning: {warning}", err=True)
    click.echo(render_comparison(comparison, fmt), nl=False)


if __name__ == "__main__":
    main()
