"""Which files a batch reads: files, folders (recursive) and glob patterns, each file once.

Folders are walked with symbolic links followed but each real folder entered once, so a link loop ends;
`**` in a glob does not follow links (pathlib's rule). Every file is identified by its resolved path, so the
same case reached through a link, a second folder or an overlapping glob is assessed and counted once.
Anything named like a case file that is not a regular file (a FIFO, a device) is kept: reading refuses it,
so it shows as an invalid case instead of blocking the batch.
"""

from __future__ import annotations

import glob
import os
from collections.abc import Iterable
from pathlib import Path

CASE_SUFFIXES = (".yaml", ".yml", ".json")
FHIR_SUFFIX = ".fhir.json"  # FHIR documents (examples/fhir/) sit beside case files but are not case files


def _is_case_name(name: str) -> bool:
    return name.lower().endswith(CASE_SUFFIXES) and not name.lower().endswith(FHIR_SUFFIX)


def case_files(folder: Path) -> list[str]:
    """Every case file below `folder`, sorted; linked folders followed, each real folder entered once."""
    found, entered = [], set()
    for root, dirs, names in os.walk(str(folder), followlinks=True):
        real = os.path.realpath(root)
        if real in entered:
            dirs[:] = []
            continue
        entered.add(real)
        found += [os.path.join(root, n) for n in names if _is_case_name(n)]
    return sorted(f for f in found if not os.path.isdir(f))


def _glob(spec: str) -> list[str]:
    parts = Path(spec).parts
    first = next(i for i, part in enumerate(parts) if glob.has_magic(part))
    root = Path(*parts[:first]) if first else Path()
    pattern = str(Path(*parts[first:]))
    try:
        return sorted(str(match) for match in root.glob(pattern))
    except (OSError, ValueError):
        return []


def _identity(file: str) -> str:
    return os.path.realpath(file) if os.path.exists(file) else file


def expand_paths(specs: Iterable[str]) -> list[str]:
    """Files, folders (every *.yaml, *.yml, *.json inside, recursive, sorted) and glob patterns, in the order
    given, each file once (by resolved path). A path that matches nothing is kept, so it is reported as an
    invalid case."""
    files: dict[str, str] = {}  # identity -> the spelling first met
    for spec in specs:
        path = Path(spec)
        if path.is_dir():
            found = case_files(path)
        elif os.path.lexists(spec) or not glob.has_magic(spec):
            found = [spec]
        else:
            found = []
            for match in _glob(spec):
                found += case_files(Path(match)) if Path(match).is_dir() else [match]
            found = found or [spec]
        for file in found:
            files.setdefault(_identity(file), file)
    return list(files.values())


def would_read(target: str | Path, specs: Iterable[str]) -> bool:
    """Whether a batch over `specs` would read `target` (now, or once it exists) as a case file."""
    target = Path(os.path.realpath(target))
    for spec in specs:
        if Path(os.path.realpath(spec)) == target:
            return True
        if not _is_case_name(target.name):
            continue
        if Path(spec).is_dir() and target.is_relative_to(os.path.realpath(spec)):
            return True
        if glob.has_magic(spec) and (target.match(os.path.abspath(spec)) or _under_glob(target, spec)):
            return True
    return False


def _under_glob(target: Path, spec: str) -> bool:
    """A glob that matches a folder containing `target` reads it too."""
    return any(target.is_relative_to(os.path.realpath(m)) for m in _glob(spec) if Path(m).is_dir())
