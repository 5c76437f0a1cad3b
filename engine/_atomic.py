"""Writing output files so that a failure never leaves a half-written or truncated file: every output is
written to a temporary file in the same folder, flushed to disk, and renamed over the target only when
complete (os.replace is atomic on one file system). Folders are checked for writing before any work."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from engine.errors import KineticChainError


class OutputError(KineticChainError):
    """An output cannot be written: the message names the path and why, on one line."""

    def __init__(self, path: str | Path, reason: str, written: int | None = None) -> None:
        self.path, self.reason, self.written = str(path), reason, written
        safe = "" if written is None else f"; {written} results safely written"
        super().__init__(f"{path}: cannot write: {reason}{safe}")


def reason_of(error: OSError) -> str:
    return error.strerror or str(error) or type(error).__name__


def check_folder_writable(folder: str | Path, what: str) -> None:
    """Raise OutputError unless a file can be created in `folder` (probed for real: permissions, read-only
    file systems and quotas all show, even for root)."""
    folder = Path(folder)
    if not folder.is_dir():
        raise OutputError(folder, f"the folder for {what} does not exist")
    try:
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".kinetic-chain-probe-"):
            pass
    except OSError as error:
        raise OutputError(folder, f"the folder for {what} is not writable ({reason_of(error)})") from None


def atomic_write_text(path: str | Path, text: str) -> None:
    """Write `text` to `path` through a temporary file in the same folder and rename it into place; on any
    failure the previous file (if any) is untouched and the temporary file removed."""
    atomic_write_chunks(path, [text])


def atomic_write_chunks(path: str | Path, chunks: Iterable[str]) -> None:
    """atomic_write_text for text produced piece by piece (never all in memory)."""
    path = Path(path)
    try:
        descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name[:64]}.", suffix=".tmp")
    except OSError as error:
        raise OutputError(path, reason_of(error)) from None
    try:
        with open(descriptor, "w", encoding="utf-8", newline="") as handle:
            for chunk in chunks:
                handle.write(chunk)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, 0o666 & ~UMASK)
        os.replace(temporary, path)
    except OSError as error:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise OutputError(path, reason_of(error)) from None


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


#: Read once at import: a temporary file gets the permissions a plain open() would have given the output.
UMASK = _umask()
