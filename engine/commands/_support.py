"""What every kinetic-chain command shares: exit codes, error reporting, and the engine for an invocation."""

from __future__ import annotations

import sys
import unicodedata
from collections.abc import Callable
from functools import wraps
from typing import Any

import click

from engine._atomic import OutputError
from engine.api import Engine
from engine.errors import KineticChainError

EXIT_INVALID = 1
EXIT_NOT_FOUND = 3
#: An output cannot be written (folder missing or read-only, disk full, I/O error, locked by another batch).
EXIT_WRITE = 4
EPILOG = (
    "Exit codes: 0 success, 1 invalid case or rule file, 2 usage error, 3 item not in the assessment, "
    "4 an output cannot be written."
)


def printable(text: str) -> str:
    """`text` with control and format characters (terminal escapes, carriage returns, bidi overrides) shown
    as escapes, so nothing from a case file can act on the terminal; line breaks between lines stay."""
    return "\n".join(
        "".join(
            char.encode("unicode_escape").decode("ascii") if unicodedata.category(char) in ("Cc", "Cf") else char
            for char in line
        )
        for line in text.split("\n")
    )


def warn(message: str) -> None:
    """A message on stderr, escaped (see printable)."""
    click.echo(printable(message), err=True)


def fail(message: str, code: int = EXIT_INVALID) -> None:
    warn(message)
    sys.exit(code)


def reports_errors(command: Callable[..., Any]) -> Callable[..., Any]:
    """Turn the engine's own errors into a message on stderr and exit code 1 (4 for an output that cannot be
    written), never a traceback."""

    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except OutputError as error:
            fail(str(error), EXIT_WRITE)
        except KineticChainError as error:
            fail(str(error))

    return wrapper


def engine_of(ctx: click.Context) -> Engine:
    """The engine for this invocation, built once (loading validates the rule base)."""
    if "engine" not in ctx.obj:
        try:
            ctx.obj["engine"] = Engine(ctx.obj["rules_dir"])
        except KineticChainError as error:
            fail(str(error))
    return ctx.obj["engine"]
