"""What a Dask worker runs for `kinetic-chain batch --cluster` (see engine.workflow._batch_cluster).

Every worker builds one Engine per rule base and checks it against the batch's: the same engine version
and the same rule base (SHA-256), loaded from the --rules folder by its absolute path or from the worker's
own bundled rules. Whatever is wrong comes back as text, which stops the batch (it is no case's result).
"""

from __future__ import annotations

import threading
from typing import Any

from engine.api import Engine
from engine.version import __version__
from engine.workflow import batch

_ENGINES: dict[tuple[str | None, str, str], Engine] = {}
_ENGINES_LOCK = threading.Lock()


def worker_engine(rules_dir: str | None, sha256: str, version: str) -> Engine | str:
    """This worker's Engine for the batch's rule base, built once per worker process and checked; or, as
    text, why this worker cannot serve the batch (it stops the batch: it is not a case result)."""
    key = (rules_dir, sha256, version)
    with _ENGINES_LOCK:
        if key not in _ENGINES:
            engine = _load_engine(rules_dir, sha256, version)
            if isinstance(engine, str):  # not kept: the folder may be there for the next batch
                return engine
            if len(_ENGINES) >= 4:  # a long-lived worker keeps its latest few rule bases
                del _ENGINES[next(iter(_ENGINES))]
            _ENGINES[key] = engine
        return _ENGINES[key]


def _load_engine(rules_dir: str | None, sha256: str, version: str) -> Engine | str:
    where = "the --rules folder " + rules_dir if rules_dir else "its bundled rules"
    if version != __version__:
        return f"runs kinetic-chain {__version__}, the batch {version}: install {version} on every worker"
    try:
        engine = Engine(rules_dir)
    except Exception as error:
        return (
            f"cannot load the rule base from {where} ({batch.one_line(error)}); every worker needs the --rules folder "
            "at the same absolute path (a shared folder)"
        )
    if engine.rulebase.sha256 != sha256:
        return (
            f"loaded a different rule base from {where} (SHA-256 {engine.rulebase.sha256[:12]}..., the batch "
            f"{sha256[:12]}...); give --rules a folder every worker reads, or install the same rules everywhere"
        )
    return engine


def check_worker(rules_dir: str | None, sha256: str, version: str) -> str | None:
    """Run on every worker before the batch: None when it is ready, else what is wrong."""
    engine = worker_engine(rules_dir, sha256, version)
    return engine if isinstance(engine, str) else None


def assess_chunk(
    items: list[tuple[str, bytes]], rules_dir: str | None, sha256: str, version: str, html: bool, explain: bool
) -> list[Any] | str:
    """One task: assess the files whose bytes the client read, exactly as a local batch does."""
    engine = worker_engine(rules_dir, sha256, version)
    if isinstance(engine, str):
        return engine
    return [batch.assess_file(file, engine, html, data, explain=explain) for file, data in items]
