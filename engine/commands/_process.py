"""The `kinetic-chain` process: the click group run as a console script, with a quicker start and end.

A single `assess` spends most of its time before and after the assessment itself: importing, building the
engine, and tearing the interpreter down again. Two things here cut that, neither of which changes what a
command writes or the exit code it ends with:

- **Start:** the cyclic garbage collector runs about a hundred times while the modules and the engine are built,
  collecting almost nothing (the objects built then live for the whole process). Its first threshold is raised
  until the engine is built (`engine_built`, called by `_support.engine_of`), then put back and the objects
  built so far are moved out of its sight (`gc.freeze`), so a long batch or service does not scan them again.
  It still runs meanwhile, only less often: nothing can grow without bound.
- **End:** once the command has finished, its output is flushed and nothing else runs in the process (no
  thread besides this one, no child process), the process ends with `os._exit`, skipping the interpreter's
  teardown of every module and object (about 0.09 s after an assessment on a 2-core machine), which would
  change nothing: every file the engine writes is written whole and closed before a command returns
  (engine._atomic; a batch's results file flushes every line), and the audit commands close their store when
  they end, so a SQLite audit file holds every record by itself. Otherwise (an output that cannot be flushed,
  such as a closed pipe, or anything still running) the interpreter ends as usual.

The embedding API and click's test runner call the group itself (`engine.commands.main`), not `run`.
"""

from __future__ import annotations

import gc
import os
import sys
import threading
from collections.abc import Callable
from typing import Any

#: The collector's first threshold while the engine is built (CPython's default is 700 allocations).
STARTUP_THRESHOLD = 20_000
_default_thresholds = gc.get_threshold()


def run(command: Callable[[], Any]) -> None:
    """Run a click command in standalone mode as the whole process (the console script: engine.commands.run)."""
    gc.set_threshold(STARTUP_THRESHOLD, *_default_thresholds[1:])
    try:
        command()
    except SystemExit as done:
        code = 0 if done.code is None else done.code
        if isinstance(code, int) and not isinstance(code, bool) and _alone() and _flushed():
            os._exit(code)
        raise


def engine_built() -> None:
    """Back to the collector's usual thresholds, with what was built at start-up left out of its scans."""
    if gc.get_threshold()[0] == STARTUP_THRESHOLD:
        gc.freeze()
        gc.set_threshold(*_default_thresholds)


def _alone() -> bool:
    """Nothing else runs in the process: no other thread and no child process still alive."""
    if threading.active_count() > 1:
        return False
    children = sys.modules.get("multiprocessing")
    return children is None or not children.active_children()


def _flushed() -> bool:
    """Standard output and error written out; False if either cannot be (a closed pipe): the usual ending
    then reports it as before."""
    try:
        for stream in (sys.stdout, sys.stderr):
            if stream is not None:
                stream.flush()
    except (OSError, ValueError):
        return False
    return True
