"""The app factory uvicorn imports in each worker process; settings travel in one environment variable."""

from __future__ import annotations

import gc
import json
import logging
import os
from typing import Any

SETTINGS_ENV = "KINETIC_CHAIN_SERVICE_SETTINGS"
#: gen1 collections between two full collections (CPython's default is 10)
FULL_COLLECTION_EVERY = 1000


def settings_env(**settings: Any) -> dict[str, str]:
    """The environment entry that carries create_app's keyword arguments to the workers."""
    plain = {k: v if v is None or isinstance(v, list) else str(v) for k, v in settings.items()}
    return {SETTINGS_ENV: json.dumps(plain)}


def configure_logging(level: str) -> None:
    """The service's own log lines (record ids, rejected calls; never case content) beside uvicorn's."""
    logger = logging.getLogger("kinetic_chain")
    logger.setLevel(level.upper())
    if not logger.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(levelname)-9s %(name)s: %(message)s"))
        logger.addHandler(handler)
        logger.propagate = False


def app_from_env() -> Any:
    """uvicorn --factory entry point: engine.service._factory:app_from_env."""
    from engine.service.app import create_app

    settings = json.loads(os.environ.get(SETTINGS_ENV, "{}"))
    configure_logging(settings.pop("log_level", None) or "info")
    app = create_app(**settings)
    quiet_collector()
    return app


def quiet_collector() -> None:
    """Keep the cyclic garbage collector's full passes out of request latency, in a service process.

    A full pass walks every tracked object: the loaded rule base and libraries (~70,000 objects) and the memo's
    assessments (~500 objects each). On this VM that took 80-240 ms of CPU, every ~150 new cases, stalling every
    request queued behind it. Serving a request makes no cyclic garbage (measured: nothing for the collector on
    the /assess and hook paths; what a request allocates is freed by reference counting), so: what exists after
    start-up is frozen out of every later pass, and full passes come 100 times less often. Young passes (the
    ones that find garbage soon) keep their default frequency."""
    gc.collect()
    gc.freeze()
    young, middle, _ = gc.get_threshold()
    gc.set_threshold(young, middle, FULL_COLLECTION_EVERY)
