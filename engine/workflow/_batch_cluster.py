"""`kinetic-chain batch --cluster ADDRESS`: the same batch on the workers of a Dask distributed cluster.

Dask is an optional extra (`pip install 'kinetic-chain-cds[cluster]'`), imported only here, only for --cluster.
The client (this process) reads every case file and sends its bytes (only the client needs the inputs); the
workers assess them with a local batch's code (assess_file): the JSON lines are byte for byte the same.
Each worker builds its Engine once, from the --rules folder by its absolute path (every worker must read it
there) or its own bundled rules; a worker that cannot load it, loads a different one (SHA-256) or runs
another engine version stops the batch before any case is assessed, with a message naming the worker.
What runs on the workers is engine.workflow._batch_cluster_worker. Besides a case that kills workers, a
task that fails (the scheduler cannot read it, it was lost) stops the batch: finished lines are kept.

Cases go out in chunks of consecutive inputs, at most WINDOW cases ahead of the oldest unanswered one, and
are handed on in input order. A chunk whose task failed (a worker died on it: KilledWorker) is sent again
case by case, so only the case that kills workers is reported "failed". A stop (SIGINT/SIGTERM) ends
dispatching, cancels what runs and hands over what already finished, as the local pool does.
"""

from __future__ import annotations

import logging
import os
import queue
import re
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from engine.api import Engine
from engine.case.loader import read_case_bytes
from engine.errors import KineticChainError
from engine.version import __version__
from engine.workflow._batch_cluster_worker import assess_chunk, check_worker
from engine.workflow._batch_pool import StopFlag
from engine.workflow.batch import CaseResult, failed, one_line, refusal

CLUSTER_EXTRA = "--cluster needs the cluster extra: pip install 'kinetic-chain-cds[cluster]'"
CONNECT_SECONDS = 10  # reaching the scheduler
WORKERS_SECONDS = 30  # waiting for a first worker to join
MAX_CHUNK = 32  # cases per task (fewer when the batch is small, so every worker gets some)
WINDOW = 1024  # cases dispatched ahead of the oldest unanswered one (bounds the answers held in memory)
POLL_SECONDS = 0.2  # how often a stop request is noticed while waiting for answers
SCHEMES = ("tcp", "tls", "ws", "wss", "ucx", "inproc")
_HOST_PORT = re.compile(r"(\[[0-9A-Fa-f:.]+\]|[^\s:/\[\]]+):\d{1,5}")
_LOCAL = re.compile(r"local(?::(\d+))?")


class ClusterUnavailable(KineticChainError):
    """--cluster was given but Dask distributed is not installed (the command exits 2)."""


@dataclass(frozen=True)
class ClusterSpec:
    """Where to run: `address` of a running scheduler, or None to start a LocalCluster of `workers` here."""

    text: str
    address: str | None = None
    workers: int | None = None

    def assess(
        self,
        files: list[str],
        rules_dir: Path | None,
        jobs: int | None,
        html: bool,
        engine: Engine,
        stop,
        explain=False,
    ):
        """What engine.workflow.batch.assess_files returns, from this cluster (see assess_on_cluster)."""
        return assess_on_cluster(files, self, rules_dir, jobs, html, engine, stop, explain)


def parse_cluster(text: str) -> ClusterSpec:
    """`local`, `local:N` or a scheduler address (tcp://host:8786, tls://..., host:8786); ValueError otherwise."""
    local = _LOCAL.fullmatch(text)
    if local:
        workers = int(local.group(1)) if local.group(1) else None
        if workers is not None and not 1 <= workers <= 1024:
            raise ValueError(f"{text}: local:N needs 1 to 1024 workers")
        return ClusterSpec(text, None, workers)
    scheme, sep, rest = text.partition("://")
    if sep and scheme in SCHEMES and rest and not any(c.isspace() for c in rest):
        return ClusterSpec(text, text)
    if not sep and _HOST_PORT.fullmatch(text):
        return ClusterSpec(text, text)
    raise ValueError(f"{text}: expected local, local:N or a Dask scheduler address such as tcp://host:8786")


def require_dask() -> Any:
    """The `distributed` module, or ClusterUnavailable with the install command."""
    try:
        import distributed
    except ImportError:
        raise ClusterUnavailable(CLUSTER_EXTRA) from None
    return distributed


def assess_on_cluster(
    files: list[str],
    spec: ClusterSpec,
    rules_dir: Path | None,
    jobs: int | None,
    html: bool,
    engine: Engine,
    stop: StopFlag,
    explain: bool = False,
) -> Iterator[CaseResult]:
    """Connect (or start a LocalCluster), check every worker, then the results in input order (see the module
    docstring). Raises KineticChainError when the cluster cannot serve the batch."""
    distributed = require_dask()
    client, cluster = _connect(distributed, spec, jobs)
    try:
        args = (
            str(Path(rules_dir).resolve()) if rules_dir else None,
            engine.rulebase.sha256,
            __version__,
            html,
            explain,
        )
        threads = _check_workers(client, spec, args[:3])
    except BaseException:
        _close(client, cluster)
        raise
    chunk = max(1, min(MAX_CHUNK, len(files) // (4 * threads)))
    return _ordered(_Dispatch(client, files, args, chunk, max(WINDOW, 2 * threads * chunk)), cluster, stop)


def _connect(distributed: Any, spec: ClusterSpec, jobs: int | None) -> tuple[Any, Any]:
    cluster = None
    try:
        if spec.address is None:
            workers = spec.workers or jobs or os.cpu_count() or 1
            cluster = distributed.LocalCluster(
                n_workers=workers,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
                silence_logs=logging.CRITICAL,  # our own messages say what went wrong
            )
        return distributed.Client(cluster or spec.address, timeout=CONNECT_SECONDS, set_as_default=False), cluster
    except Exception as error:
        if cluster is not None:
            cluster.close()
        what = "cannot start a local Dask cluster" if spec.address is None else "cannot reach the Dask scheduler"
        raise KineticChainError(f"--cluster {spec.text}: {what} ({type(error).__name__}: {error})") from None


def _check_workers(client: Any, spec: ClusterSpec, args: tuple[str | None, str, str]) -> int:
    """Wait for a worker, run check_worker on each and once as a task (the scheduler must read tasks too);
    the number of worker threads, or KineticChainError."""
    try:
        client.wait_for_workers(1, timeout=WORKERS_SECONDS)
    except Exception:
        raise KineticChainError(f"--cluster {spec.text}: no Dask worker joined within {WORKERS_SECONDS} s") from None
    try:
        answers = client.run(check_worker, *args)
        answers["(a task)"] = client.submit(check_worker, *args, pure=False).result(timeout=WORKERS_SECONDS)
    except Exception as error:
        raise KineticChainError(
            f"--cluster {spec.text}: the cluster cannot run kinetic-chain ({type(error).__name__}: "
            f"{one_line(error)}); install kinetic-chain-cds[cluster] {__version__} on the scheduler and every worker"
        ) from None
    problems = [f"worker {worker} {problem}" for worker, problem in sorted(answers.items()) if problem]
    if problems:
        more = f" (and {len(problems) - 3} more workers)" if len(problems) > 3 else ""
        raise KineticChainError(f"--cluster {spec.text}: " + "; ".join(problems[:3]) + more)
    return max(1, sum(client.nthreads().values()))


def _close(client: Any, cluster: Any) -> None:
    client.close()
    if cluster is not None:
        cluster.close()


class _Dispatch:
    """The tasks of one batch: which cases are out, which answers are back (by input index)."""

    def __init__(self, client: Any, files: list[str], args: tuple, chunk: int, window: int) -> None:
        self.client, self.files, self.args, self.window = client, files, args, window
        self.units: deque[list[int]] = deque(
            list(range(start, min(start + chunk, len(files)))) for start in range(0, len(files), chunk)
        )
        self.running: dict[Any, list[int]] = {}  # future -> input indices
        self.answers: queue.Queue = queue.Queue()  # futures that finished (put by Dask's callback thread)
        self.completed: dict[int, CaseResult] = {}

    def submit(self, oldest: int) -> None:
        while self.units and self.units[0][0] < oldest + self.window:
            indices, items = [], []
            for index in self.units.popleft():
                file = self.files[index]
                try:
                    items.append((file, read_case_bytes(file)))
                    indices.append(index)
                except Exception as error:  # unreadable here: the same 'invalid' line a local batch writes
                    self.completed[index] = refusal(file, error)
            if items:
                future = self.client.submit(assess_chunk, items, *self.args, pure=False)
                self.running[future] = indices
                future.add_done_callback(self.answers.put)

    def receive(self, timeout: float) -> None:
        try:
            future = self.answers.get(timeout=timeout)
        except queue.Empty:
            return
        indices = self.running.pop(future, None)
        if indices is None:
            return
        try:  # waits if the answer was lost with its worker since (Dask computes it again)
            value, error = future.result(), None
        except Exception as problem:  # the task failed, or the answer could not be taken
            value, error = None, problem
        if isinstance(value, str):
            raise KineticChainError(f"a Dask worker {value}")
        if value is not None:
            self.completed.update(zip(indices, value, strict=True))
        elif type(error).__name__ != "KilledWorker":  # not a case's doing (assess_file answers for every case)
            what = "lost the Dask scheduler" if future.status == "cancelled" else "a Dask task failed"
            raise KineticChainError(f"{what} during the batch ({type(error).__name__}: {one_line(error)})")
        elif len(indices) > 1:  # workers died on this chunk: send its cases one by one to find which case
            self.units.extendleft([index] for index in reversed(indices))
        else:
            reason = "every Dask worker assessing it died (KilledWorker)"
            self.completed[indices[0]] = failed(self.files[indices[0]], reason)

    def cancel(self) -> None:
        if self.running:
            self.client.cancel(list(self.running))
            self.running.clear()


def _ordered(dispatch: _Dispatch, cluster: Any, stop: StopFlag) -> Iterator[CaseResult]:
    next_index, total = 0, len(dispatch.files)
    try:
        while next_index < total and not stop:
            dispatch.submit(next_index)
            while next_index in dispatch.completed and not stop:
                yield dispatch.completed.pop(next_index)
                next_index += 1
            if next_index < total and not stop and next_index not in dispatch.completed:
                dispatch.receive(POLL_SECONDS)
        if stop:
            dispatch.cancel()
            yield from (dispatch.completed.pop(index) for index in sorted(dispatch.completed))
    finally:
        dispatch.cancel()
        _close(dispatch.client, cluster)
