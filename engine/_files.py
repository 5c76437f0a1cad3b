"""Reading an input file only if it is a regular file: a FIFO, socket or device given by name (or matched by
a glob) would block or never end, so it is refused before any read."""

from __future__ import annotations

import os
import stat
from pathlib import Path

KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
)


#: bytes asked of each read at the least: a file whose size fstat cannot tell (0 under /proc) is not read a
#: byte at a time
READ_AT_LEAST = 16384


class NotRegularFile(OSError):
    """The path names something other than a regular file; the message says what it is."""


class TooLarge(OSError):
    """The file is larger than the limit the caller set."""


def kind_of(mode: int) -> str:
    return next((name for test, name in KINDS if test(mode)), "not a regular file")


def read_regular_file(path: str | Path, limit: int | None = None) -> bytes:
    """The bytes of a regular file (at most `limit`, else TooLarge), refusing anything else unread.

    The file is opened non-blocking (so opening a FIFO cannot wait for a writer) and checked with fstat on
    the open descriptor, so it cannot be swapped for something else between the check and the read."""
    if not stat.S_ISREG(mode := os.stat(path).st_mode):
        raise NotRegularFile(f"not a regular file ({kind_of(mode)})")
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
    descriptor = os.open(path, flags)
    try:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode):
            raise NotRegularFile(f"not a regular file ({kind_of(info.st_mode)})")
        if limit is not None and info.st_size > limit:
            raise TooLarge(f"larger than {limit} bytes")
        data = _read_to_end(descriptor, info.st_size, limit)
    finally:
        os.close(descriptor)
    if limit is not None and len(data) > limit:
        raise TooLarge(f"larger than {limit} bytes")
    return data


def _read_to_end(descriptor: int, size: int, limit: int | None) -> bytes:
    """Plain reads sized by fstat (plus one byte, to see a file that grew), up to limit + 1 bytes: a buffered
    file object asked for limit + 1 bytes allocates that much first, 6x the time of the read itself."""
    chunks: list[bytes] = []
    want = max(size + 1, READ_AT_LEAST)
    left = None if limit is None else limit + 1
    while left is None or left > 0:
        asked = want if left is None else min(want, left)
        chunk = os.read(descriptor, asked)
        chunks.append(chunk)
        if len(chunk) < asked:  # a regular file reads short only at its end
            break
        if left is not None:
            left -= len(chunk)
    return b"".join(chunks)
