"""What every kinetic-chain command shares: exit codes, error reporting, and the engine for an invocation."""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import wraps
from typing import Any

import click

from engine.api import Engine
from engine.errors import KineticChainError

EXIT_INVALID = 1
EXIT_NOT_FOUND = 3
EPILOG = "Exit codes: 0 success, 1 invalid case or rule file, 2 usage error, 3 item not in the assessment."


def fail(message: str, code: int = EXIT_INVALID) -> None:
    click.echo(message, err=True)
    sys.exit(code)


def reports_errors(command: Callable[..., Any]) -> Callable[..., Any]:
    """Turn the engine's own errors into a message on stderr and exit code 1, never a traceback."""

    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
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
