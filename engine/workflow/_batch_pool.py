"""Worker processes for `kinetic-chain batch` that survive what a ProcessPoolExecutor does not.

Each worker has its own pipe and takes at most two cases at a time, answered in order, so when a worker
dies (SIGKILL, out of memory, a crash in C) the parent knows exactly which case it was assessing: that case
is reported failed with the reason, the worker is replaced, its other case goes back in the queue and the
batch continues. A stop request (SIGINT/SIGTERM, see `stop_on_signals`) ends dispatching at once; the
results already received stay available (`completed`) and every worker is ended before `close` returns.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import signal
import threading
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from typing import Any

PER_WORKER = 2  # cases sent ahead to one worker; its answers come back in the order sent
WINDOW = 512  # how far dispatching may run ahead of the oldest unanswered case (bounds memory)
POLL_SECONDS = 0.2


@dataclass
class StopFlag:
    """Set by a signal handler: the signal number that asked the batch to stop (0: keep going)."""

    signal: int = 0

    def __bool__(self) -> bool:
        return self.signal != 0


@contextlib.contextmanager
def stop_on_signals() -> Iterator[StopFlag]:
    """While inside, SIGINT and SIGTERM only set the flag (the batch stops between cases); restored after."""
    flag = StopFlag()
    if threading.current_thread() is not threading.main_thread():
        yield flag
        return

    def handler(signum: int, _frame: Any) -> None:
        flag.signal = flag.signal or signum

    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield flag
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


def _worker_main(conn: Connection, setup: Callable[[], Callable[[str], Any]], inherited: list[Connection]) -> None:
    for other in inherited:  # the parent's ends of other workers' pipes, inherited by fork: close them so a
        other.close()  # dead parent shows as end-of-file here and in every other worker
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when to stop
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    work = setup()
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        index, item = task
        try:
            conn.send((index, work(item)))
        except OSError:  # the parent is gone: nobody to answer
            return


def death_reason(exitcode: int | None) -> str:
    if exitcode is not None and exitcode < 0:
        try:
            name = signal.Signals(-exitcode).name
        except ValueError:
            name = f"signal {-exitcode}"
        return f"the worker process was killed by {name} while assessing this case"
    return f"the worker process ended (exit code {exitcode}) while assessing this case"


@dataclass
class _Worker:
    process: Any
    conn: Connection
    sent: deque = field(default_factory=deque)  # (index, item) sent, answered in this order


class WorkerPool:
    """`jobs` worker processes, each built with `setup()` (returning the function applied to every item)."""

    def __init__(self, jobs: int, setup: Callable[[], Callable[[str], Any]], failed: Callable[[str, str], Any]):
        self._context = multiprocessing.get_context()
        self._setup, self._failed = setup, failed
        self._workers: list[_Worker] = []
        self.completed: dict[int, Any] = {}  # answers not yet yielded, by input index
        self.replaced = 0
        for _ in range(jobs):
            self._start()

    def _start(self) -> None:
        parent_end, child_end = self._context.Pipe()
        inherited = [w.conn for w in self._workers] if self._context.get_start_method() == "fork" else []
        process = self._context.Process(target=_worker_main, args=(child_end, self._setup, inherited), daemon=True)
        process.start()
        child_end.close()
        self._workers.append(_Worker(process, parent_end))

    def _receive(self, worker: _Worker, queue: deque) -> None:
        """Take every answer the worker sent; if it died, fail its current case, requeue the rest and
        replace it."""
        try:
            while worker.conn.poll():
                index, result = worker.conn.recv()
                worker.sent.popleft()
                self.completed[index] = result
            if worker.process.is_alive():
                return
        except (EOFError, OSError):
            pass
        worker.process.join(timeout=5)
        if worker.sent:
            index, item = worker.sent.popleft()
            self.completed[index] = self._failed(item, death_reason(worker.process.exitcode))
            queue.extendleft(reversed(worker.sent))
        worker.conn.close()
        self._workers.remove(worker)
        self.replaced += 1
        self._start()

    def imap(self, items: list[str], stop: StopFlag) -> Iterator[Any]:
        """Answers in input order until all are yielded or `stop` is set."""
        queue: deque = deque(enumerate(items))
        next_index = 0
        while next_index < len(items) and not stop:
            for worker in list(self._workers):
                while queue and len(worker.sent) < PER_WORKER and queue[0][0] < next_index + WINDOW:
                    task = queue.popleft()
                    try:
                        worker.conn.send(task)
                    except OSError:  # died before taking it: requeue; _receive handles the death
                        queue.appendleft(task)
                        break
                    worker.sent.append(task)
            handles = {w.conn: w for w in self._workers} | {w.process.sentinel: w for w in self._workers}
            for ready in wait(list(handles), timeout=POLL_SECONDS):
                worker = handles[ready]
                if worker in self._workers:
                    self._receive(worker, queue)
            while next_index in self.completed and not stop:
                yield self.completed.pop(next_index)
                next_index += 1

    def close(self) -> None:
        """End every worker (politely, then by force); no process outlives the pool."""
        for worker in self._workers:
            with contextlib.suppress(OSError):
                worker.conn.send(None)
        for worker in self._workers:
            worker.process.join(timeout=2)
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join(timeout=5)
            worker.conn.close()
        self._workers.clear()
