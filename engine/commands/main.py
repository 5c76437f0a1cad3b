"""kinetic-chain: the command line for clinicians.

Exit codes: 0 success; 1 a case file or the rule base is invalid (message on stderr naming the file
and the field or rule); 2 usage error; 3 the item asked about is not in the assessment; 4 an output cannot
be written; 130/143 a batch interrupted by SIGINT/SIGTERM (see engine.commands.batch).
"""

from __future__ import annotations

from pathlib import Path

import click

from engine.commands._support import EPILOG
from engine.commands.assess import assess, compare, explain, schema
from engine.commands.batch import batch
from engine.commands.rules import rules
from engine.commands.service import COMMANDS as SERVICE_COMMANDS
from engine.version import __version__


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


for _command in (assess, explain, schema, compare, rules, batch, *SERVICE_COMMANDS):
    main.add_command(_command)
