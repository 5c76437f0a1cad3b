"""Where `kinetic-chain batch --out FILE` puts its JSON lines, so that nothing is lost or mixed.

- The lines go to `FILE.partial`, each written whole and flushed as soon as its case is done (in input
  order; after a stop, also the cases that finished out of order). FILE itself appears, by an atomic rename,
  only when the batch completes, so a failure or an interruption never touches a previous FILE.
- An exclusive lock (`FILE.lock`, held by the operating system, released if the process dies) keeps a
  second batch from writing the same FILE; it is refused with a message instead.
- A write error (disk full, quota, I/O) truncates FILE.partial back to its last complete line and raises
  OutputError naming the path and the number of results safely written there.
- `--resume` continues FILE.partial (or a complete FILE): inputs with a result line are skipped, the rest
  are assessed, and FILE is rewritten in input order with one line per input - none twice, none missing.
  A line for a case whose worker died ("failed") does not count as a result: it is assessed again.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
from collections.abc import Iterable, Iterator
from pathlib import Path

from filelock import FileLock, Timeout

from engine._atomic import OutputError, atomic_write_chunks, reason_of
from engine.errors import KineticChainError

RETRIED = ("failed",)  # statuses that are not a result of the case itself: assessed again on --resume


class OutputBusy(KineticChainError):
    """Another batch holds the lock on this output."""


class LeftoverPartial(KineticChainError):
    """FILE.partial holds the results of an interrupted batch and --resume was not given."""


def complete_lines(path: Path) -> Iterator[tuple[int, str, dict]]:
    """(offset, line, record) for each complete JSON line of `path`; stops at a cut or unreadable line."""
    offset = 0
    with path.open("rb") as handle:
        for raw in handle:
            if not raw.endswith(b"\n"):
                return
            try:
                record = json.loads(raw)
            except ValueError:
                return
            if not isinstance(record, dict) or not isinstance(record.get("file"), str):
                return
            yield offset, raw.decode("utf-8").rstrip("\n"), record
            offset += len(raw)


class ResultsFile:
    """The JSON-lines output of one batch run (see the module docstring)."""

    def __init__(self, path: str | Path, resume: bool = False) -> None:
        self.path = Path(path)
        self.partial = self.path.with_name(self.path.name + ".partial")
        self._lock = FileLock(str(self.path.with_name(self.path.name + ".lock")), timeout=0)
        self.resume = resume
        self.done: dict[str, str] = {}  # file -> line already written (resume)
        self.written = 0  # complete lines in the partial file
        self._good = 0  # byte length of the complete lines
        self._in_order = True
        self._handle = None

    def open(self) -> ResultsFile:
        try:
            self._lock.acquire()
        except Timeout:
            raise OutputBusy(f"{self.path}: another batch is writing this file (lock {self._lock.lock_file})") from None
        except OSError as error:
            raise OutputError(self._lock.lock_file, reason_of(error)) from None
        try:
            self._prepare()
            self._handle = self.partial.open("ab")
        except OSError as error:
            self._lock.release()
            raise OutputError(self.partial, reason_of(error)) from None
        except KineticChainError:
            self._lock.release()
            raise
        return self

    def _prepare(self) -> None:
        if not self.resume:
            if self.partial.exists() and self.partial.stat().st_size:
                raise LeftoverPartial(
                    f"{self.partial}: holds the results of an interrupted batch; add --resume to continue it, "
                    "or delete it to start over"
                )
            self.partial.write_bytes(b"")
            return
        if not self.partial.exists() and self.path.exists():
            shutil.copyfile(self.path, self.partial)
        elif not self.partial.exists():
            self.partial.write_bytes(b"")
        for offset, line, record in complete_lines(self.partial):
            self._good = offset + len(line.encode("utf-8")) + 1
            self.written += 1
            if record.get("status") not in RETRIED:
                self.done[record["file"]] = line
        with self.partial.open("r+b") as handle:  # drop a line cut by a crash
            handle.truncate(self._good)
        self._in_order = not self.written

    def write(self, line: str, in_order: bool = True) -> None:
        """Append one complete line and flush it; on failure cut back to the last complete line."""
        self._in_order = self._in_order and in_order
        try:
            self._handle.write(line.encode("utf-8") + b"\n")
            self._handle.flush()
        except OSError as error:
            self._cut_back()
            raise OutputError(self.partial, reason_of(error), self.written) from None
        self.written += 1
        self._good = self._handle.tell()

    def _cut_back(self) -> None:
        with contextlib.suppress(OSError):
            self._handle.close()
        with contextlib.suppress(OSError), self.partial.open("r+b") as handle:
            handle.truncate(self._good)

    def _sync(self) -> None:
        try:
            self._handle.flush()
            os.fsync(self._handle.fileno())
        except OSError as error:
            self._cut_back()
            raise OutputError(self.partial, reason_of(error), self.written) from None
        finally:
            with contextlib.suppress(OSError):
                self._handle.close()

    def finish(self, files: Iterable[str]) -> None:
        """The batch completed: put FILE in place (in input order, one line per input) and drop the partial."""
        self._sync()
        try:
            if self._in_order:
                os.replace(self.partial, self.path)
            else:
                atomic_write_chunks(self.path, (line + "\n" for line in self._ordered(files)))
                self.partial.unlink()
        except OSError as error:
            raise OutputError(self.path, reason_of(error), self.written) from None
        except OutputError as error:
            raise OutputError(error.path, error.reason, self.written) from None
        finally:
            self._lock.release()

    def _ordered(self, files: Iterable[str]) -> Iterator[str]:
        last: dict[str, tuple[int, int]] = {}  # file -> (offset, length) of its last line
        for offset, line, record in complete_lines(self.partial):
            last.pop(record["file"], None)
            last[record["file"]] = (offset, len(line.encode("utf-8")))  # a later line (a retried failure) wins
        with self.partial.open("rb") as handle:

            def read(place: tuple[int, int]) -> str:
                handle.seek(place[0])
                return handle.read(place[1]).decode("utf-8")

            for file in files:
                if file in last:
                    yield read(last.pop(file))
            for place in list(last.values()):  # lines of inputs not given this time are kept, after the others
                yield read(place)

    def abandon(self) -> bool:
        """The batch failed before completing: keep the partial file if it holds results (True), else
        remove it and let go of the output (False)."""
        if self.written:
            self.stop()
            return True
        try:
            with contextlib.suppress(OSError):
                self._handle.close()
                self.partial.unlink()  # before the lock goes: another batch may start on FILE next
        finally:
            self._lock.release()
        return False

    def stop(self) -> None:
        """The batch was interrupted (or could not write): keep every complete line in FILE.partial."""
        try:
            if not self._handle.closed:
                self._sync()
        finally:
            self._lock.release()
