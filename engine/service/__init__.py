"""The engine as a web service: CDS Hooks 2.0 with FHIR R4 in and out, a plain JSON API, and the audit trail.

    from engine.service import create_app      # an ASGI (Starlette) app for any ASGI server
    app = create_app(db="kinetic-chain.sqlite3", public_url="https://cds.clinic.example")

`kinetic-chain serve` runs it with uvicorn. Imported only when needed, so the CLI does not load the web stack.
"""

from __future__ import annotations

from typing import Any


def create_app(*args: Any, **kwargs: Any) -> Any:
    """See engine.service.app.create_app."""
    from engine.service.app import create_app as build

    return build(*args, **kwargs)


__all__ = ["create_app"]
