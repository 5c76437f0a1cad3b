"""What every kinetic-chain command shares: exit codes carried by exception classes, error reporting, and the
engine for an invocation.

A command refuses by raising one of the CommandError classes below; click shows the message on stderr (escaped,
without click's "Error: " prefix, so a message names the file first) and exits with the class's exit_code, as
it does for its own UsageError (exit 2). Nothing here imports the engine until a command needs it, so
`kinetic-chain --help` stays fast.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from functools import wraps
from typing import IO, TYPE_CHECKING, Any, NoReturn

import click

if TYPE_CHECKING:
    from engine.api import Engine

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


class CommandError(click.ClickException):
    """A refusal with its exit code; the message (if any) goes to stderr as it is, escaped."""

    exit_code = 1

    def show(self, file: IO[Any] | None = None) -> None:
        if self.message:
            click.echo(printable(self.message), err=file is None, file=file)


class InvalidInput(CommandError):
    """Exit 1: a case file, the rule base or another input is invalid (the message names the file and field)."""

    exit_code = 1


class CasesInvalid(InvalidInput):
    """Exit 1 at the end of a run: some inputs (case files, audit records) failed, each already reported."""

    def __init__(self, message: str = "") -> None:
        super().__init__(message)


class NotAvailable(CommandError):
    """Exit 2, like a usage error: the option asked for needs an optional part that is not installed, or a part
    the engine needs cannot be loaded (durable-rules' C engine: errors.EngineUnavailable)."""

    exit_code = 2


class NotFound(CommandError):
    """Exit 3: the item asked about (an intervention for `explain`) is not in the assessment."""

    exit_code = 3


class OutputNotWritable(CommandError):
    """Exit 4: an output cannot be written (folder missing or read-only, disk full, I/O error, locked)."""

    exit_code = 4


class Interrupted(CommandError):
    """Exit 128 + the signal number (130 SIGINT, 143 SIGTERM), as shells report it: a batch stopped by a signal."""

    def __init__(self, message: str, signal_number: int) -> None:
        super().__init__(message)
        self.exit_code = 128 + signal_number


def fail(message: str) -> NoReturn:
    """Refuse with exit code 1 (InvalidInput); other codes raise their class."""
    raise InvalidInput(message)


def refusal(error: Exception) -> CommandError:
    """The refusal for one of the engine's own errors (errors.KineticChainError): exit 2 for a rule engine that
    cannot be loaded (an installation problem), 4 for an audit store that cannot be opened or used (as for any
    output), exit 1 for everything else (an invalid input)."""
    from engine.errors import EngineUnavailable, StoreError

    if isinstance(error, StoreError):
        return OutputNotWritable(str(error))
    return NotAvailable(str(error)) if isinstance(error, EngineUnavailable) else InvalidInput(str(error))


def reports_errors(command: Callable[..., Any]) -> Callable[..., Any]:
    """Turn the engine's own errors into a message on stderr and exit code 1 (4 for an output that cannot be
    written, 2 for a rule engine that cannot be loaded: see refusal), never a traceback."""
    from engine._atomic import OutputError
    from engine.errors import KineticChainError

    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except OutputError as error:
            raise OutputNotWritable(str(error)) from None
        except KineticChainError as error:
            raise refusal(error) from None

    return wrapper


def engine_of(ctx: click.Context) -> Engine:
    """The engine for this invocation, built once (loading validates the rule base)."""
    if "engine" not in ctx.obj:
        from engine.commands._process import engine_built
        from engine.errors import KineticChainError

        try:
            from engine.api import Engine

            ctx.obj["engine"] = Engine(ctx.obj["rules_dir"])
        except KineticChainError as error:
            raise refusal(error) from None
        engine_built()
    return ctx.obj["engine"]
