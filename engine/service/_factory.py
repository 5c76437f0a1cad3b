"""The app factory uvicorn imports in each worker process; settings travel in one environment variable."""

from __future__ import annotations

import json
import os
from typing import Any

SETTINGS_ENV = "KINETIC_CHAIN_SERVICE_SETTINGS"


def settings_env(**settings: Any) -> dict[str, str]:
    """The environment entry that carries create_app's keyword arguments to the workers."""
    return {SETTINGS_ENV: json.dumps({k: (str(v) if v is not None else None) for k, v in settings.items()})}


def app_from_env() -> Any:
    """uvicorn --factory entry point: engine.service._factory:app_from_env."""
    from engine.service.app import create_app

    return create_app(**json.loads(os.environ.get(SETTINGS_ENV, "{}")))
