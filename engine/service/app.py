"""The ASGI application: `create_app(...)` builds a Starlette app over one engine.Engine and one Store.

    from engine.service import create_app
    app = create_app(rules_dir=None, db="kinetic-chain.sqlite3", public_url="https://cds.clinic.example")

Any ASGI server can run it; `kinetic-chain serve` runs it with uvicorn. Several replicas may share one PostgreSQL
(`db="postgresql://..."`): the service keeps no state of its own outside the store.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator
from pathlib import Path

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from engine.api import Engine
from engine.audit.store import Store
from engine.service._api import api_routes
from engine.service._auth import Authenticator, load_trusted_issuers
from engine.service._hooks import hook_routes
from engine.service._http import json_response
from engine.service._state import ServiceState

log = logging.getLogger("kinetic_chain.service")


async def _http_error(request: Request, exc: Exception) -> Response:
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    message = exc.detail if isinstance(exc, HTTPException) else "internal error"
    return json_response({"error": message, "problems": []}, status)


def create_app(
    rules_dir: str | Path | None = None,
    db: str | Path | None = None,
    public_url: str = "http://127.0.0.1:8080",
    trusted_issuers: str | Path | None = None,
    engine: Engine | None = None,
    store: Store | None = None,
    cors_origins: list[str] | None = None,
) -> Starlette:
    """The service over one rule base and one store; with `trusted_issuers`, every call but /health and the
    token-protected report links needs a signed JWT (CDS Hooks 'Trusting CDS Clients')."""
    engine = engine or Engine(rules_dir)
    owned, store = store is None, store or Store(db)
    store.create_schema()
    store.checkpoint_in_background()  # SQLite: the log is copied into the database off the request path
    authenticator = None
    if trusted_issuers is not None:
        authenticator = Authenticator(
            load_trusted_issuers(trusted_issuers), store.claim_token, store.forget_expired_tokens
        )
    service = ServiceState(engine, store, public_url, authenticator)
    routes: list[Route] = [*api_routes(), *hook_routes()]
    middleware = []
    if cors_origins:  # browser-based CDS clients: only the origins named, never '*'
        middleware.append(
            Middleware(
                CORSMiddleware,
                allow_origins=list(cors_origins),
                allow_methods=["GET", "POST"],
                allow_headers=["Authorization", "Content-Type", "X-Request-Id"],
                max_age=600,
            )
        )

    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        """At shutdown, the store the app opened is closed: a SQLite file then holds every record by itself, with
        no write-ahead log left beside it (a store passed in stays the caller's to close)."""
        yield
        if owned:
            store.dispose()

    app = Starlette(
        routes=routes,
        middleware=middleware,
        exception_handlers={HTTPException: _http_error, Exception: _http_error},
        lifespan=lifespan,
    )
    app.state.service = service
    return app
