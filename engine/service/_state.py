"""What every request of the service shares (ServiceState) and the wrapper every route runs in (endpoint).

Kept apart from engine.service.app so that the route modules (_api, _hooks) and the app that collects them do
not import each other.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from functools import wraps
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from engine.api import Engine
from engine.audit.store import Store
from engine.service._auth import Authenticator, AuthError
from engine.service._http import Problem
from engine.service._memo import AssessmentMemo

log = logging.getLogger("kinetic_chain.service")


@dataclass
class ServiceState:
    """What every request shares: the engine, the store, how clients authenticate, and the public base URL."""

    engine: Engine
    store: Store
    public_url: str
    authenticator: Authenticator | None = None
    started: float = field(default_factory=time.time)
    memo: AssessmentMemo | None = None

    def __post_init__(self) -> None:
        self.memo = self.memo or AssessmentMemo(self.engine)

    def assess(self, case: Any) -> tuple[Any, str, str]:
        """(assessment, its JSON, the canonical input) for a validated case, remembered by input."""
        return self.memo.assess(case)

    def url(self, path: str) -> str:
        return self.public_url.rstrip("/") + path

    def authenticate(self, request: Request) -> dict[str, Any] | None:
        if self.authenticator is None:
            return None
        try:
            return self.authenticator.check(request.headers.get("authorization"), self.url(request.url.path))
        except AuthError as error:
            log.warning("rejected request to %s: %s", request.url.path, error)
            raise Problem(
                401, str(error), headers={"WWW-Authenticate": 'Bearer error="invalid_token"'}, issue_code="login"
            ) from None


Handler = Callable[[Request], Awaitable[Response]]


def endpoint(fhir: bool = False, auth: bool = True) -> Callable[[Handler], Handler]:
    """Wrap a route: authenticate (unless auth=False), and turn any Problem or unexpected error into JSON."""

    def wrap(handler: Handler) -> Handler:
        @wraps(handler)
        async def run(request: Request) -> Response:
            started = time.perf_counter()
            try:
                if auth:
                    state(request).authenticate(request)
                response = await handler(request)
            except Problem as problem:
                response = problem.response(fhir)
            except Exception:
                log.exception("internal error on %s %s", request.method, request.url.path)
                response = Problem(500, "internal error; the event is logged on the server", issue_code="exception")
                response = response.response(fhir)
            response.headers["Server-Timing"] = f"app;dur={(time.perf_counter() - started) * 1000:.2f}"
            return response

        return run

    return wrap


def state(request: Request) -> ServiceState:
    return request.app.state.service
