"""HTTP plumbing shared by the routes: bounded body reading, JSON parsing, and problems as JSON or as a FHIR
OperationOutcome (never a traceback)."""

from __future__ import annotations

import json
from typing import Any

from pydantic import ValidationError
from starlette.requests import Request
from starlette.responses import Response

from engine.errors import CaseError
from engine.fhir.outcome import Issue, case_error_issues, operation_outcome

JSON = "application/json"
FHIR_JSON = "application/fhir+json"


class Problem(Exception):
    """A refused request: HTTP status, a message, and the problems (field path, message) behind it."""

    def __init__(
        self,
        status: int,
        message: str,
        problems: list[tuple[str | None, str]] = (),
        headers: dict[str, str] | None = None,
        issue_code: str = "invalid",
        noted: list[Issue] = (),
    ) -> None:
        super().__init__(message)
        self.status, self.message, self.problems = status, message, list(problems)
        self.headers = headers or {}
        self.issue_code = issue_code
        #: what else was found on the way (e.g. the FHIR data the mapping could not use), after the problems
        self.noted = list(noted)

    @classmethod
    def from_case_error(cls, error: CaseError) -> Problem:
        return cls(422, "invalid case", error.problems, issue_code="invalid").with_lines(str(error))

    def with_lines(self, text: str) -> Problem:
        self.lines = text.splitlines()
        return self

    def issues(self) -> list[Issue]:
        if not self.problems:
            refused = [Issue("error", self.issue_code, self.message)]
        elif self.issue_code == "invalid":
            refused = case_error_issues(self.problems)
        else:
            refused = [Issue("error", self.issue_code, message, field) for field, message in self.problems]
        return [*refused, *self.noted]

    def response(self, fhir: bool) -> Response:
        if fhir:
            body: dict[str, Any] = operation_outcome(self.issues())
        else:
            body = {
                "error": self.message,
                "problems": [{"field": field, "message": message} for field, message in self.problems],
            }
            if getattr(self, "lines", None):
                body["lines"] = self.lines
        return json_response(body, self.status, self.headers)


def json_response(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(json.dumps(data, ensure_ascii=False), status_code=status, media_type=JSON, headers=headers)


async def read_body(request: Request, limit: int) -> bytes:
    """The request body, refused with 413 as soon as it passes `limit` bytes (declared or streamed)."""
    declared = request.headers.get("content-length")
    too_big = Problem(413, f"request body is larger than the {limit // 1024} KiB limit", issue_code="too-costly")
    if declared is not None:
        try:
            if int(declared) > limit:
                raise too_big
        except ValueError:
            raise Problem(400, "invalid Content-Length header") from None
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise too_big
        chunks.append(chunk)
    return b"".join(chunks)


def parse_json(data: bytes, what: str = "request body") -> Any:
    if not data.strip():
        raise Problem(400, f"{what} is empty; expected JSON", issue_code="structure")
    try:
        return json.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise Problem(400, f"{what} is not UTF-8", issue_code="structure") from None
    except json.JSONDecodeError as error:
        raise Problem(
            400,
            f"{what} is not valid JSON (line {error.lineno}, column {error.colno}): {error.msg}",
            issue_code="structure",
        ) from None
    except RecursionError:
        raise Problem(400, f"{what} is too deeply nested", issue_code="structure") from None


def model_problem(error: ValidationError, status: int = 400) -> Problem:
    """A pydantic error on a request shape, as field-path problems."""
    problems = [(".".join(str(p) for p in item["loc"]) or None, item["msg"]) for item in error.errors()]
    return Problem(status, "request does not match the CDS Hooks shape", problems, issue_code="structure")
