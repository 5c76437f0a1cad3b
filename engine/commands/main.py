"""kinetic-chain: the command line for clinicians.

Exit codes: 0 success; 1 a case file or the rule base is invalid (message on stderr naming the file
and the field or rule); 2 usage error; 3 the item asked about is not in the assessment; 4 an output cannot
be written; 130/143 a batch interrupted by SIGINT/SIGTERM (see engine.commands.batch). Each code is carried
by an exception class in engine.commands._support.

Commands are imported on first use (a LazyGroup): `kinetic-chain --help` lists them from the table below
without importing the engine, and `assess` never imports the batch workers, the service or networkx-based
graph exports it does not use.
"""

from __future__ import annotations

from importlib import import_module
from pathlib import Path

import click

from engine.commands._support import EPILOG, refusal
from engine.errors import EngineUnavailable
from engine.version import __version__

#: command name -> (module:attribute, its short help as `--help` lists it). A test checks that each short help
#: is the command's own (the first sentence of its docstring), so this table cannot drift.
COMMANDS = {
    "assess": ("engine.commands.assess:assess", "Assess one or more case files (YAML or JSON; '-' reads stdin)."),
    "audit": (
        "engine.commands.service:audit",
        "Read the audit trail: every assessment the service (or `assess --audit`) served.",
    ),
    "batch": ("engine.commands.batch:batch", "Assess many case files in parallel; a bad file never stops the others."),
    "compare": (
        "engine.commands.assess:compare",
        "Compare two visits of one runner: outcomes against their MCID, measurements against their MDC, per side.",
    ),
    "explain": (
        "engine.commands.assess:explain",
        "Why an intervention was recommended - or why not, when it was withheld or blocked.",
    ),
    "fhir-to-case": (
        "engine.commands.service:fhir_to_case_command",
        "Print the case file a FHIR R4 Bundle (or CDS Hooks prefetch) maps to; what was not used goes to stderr.",
    ),
    "rules": ("engine.commands.rules:rules", "Inspect and check the rule base."),
    "schema": ("engine.commands.assess:schema", "Print the case-file contract as JSON Schema."),
    "serve": (
        "engine.commands.service:serve",
        "Run the CDS Hooks service and JSON API with uvicorn (the ASGI app is engine.service:create_app).",
    ),
}


class LazyGroup(click.Group):
    """A group whose commands are imported from `lazy` (name -> (module:attribute, short help)) when invoked."""

    def __init__(self, *args, lazy: dict[str, tuple[str, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.lazy = lazy

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *self.lazy})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in self.lazy:
            module, _, attribute = self.lazy[cmd_name][0].partition(":")
            try:
                self.add_command(getattr(import_module(module), attribute), cmd_name)
            except EngineUnavailable as error:  # a command module that loads the rule engine as it is imported
                raise refusal(error) from None
        return self.commands.get(cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command list from the static short helps, importing nothing (click's own layout and truncation)."""
        listed = {name: click.Command(name, help=short) for name, (_, short) in self.lazy.items()}
        listed |= {name: command for name, command in self.commands.items() if not command.hidden}
        if not listed:
            return
        limit = formatter.width - 6 - max(map(len, listed))
        with formatter.section("Commands"):
            formatter.write_dl([(name, listed[name].get_short_help_str(limit)) for name in sorted(listed)])


@click.group(cls=LazyGroup, lazy=COMMANDS, epilog=EPILOG)
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
