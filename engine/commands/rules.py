"""`kinetic-chain rules ...`: tooling for the people who maintain the clinical knowledge."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from engine.commands._support import EPILOG, engine_of, fail, warn
from engine.errors import KineticChainError
from engine.knowledge.coverage import TRACE_ENV, exercised_by_cases, exercised_by_scenarios, load_trace, trace_path
from engine.knowledge.graph import rulebase_graph, with_rule_nodes
from engine.reports.dot import to_dot
from engine.workflow.batch import expand_paths


def trace_option(command: Any) -> Any:
    return click.option(
        "--trace",
        type=click.Path(dir_okay=False, path_type=Path),
        envvar=TRACE_ENV,
        help="Scenario trace written by the scenario tests [default: build/scenario-rule-trace.json beside the "
        f"rule base folder; env {TRACE_ENV}].",
    )(command)


def read_trace(ctx: click.Context, given: Path | None) -> tuple[Path, dict[str, list[str]]]:
    """The trace's path and content (empty when there is none yet); an unreadable trace is an error naming it."""
    path = trace_path(engine_of(ctx).rulebase.directory, given)
    try:
        return path, load_trace(path)
    except KineticChainError as error:
        fail(str(error))
        raise


@click.group(epilog=EPILOG)
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
@trace_option
@click.pass_context
def rules_show(ctx: click.Context, rule_id: str, trace: Path | None) -> None:
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
    path, recorded = read_trace(ctx, trace)
    if not recorded:
        click.echo(
            f"scenarios: (no trace yet at {path} - run the scenario tests to record which scenarios exercise it)"
        )
        return
    scenarios = exercised_by_scenarios(engine_of(ctx), recorded).get(rule.id, [])
    click.echo("scenarios: " + ("; ".join(scenarios) if scenarios else "none - no scenario exercises this rule"))


@rules.command("validate", epilog=EPILOG)
@click.pass_context
def rules_validate(ctx: click.Context) -> None:
    """Load and check the rule base; problems name the file and rule id (exit 1 on any error).

    \b
    Example:
      kinetic-chain --rules my-rules/ rules validate
    """
    from engine.errors import RuleBaseError
    from engine.knowledge.bibliography import unresolved_sources
    from engine.knowledge.checks import load_errors, unused_words

    rulebase = engine_of(ctx).rulebase
    problems = load_errors(rulebase)  # checked here even when the load came from the rule-base cache
    if problems:
        fail(str(RuleBaseError(problems)))
    for warning in unused_words(rulebase):
        click.echo(f"warning: {warning}")
    for warning in unresolved_sources(rulebase):  # errors instead once rulebase.yaml names the bibliography
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
        from engine.reports.mermaid import render_markdown_graph

        click.echo(render_markdown_graph(with_rule_nodes(graph)), nl=False)
    elif fmt == "svg":
        from engine.reports.svg import render_svg

        click.echo(render_svg(with_rule_nodes(graph), "rule base"))
    else:
        edges = [{"source": a, "target": b, "rule": k} for a, b, k in sorted(graph.edges(keys=True))]
        nodes = [{"id": n, **graph.nodes[n]} for n in sorted(graph.nodes)]
        click.echo(json.dumps({"directed": True, "multigraph": True, "nodes": nodes, "edges": edges}, indent=2))


@rules.command("coverage", epilog=EPILOG)
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@trace_option
@click.pass_context
def rules_coverage(ctx: click.Context, paths: tuple[Path, ...], trace: Path | None) -> None:
    """Which rules never fired for a folder of case files or of Gherkin scenarios.

    Case files are assessed; scenarios are read from the trace the scenario tests write.

    \b
    Example:
      kinetic-chain rules coverage examples/
      python -m pytest tests/test_scenarios.py && kinetic-chain rules coverage scenarios/
    """
    engine = engine_of(ctx)
    features = [p for p in paths if p.suffix == ".feature" or (p.is_dir() and any(p.rglob("*.feature")))]
    usage, errors = exercised_by_cases(engine, expand_paths(str(p) for p in paths if p not in features))
    if features:
        path, recorded = read_trace(ctx, trace)
        if not recorded:
            fail(f"{path}: no scenario trace; run the scenario tests first (python -m pytest tests/test_scenarios.py)")
        for rule_id, scenarios in exercised_by_scenarios(engine, recorded).items():
            usage[rule_id] = usage.get(rule_id, []) + scenarios
    for error in errors:
        warn(f"skipped: {error}")
    never = [rule.id for rule in engine.rulebase.rules if not usage.get(rule.id)]
    total = len(engine.rulebase.rules)
    click.echo(f"{total - len(never)} of {total} rules fired at least once")
    for rule_id in never:
        click.echo(f"never fired: {rule_id}  ({engine.rulebase.file_of[rule_id]})")
