"""The `kinetic-chain` command line: one module per command group, exit codes carried by click exception classes."""

from engine.commands.main import main

__all__ = ["main"]
