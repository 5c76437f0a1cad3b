"""`kinetic-chain batch --cluster`: a Dask cluster gives the same bytes, order, isolation, summary and exit codes
as a local batch; a cluster that cannot serve the batch is refused with a message, never a traceback.

One LocalCluster of two worker processes serves the module; the batches run the real command line in a
subprocess against its scheduler address, as a clinic's IT would against a cluster of machines.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

distributed = pytest.importorskip("distributed")

from _hostile import python  # noqa: E402
from click.testing import CliRunner  # noqa: E402

from engine.api import Engine  # noqa: E402
from engine.commands import main  # noqa: E402
from engine.errors import KineticChainError  # noqa: E402
from engine.workflow import _batch_cluster  # noqa: E402
from engine.workflow._batch_cluster import CLUSTER_EXTRA, parse_cluster  # noqa: E402
from engine.workflow._batch_pool import StopFlag  # noqa: E402
from engine.workflow.batch import expand_paths, run_batch  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "examples"
BAD = REPO / "tests" / "bad_cases"
BAD_FILES = ["bad-sex.yaml", "invalid-syntax.yaml", "binary-garbage.yaml", "format-3.yaml"]


@pytest.fixture(scope="module")
def scheduler():
    """A LocalCluster of two single-threaded worker processes; its scheduler address."""
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None, protocol="tcp"
    ) as cluster:
        yield cluster.scheduler_address


@pytest.fixture
def mixed(tmp_path: Path) -> Path:
    """The examples plus invalid files interleaved with them, one of them named but missing."""
    folder = tmp_path / "cases"
    folder.mkdir()
    for example in sorted(EXAMPLES.glob("*.y*ml")) + sorted(EXAMPLES.glob("*.json")):
        shutil.copy(example, folder / example.name)
    for letter, name in zip("bhnr", BAD_FILES, strict=True):
        shutil.copy(BAD / name, folder / f"{letter}-invalid-{name}")
    return folder


def batch(*args: str, timeout: float = 240) -> subprocess.CompletedProcess:
    command = [sys.executable, "cli.py", "batch", *args, "--quiet"]
    return subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=timeout, check=False)


def in_process(*args: str):
    return CliRunner().invoke(main, ["batch", *args, "--quiet"])


def outputs(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


def test_a_cluster_batch_writes_the_same_bytes_as_a_local_one(mixed: Path, tmp_path: Path, scheduler: str) -> None:
    missing = str(tmp_path / "not-there.yaml")
    runs = {}
    for name, how in (("local", ["--jobs", "1"]), ("cluster", ["--cluster", scheduler])):
        folder = tmp_path / name
        folder.mkdir()
        out, csv, reports = folder / "results.jsonl", folder / "summary.csv", folder / "reports"
        result = batch(
            str(mixed), missing, *how, "--out", str(out), "--summary", str(csv), "--report-dir", str(reports)
        )
        runs[name] = result
        assert result.returncode == 1, result.stderr  # invalid files: the others are still assessed
        assert "Traceback" not in result.stderr
        assert not (folder / "results.jsonl.partial").exists()  # completed: the results are in place
    local, cluster = tmp_path / "local", tmp_path / "cluster"
    assert (cluster / "results.jsonl").read_bytes() == (local / "results.jsonl").read_bytes()
    assert (cluster / "summary.csv").read_bytes() == (local / "summary.csv").read_bytes()
    assert outputs(cluster / "reports") == outputs(local / "reports")
    lines = (cluster / "results.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(expand_paths([str(mixed), missing])) == len(list(mixed.iterdir())) + 1
    assert sum('"status": "invalid"' in line for line in lines) == len(BAD_FILES) + 1
    assert len(outputs(cluster / "reports")) == len(lines) - len(BAD_FILES) - 1  # one page per valid case
    warnings = [line for line in runs["cluster"].stderr.splitlines() if "invalid" in line and ": " in line]
    assert warnings == [line for line in runs["local"].stderr.splitlines() if "invalid" in line and ": " in line]


def test_cluster_local_n_starts_its_own_workers(tmp_path: Path) -> None:
    cases = [str(path) for path in sorted(EXAMPLES.glob("*.yaml"))[:8]]
    local, cluster = tmp_path / "local.jsonl", tmp_path / "cluster.jsonl"
    assert in_process(*cases, "--jobs", "1", "--out", str(local)).exit_code == 0
    result = batch(*cases, "--cluster", "local:2", "--out", str(cluster))
    assert result.returncode == 0, result.stderr
    assert cluster.read_bytes() == local.read_bytes()
    assert "Batch summary: 8 cases in" in result.stdout


def test_an_interrupted_cluster_batch_resumes_to_the_local_result(tmp_path: Path, scheduler: str) -> None:
    folder = tmp_path / "cases"
    folder.mkdir()
    for i in range(4):  # 4 x the examples: long enough to interrupt part-way
        for example in sorted(EXAMPLES.glob("*.yaml")):
            shutil.copy(example, folder / f"{i:02d}-{example.name}")
    out = tmp_path / "results.jsonl"
    command = [sys.executable, "cli.py", "batch", str(folder), "--cluster", scheduler, "--out", str(out), "-q"]
    process = subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    partial = tmp_path / "results.jsonl.partial"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and (not partial.exists() or partial.read_bytes().count(b"\n") < 10):
        time.sleep(0.05)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 130, stderr
    assert "interrupted by SIGINT" in stderr and "--resume" in stderr and "Traceback" not in stderr
    assert not out.exists()
    kept = partial.read_text(encoding="utf-8").splitlines()
    assert 10 <= len(kept) < len(expand_paths([str(folder)]))
    resumed = batch(str(folder), "--cluster", scheduler, "--out", str(out), "--resume")
    assert resumed.returncode == 0, resumed.stderr
    local = tmp_path / "local.jsonl"
    assert in_process(str(folder), "--jobs", "1", "--out", str(local)).exit_code == 0
    assert out.read_bytes() == local.read_bytes()


def test_workers_that_cannot_load_the_same_rule_base_stop_the_batch(tmp_path: Path, scheduler: str) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(REPO / "rules", rules)
    engine = Engine(rules)  # what this machine loaded; the workers then see the folder changed, then gone
    manifest = rules / "rulebase.yaml"
    manifest.write_text(manifest.read_text(encoding="utf-8") + "\n# edited on the shared folder\n", encoding="utf-8")
    spec, files, lines = parse_cluster(scheduler), [str(EXAMPLES / "runner-left-restriction.yaml")], []
    with pytest.raises(KineticChainError, match=r"worker tcp://\S+ loaded a different rule base from the --rules"):
        run_batch(files, lambda line, _: lines.append(line), rules, engine=engine, stop=StopFlag(), cluster=spec)
    shutil.rmtree(rules)
    with pytest.raises(KineticChainError, match=r"cannot load the rule base .*same absolute path \(a shared folder"):
        run_batch(files, lambda line, _: lines.append(line), rules, engine=engine, stop=StopFlag(), cluster=spec)
    assert lines == []  # refused before any case


def test_a_case_that_kills_its_worker_fails_alone(tmp_path: Path) -> None:
    """A case that kills every worker that takes it is one 'failed' line; the rest of its chunk is assessed."""
    folder = tmp_path / "cases"
    folder.mkdir()
    for example in sorted(EXAMPLES.glob("*.yaml")):  # chunks of 4 cases: the poison shares one
        shutil.copy(example, folder / example.name)
    shutil.copy(EXAMPLES / "runner-left-restriction.yaml", folder / "c-poison.yaml")
    out = tmp_path / "r.jsonl"
    result = subprocess.run(
        [sys.executable, "-c", POISONED_CLUSTER_BATCH.format(folder=str(folder), out=str(out))],
        cwd=REPO, capture_output=True, text=True, timeout=240, check=False,
    )  # fmt: skip
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr and out.exists(), result.stderr
    lines = out.read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(expand_paths([str(folder)]))
    failed = [line for line in lines if '"status": "failed"' in line]
    assert len(failed) == 1 and "c-poison.yaml" in failed[0] and "KilledWorker" in failed[0], failed
    assert not any('"status": "invalid"' in line for line in lines)


POISONED_CLUSTER_BATCH = """
import dask, distributed, logging, sys
dask.config.set({{"distributed.scheduler.allowed-failures": 0, "distributed.scheduler.worker-saturation": 1.0}})

class Poison(distributed.WorkerPlugin):  # on every worker, also those restarted after a death
    def setup(self, worker):
        import os, signal
        import engine.workflow.batch as batch
        real = batch.assess_file
        def assess_file(file, engine, html=False, data=None, **options):
            if "poison" in file:
                os.kill(os.getpid(), signal.SIGKILL)
            return real(file, engine, html, data, **options)
        batch.assess_file = assess_file

if __name__ == "__main__":
    kwargs = dict(threads_per_worker=1, dashboard_address=None, silence_logs=logging.CRITICAL)
    with distributed.LocalCluster(n_workers=2, **kwargs) as cluster:
        with distributed.Client(cluster) as client:
            client.register_plugin(Poison())
            from engine.commands import main
            sys.argv = ["kinetic-chain", "batch", {folder!r}, "--cluster", cluster.scheduler_address,
                        "--out", {out!r}, "-q"]
            main()
"""


def test_without_the_extra_the_option_says_what_to_install(tmp_path: Path) -> None:
    code = (
        "import sys; sys.modules['distributed'] = None; sys.modules['dask'] = None\n"
        "from engine.commands import main\n"
        f"sys.argv = ['kinetic-chain', 'batch', {str(EXAMPLES)!r}, '--cluster', 'local', '--out', 'x.jsonl']\n"
        "main()\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=60, check=False,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )  # fmt: skip
    assert result.returncode == 2
    assert result.stderr.strip() == CLUSTER_EXTRA
    assert list(tmp_path.iterdir()) == []  # nothing written


def test_help_and_local_batches_never_import_dask() -> None:
    code = (
        "import sys\n"
        "from engine.commands import main\n"  # the group, three times in one process (`run` ends the process)
        "for argv in (['--help'], ['batch', '--help'], ['batch', 'examples', '--jobs', '1', '-q']):\n"
        "    try:\n"
        "        main(argv, prog_name='kinetic-chain')\n"
        "    except SystemExit:\n"
        "        pass\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('dask', 'distributed')))\n"
    )
    result = python(code, timeout=120)
    assert result.stdout.strip().splitlines()[-1] == "[]"


@pytest.mark.parametrize("address", ["lokal", "local:0", "tcp://", "http://host:8786", "host"])
def test_a_malformed_address_is_a_usage_error(address: str) -> None:
    result = in_process(str(EXAMPLES / "runner-left-restriction.yaml"), "--cluster", address)
    assert result.exit_code == 2
    assert "--cluster" in result.stderr and address in result.stderr and result.exception.__class__ is SystemExit


def test_jobs_with_a_cluster_of_its_own_is_a_usage_error() -> None:
    result = in_process(str(EXAMPLES), "--cluster", "tcp://10.0.0.1:8786", "--jobs", "2")
    assert result.exit_code == 2 and "--jobs does not apply to --cluster tcp://10.0.0.1:8786" in result.stderr


def test_an_unreachable_scheduler_is_one_line_and_leaves_no_output(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(_batch_cluster, "CONNECT_SECONDS", 1)
    out = tmp_path / "results.jsonl"
    result = in_process(str(EXAMPLES), "--cluster", "tcp://127.0.0.1:9", "--out", str(out))
    assert result.exit_code == 1
    assert result.stderr.startswith("--cluster tcp://127.0.0.1:9: cannot reach the Dask scheduler")
    assert result.exception.__class__ is SystemExit  # a message, no traceback
    assert not out.exists() and not (tmp_path / "results.jsonl.partial").exists()
