"""Errors the engine reports to clinicians and integrators: each names where the problem is."""

from __future__ import annotations


class KineticChainError(Exception):
    """Base of every error the engine raises on purpose (the CLI maps these to exit code 1)."""


class CaseError(KineticChainError):
    """A case file that breaks the contract; the message names the file, the field and what was expected."""

    def __init__(self, source: str, field: str | None, message: str, more: list[tuple[str, str]] = ()) -> None:
        self.source = source
        self.field = field
        self.problems = [(field, message), *more]
        super().__init__("\n".join(f"{source}: {f}: {m}" if f else f"{source}: {m}" for f, m in self.problems))


class RuleBaseError(KineticChainError):
    """A rule base that cannot be trusted; every problem names its file and rule id."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("rule base is invalid:\n  " + "\n  ".join(problems))


class VisitMismatchError(KineticChainError):
    """Two visits that are not of one case: comparing them would report another runner's change as progress."""

    def __init__(self, sources: tuple[str, str], case_ids: tuple[str, str]) -> None:
        self.sources = sources
        self.case_ids = case_ids
        super().__init__(
            f"{sources[0]}, {sources[1]}: visits of different cases (case_id {case_ids[0]} and {case_ids[1]});"
            " compare two visits of one runner"
        )


class StoreError(KineticChainError):
    """The audit store (--db) cannot be opened or used: the message names it and why, on one line (the CLI exits
    with 4, as for any output it cannot write)."""

    def __init__(self, db: str, reason: str) -> None:
        self.db, self.reason = db, reason
        super().__init__(f"{db}: cannot open or use the audit store: {reason}")


class EngineUnavailable(KineticChainError):
    """durable-rules' C engine cannot be loaded in this Python (an installation problem, not an input one); the
    message gives the loader's reason and how to install it so that it loads."""

    #: durable-rules 2.0.28's C extension calls PyEval_CallObject, which Python 3.13 removed: built as it is, it
    #: cannot be loaded there ("undefined symbol"). Built with this flag, the call is PyObject_CallObject's.
    PYTHON_313_FLAG = "CPPFLAGS=-DPyEval_CallObject=PyObject_CallObject"

    def __init__(self, reason: str) -> None:
        self.reason = reason
        # --no-cache-dir: pip keeps the wheel it built from source and reuses it, flag or not, so without it the
        # advice would reinstall the same unloadable build.
        if "PyEval_CallObject" in reason:
            self.suggestion = (
                f"on Python 3.13 build it with {self.PYTHON_313_FLAG}: {self.PYTHON_313_FLAG} pip install"
                " --force-reinstall --no-deps --no-cache-dir --no-binary durable-rules durable-rules==2.0.28"
            )
        else:
            self.suggestion = (
                "reinstall durable-rules: pip install --force-reinstall --no-deps --no-cache-dir durable-rules==2.0.28"
                " (it builds from source: it needs gcc and the Python headers)"
            )
        super().__init__(f"durable-rules' C engine cannot be loaded ({reason}); {self.suggestion}")
