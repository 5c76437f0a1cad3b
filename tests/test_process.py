"""The `kinetic-chain` process (engine.commands._process): it may start and end more quickly than the interpreter
would, but never writes less, never ends with another exit code, and never cuts short anything still running."""

from __future__ import annotations

import gc
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from _hostile import python
from _support import EXAMPLES, REPO

import engine
from engine.commands import _process
from engine.reports import render

EXAMPLE = str(EXAMPLES / "runner-left-restriction.yaml")
#: Printed by an exit handler when the interpreter's own ending runs (and not after the quick one).
TEARDOWN = "INTERPRETER TEARDOWN RAN"


def console(args: list[str], before: str = "") -> subprocess.CompletedProcess:
    """The console script's entry (engine.commands.run) in a fresh interpreter, with `before` run first and an
    exit handler that shows whether the interpreter's teardown ran."""
    code = "\n".join([
        "import atexit, sys",
        f"atexit.register(lambda: print({TEARDOWN!r}, file=sys.stderr))",
        before,
        f"sys.argv = ['kinetic-chain', *{args!r}]",
        "from engine.commands import run",
        "run()",
    ])  # fmt: skip
    return python(code, timeout=120)


def test_an_assessment_ends_quickly_with_all_of_its_report() -> None:
    done = console(["assess", EXAMPLE])
    assert done.returncode == 0, done.stderr
    assert done.stdout == render(engine.Engine().assess(EXAMPLE), "text")
    assert TEARDOWN not in done.stderr


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["assess", "no-such-case.yaml"], 1, "no-such-case.yaml"),
        (["assess", "--no-such-option"], 2, "No such option"),
        (["explain", EXAMPLE, "band_assisted_mobilization"], 3, "neither recommended, withheld nor blocked"),
        (["assess", EXAMPLE, "--output", "/no/such/folder/report.txt"], 4, "/no/such/folder"),
        (["--version"], 0, ""),
    ],
)
def test_every_exit_code_and_message_survive_the_quick_ending(args: list[str], code: int, message: str) -> None:
    done = console(args)
    assert done.returncode == code, done.stderr
    assert message in done.stderr + done.stdout and "Traceback" not in done.stderr
    assert TEARDOWN not in done.stderr


def test_with_a_thread_still_running_the_interpreter_ends_as_usual() -> None:
    # A thread that lives exactly as long as the main thread, however slow the machine (a 0.5 s sleep ended
    # before a slow assessment did, and the process then ended the quick way, as it should).
    worker = "import threading; threading.Thread(target=threading.main_thread().join).start()"
    done = console(["assess", EXAMPLE], before=worker)
    assert done.returncode == 0 and TEARDOWN in done.stderr
    assert done.stdout == render(engine.Engine().assess(EXAMPLE), "text")


def test_a_reader_that_stops_early_gets_the_same_ending_as_before() -> None:
    """`kinetic-chain assess ... | head -c 10`: the same exit code and stderr as the group run the usual way."""
    args = ["assess", EXAMPLE, "--format", "json", "--explain"]  # far more than a pipe holds
    usual = f"import sys; sys.argv = ['kinetic-chain', *{args!r}]\nfrom engine.commands import main\nmain()"
    quick = f"import sys; sys.argv = ['kinetic-chain', *{args!r}]\nfrom engine.commands import run\nrun()"
    endings = []
    for code in (usual, quick):
        with subprocess.Popen(
            [sys.executable, "-c", code], cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        ) as process:
            process.stdout.read(10)
            process.stdout.close()
            stderr = process.stderr.read().decode()
            endings.append((process.wait(timeout=120), "Traceback" in stderr))
    assert endings[0] == endings[1]
    assert not endings[1][1]


def test_the_collector_is_back_to_its_thresholds_once_the_engine_is_built() -> None:
    check = (
        "import gc, sys, engine.api\n"
        "built = engine.api.Engine.__init__\n"
        "def record(self, *a):\n"
        "    built(self, *a)\n"
        "    print('DURING', gc.get_threshold()[0], file=sys.stderr)\n"
        "engine.api.Engine.__init__ = record\n"
        "original = engine.api.Engine._assess\n"
        "def assess(self, *a, **k):\n"
        "    print('AFTER', gc.get_threshold()[0], gc.get_freeze_count() > 0, file=sys.stderr)\n"
        "    return original(self, *a, **k)\n"
        "engine.api.Engine._assess = assess"
    )
    done = console(["assess", EXAMPLE], before=check)
    assert done.returncode == 0, done.stderr
    assert f"DURING {_process.STARTUP_THRESHOLD}" in done.stderr
    assert f"AFTER {gc.get_threshold()[0]} True" in done.stderr


def test_engine_built_leaves_a_process_that_did_not_raise_the_threshold_alone() -> None:
    """An embedding program (or the test runner) that builds engines through the commands keeps its own settings."""
    before, frozen = gc.get_threshold(), gc.get_freeze_count()
    _process.engine_built()
    assert gc.get_threshold() == before and gc.get_freeze_count() == frozen


def test_audit_records_are_in_the_database_file_itself_when_the_process_ends(tmp_path: Path) -> None:
    """`assess --audit` closes the store before the quick ending: a copy of the SQLite file alone (a backup, a
    hand-over) holds every record, with no write-ahead log left beside the original."""
    db = tmp_path / "audit.sqlite3"
    for _ in range(2):
        assert console(["assess", EXAMPLE, "--audit", "--db", str(db)]).returncode == 0
    assert console(["audit", "show", "1", "--db", str(db)]).returncode == 0
    assert sorted(path.name for path in tmp_path.iterdir() if path.name.startswith("audit.sqlite3-")) == []
    copy = tmp_path / "copy" / "audit.sqlite3"
    copy.parent.mkdir()
    shutil.copyfile(db, copy)
    listed = console(["audit", "list", "--db", str(copy), "--format", "json"])
    assert listed.returncode == 0 and len(json.loads(listed.stdout)) == 2


BROKEN_ENGINE = """
class Broken:
    '''durable-rules' C engine as Python 3.13 finds it when built without the flag the README gives.'''
    def find_spec(self, name, path=None, target=None):
        if name == "durable_rules_engine":
            raise ImportError("durable_rules_engine.cpython-313.so: undefined symbol: PyEval_CallObject")
sys.meta_path.insert(0, Broken())
"""


@pytest.mark.parametrize("args", [["assess", EXAMPLE], ["batch", EXAMPLE, "-q"], ["rules", "list"]])
def test_a_rule_engine_that_cannot_be_loaded_is_one_line_with_the_fix_and_exit_2(args: list[str]) -> None:
    done = console(args, before=BROKEN_ENGINE)
    assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr
    assert "durable-rules' C engine cannot be loaded" in done.stderr and "undefined symbol" in done.stderr
    assert "CPPFLAGS=-DPyEval_CallObject=PyObject_CallObject pip install" in done.stderr
    assert "--no-cache-dir" in done.stderr  # else pip reinstalls the unloadable wheel it built before
    assert done.stdout == ""


def test_any_other_reason_the_rule_engine_cannot_be_loaded_says_to_reinstall_it() -> None:
    done = console(["assess", EXAMPLE], before="sys.modules['durable_rules_engine'] = None")
    assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr
    assert "cannot be loaded" in done.stderr and "reinstall durable-rules" in done.stderr
    assert "--no-cache-dir" in done.stderr


def test_the_library_raises_engine_unavailable_naming_the_reason() -> None:
    code = (
        "import sys\n"
        + BROKEN_ENGINE
        + (
            "import engine\n"
            "try:\n"
            "    engine.Engine()\n"
            "except engine.EngineUnavailable as error:\n"
            "    print(type(error).__name__, isinstance(error, engine.KineticChainError), error.reason[-17:])\n"
        )
    )
    done = python(code, timeout=120)
    assert done.stdout.strip() == "EngineUnavailable True PyEval_CallObject", done.stderr
