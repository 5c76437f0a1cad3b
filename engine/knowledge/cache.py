"""A cache of rule-base loads, so that a later run over the same rule files skips the work that gives the same
result every time: parsing the YAML (about 0.1 s for the bundled rule base) and the load checks, and (in a
part of its own, `rulesets`, written by engine.reasoning.rulesets) compiling the rules for durable-rules.

What is cached is plain data, never Python objects: each file of the rule base as the strict YAML loader
parsed it, written as JSON (stored only when JSON gives back exactly the same values and types). Reading an
entry runs no code from it, and a cached load still passes that data through the same pydantic models as a
fresh load (engine.knowledge.rulebase); only the load checks (engine.knowledge.checks), a pure function of
the validated rule base, are skipped, and an entry is written only after they passed.

An entry is found by a key: the SHA-256 of every *.yaml file of the rule-base folder (the rule base's own
identity, rulebase.hash_rule_files, so `--rules DIR` with any changed byte is a new key), with the versions
of the engine, Python, pydantic and PyYAML, the YAML parser in use (libyaml or PyYAML's own) and the size and
modification time of every source file of the engine (an edited checkout is a new key). The entry repeats
its key and the SHA-256 of its payload in its first line; an entry that is truncated, corrupt, edited, not a
regular file, or not private to this user (owned by someone else, writable by others) is ignored and
rebuilt, never an error. An unwritable location just means no cache. (The digest catches damage, not a
forgery by this same user, who could as well edit the rule files or the engine.)

Where: $XDG_CACHE_HOME/kinetic-chain/rulebase (else ~/.cache/kinetic-chain/rulebase; ~/Library/Caches on
macOS, %LOCALAPPDATA% on Windows), and the compiled rulesets beside it in .../kinetic-chain/rulesets.
KINETIC_CHAIN_NO_CACHE=1 turns both off.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import stat
import sys
from pathlib import Path
from typing import Any

#: Bumped whenever what an entry holds changes shape.
FORMAT = "kinetic-chain rulebase cache 1"
#: Entries kept; the oldest go when more are written (each rule-base edit under --rules makes a new one).
MAX_ENTRIES = 32
#: An entry larger than this is not read (the bundled rule base takes about 130 KB).
MAX_ENTRY_BYTES = 64 * 1024 * 1024
NO_CACHE = "KINETIC_CHAIN_NO_CACHE"
_ENGINE = Path(__file__).resolve().parents[1]


def cache_folder(part: str = "rulebase") -> Path | None:
    """Where entries of a part live, or None when the cache is off (KINETIC_CHAIN_NO_CACHE) or there is no home."""
    if os.environ.get(NO_CACHE, "").strip() not in ("", "0"):
        return None
    base = os.environ.get("XDG_CACHE_HOME", "")
    try:
        if base and os.path.isabs(base):  # the XDG convention: a relative path is ignored
            root = Path(base)
        elif sys.platform == "darwin":
            root = Path.home() / "Library" / "Caches"
        elif sys.platform == "win32":
            root = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
        else:
            root = Path.home() / ".cache"
    except RuntimeError:  # no home directory to be found
        return None
    return root / "kinetic-chain" / part


def entry_key(rules_sha256: str) -> str:
    """The key of the load of a rule base with this identity by this engine, Python, pydantic and YAML parser."""
    import pydantic
    import pydantic_core
    import yaml

    from engine.safe_yaml import LOADERS
    from engine.version import __version__

    digest = hashlib.sha256()
    parts = (FORMAT, rules_sha256, __version__, sys.version, pydantic.VERSION, pydantic_core.__version__)
    for part in (*parts, yaml.__version__, LOADERS[0].__name__, _engine_sources()):
        digest.update(part.encode("utf-8", "surrogatepass") + b"\0")
    return digest.hexdigest()


def _engine_sources() -> str:
    """Path, size and modification time of every Python file of the engine (stat only: no file is read)."""
    listing = []
    for folder, subfolders, files in os.walk(_ENGINE):
        subfolders[:] = sorted(name for name in subfolders if name != "__pycache__")
        for name in sorted(files):
            if name.endswith(".py"):
                path = os.path.join(folder, name)
                status = os.stat(path)
                listing.append(f"{os.path.relpath(path, _ENGINE)}:{status.st_size}:{status.st_mtime_ns}")
    return "\n".join(listing)


def _private(status: os.stat_result) -> bool:
    """Owned by this user and writable by nobody else (where the platform has owners)."""
    if not hasattr(os, "getuid"):
        return True
    return status.st_uid == os.getuid() and not status.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def _private_folder(folder: Path) -> bool:
    status = os.lstat(folder)
    return stat.S_ISDIR(status.st_mode) and _private(status)


def _header(key: str, payload: bytes) -> bytes:
    return f"{FORMAT} {key} {hashlib.sha256(payload).hexdigest()}\n".encode()


def read(key: str, part: str = "rulebase") -> dict[str, Any] | None:
    """The data of the entry for `key` (in the rulebase part, the parsed files by file name); None when there is
    no sound entry."""
    folder = cache_folder(part)
    if folder is None:
        return None
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
    try:
        if not _private_folder(folder):
            return None
        descriptor = os.open(folder / f"{key}.json", flags | getattr(os, "O_NONBLOCK", 0))
        with open(descriptor, "rb", closefd=True) as handle:
            status = os.fstat(handle.fileno())
            if not stat.S_ISREG(status.st_mode) or not _private(status) or status.st_size > MAX_ENTRY_BYTES:
                return None
            content = handle.read(MAX_ENTRY_BYTES + 1)
        header, newline, payload = content.partition(b"\n")
        if not newline or header + newline != _header(key, payload):
            return None
        files = json.loads(payload)
    except (OSError, ValueError, RecursionError):  # missing, unreadable, truncated or not JSON: rebuilt
        return None
    if not isinstance(files, dict) or not all(isinstance(name, str) for name in files):
        return None
    return files


def write(key: str, files: dict[str, Any], part: str = "rulebase") -> None:
    """Store the data (in the rulebase part, the parsed files) under `key`, written whole or not at all; any
    failure just means no entry."""
    import tempfile  # only here: writing is the rare case

    folder = cache_folder(part)
    if folder is None:
        return
    temporary = None
    try:
        text = json.dumps(files, ensure_ascii=False, separators=(",", ":"))
        if not same(files, json.loads(text)):  # e.g. a YAML date or a number as a key: not cached
            return
        payload = text.encode("utf-8")
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not _private_folder(folder):
            return
        descriptor, temporary = tempfile.mkstemp(dir=folder, prefix=f".{key[:16]}.", suffix=".tmp")  # mode 0600
        with open(descriptor, "wb", closefd=True) as handle:
            handle.write(_header(key, payload) + payload)
        os.replace(temporary, folder / f"{key}.json")
        temporary = None
        _prune(folder)
    except (OSError, ValueError, TypeError, RecursionError):
        pass
    finally:
        if temporary is not None:
            with contextlib.suppress(OSError):
                os.unlink(temporary)


def _prune(folder: Path) -> None:
    """Keep the MAX_ENTRIES most recently written entries."""
    entries = sorted(folder.glob("*.json"), key=lambda path: path.stat().st_mtime_ns, reverse=True)
    for path in entries[MAX_ENTRIES:]:
        with contextlib.suppress(OSError):
            path.unlink()


def same(a: Any, b: Any) -> bool:
    """Equal with the same types all the way down (1 is not 1.0 nor True), mappings in the same key order,
    floats to the bit (-0.0 is not 0.0): what JSON must give back for an entry to stand for the YAML. A parsed
    mapping (safe_yaml.Mapping, a dict that lists its repeated keys: none, once the load passed) reads back
    as a dict."""
    if isinstance(a, dict) and isinstance(b, dict):
        return list(a) == list(b) and all(same(value, b[key]) for key, value in a.items())
    if type(a) is not type(b):
        return False
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float):
        return repr(a) == repr(b)
    return a == b
