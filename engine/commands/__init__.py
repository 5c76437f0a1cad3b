"""The `kinetic-chain` command line: one module per command group, exit codes carried by click exception classes."""

from engine.commands import _process
from engine.commands.main import main

__all__ = ["main", "run"]


def run() -> None:
    """The console script `kinetic-chain`: the command group, started and ended quickly (engine.commands._process)."""
    _process.run(main)
