"""Reading an input file: the exact bytes of a regular file, the limit enforced, and nothing else read."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine._files import READ_AT_LEAST, NotRegularFile, TooLarge, read_regular_file

SIZES = [0, 1, 2, READ_AT_LEAST - 1, READ_AT_LEAST, READ_AT_LEAST + 1, 3 * READ_AT_LEAST + 7]


@pytest.mark.parametrize("size", SIZES)
def test_every_byte_comes_back_with_or_without_a_limit(tmp_path: Path, size: int) -> None:
    path = tmp_path / "case.yaml"
    path.write_bytes(os.urandom(size))
    assert read_regular_file(path) == path.read_bytes()
    assert read_regular_file(path, size) == path.read_bytes()
    assert read_regular_file(str(path), size + 1) == path.read_bytes()


@pytest.mark.parametrize("size", [s for s in SIZES if s])
def test_one_byte_over_the_limit_is_refused(tmp_path: Path, size: int) -> None:
    path = tmp_path / "case.yaml"
    path.write_bytes(b"x" * size)
    with pytest.raises(TooLarge, match=f"larger than {size - 1} bytes"):
        read_regular_file(path, size - 1)


@settings(max_examples=60, deadline=None)
@given(data=st.binary(max_size=40000), slack=st.integers(min_value=-3, max_value=3))
def test_any_content_any_limit(tmp_path_factory: pytest.TempPathFactory, data: bytes, slack: int) -> None:
    path = tmp_path_factory.mktemp("read") / "case.json"
    path.write_bytes(data)
    limit = max(len(data) + slack, 0)
    if len(data) > limit:
        with pytest.raises(TooLarge):
            read_regular_file(path, limit)
    else:
        assert read_regular_file(path, limit) == data


def test_a_file_whose_size_stat_cannot_tell_is_read_whole() -> None:
    status = Path("/proc/self/status")
    if not status.exists():
        pytest.skip("no /proc here")
    text = read_regular_file(status)
    assert text.startswith(b"Name:") and text.endswith(b"\n")


def test_a_fifo_and_a_folder_are_refused_unread(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    with pytest.raises(NotRegularFile, match="FIFO"):
        read_regular_file(fifo)  # would block forever if it were opened for a blocking read
    with pytest.raises(NotRegularFile, match="folder"):
        read_regular_file(tmp_path)
