"""The app factory uvicorn imports in each worker process; settings travel in one environment variable."""

from __future__ import annotations

import json
import logging
import os
from typing import Any

SETTINGS_ENV = "KINETIC_CHAIN_SERVICE_SETTINGS"


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
    return create_app(**settings)
