"""Gather the resources of a Bundle or of a CDS Hooks prefetch, each validated by its fhir.resources model."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from engine.fhir._build import resource
from engine.fhir.outcome import Issue


@dataclass(frozen=True)
class Found:
    """One validated resource and where it came from (a FHIRPath-like location for issues)."""

    model: Any
    where: str


def _first_error(error: ValidationError) -> str:
    item = error.errors()[0]
    loc = ".".join(str(part) for part in item["loc"])
    return f"{loc}: {item['msg']}" if loc else item["msg"]


def _one(data: Any, where: str, found: list[Found], issues: list[Issue]) -> None:
    if not isinstance(data, dict) or not isinstance(data.get("resourceType"), str):
        issues.append(Issue("error", "structure", "expected a FHIR resource (an object with resourceType)", where))
        return
    kind = data["resourceType"]
    if _has_control(kind):
        issues.append(Issue("error", "structure", "resourceType holds a control character", where))
        return
    if kind == "Bundle":
        _bundle(data, where, found, issues)
        return
    if (problem := _malformed(data)) is not None:
        issues.append(Issue("error", "structure", f"not a valid FHIR R4 {kind}: {problem}", where))
        return
    try:
        model = resource(data)
    except KeyError:
        issues.append(Issue("error", "not-supported", f"unknown resourceType '{kind}'", where))
        return
    except (ValidationError, ValueError, TypeError) as error:
        detail = _first_error(error) if isinstance(error, ValidationError) else str(error)
        issues.append(Issue("error", "structure", f"not a valid FHIR R4 {kind}: {detail}", where))
        return
    if kind == "OperationOutcome":
        for issue in model.issue or []:
            text = issue.diagnostics or (issue.details.text if issue.details else None) or issue.code
            issues.append(Issue("warning", "incomplete", f"the client reported a prefetch problem: {text}", where))
        return
    found.append(Found(model, where))


def _malformed(data: Any, path: str = "") -> str | None:
    """What makes a resource's JSON unusable before its model is built, or None: a null element (FHIR JSON has
    none but inside arrays of primitives, kept aligned with their extensions; fhir.resources accepts `"code": null`
    for a required element, and the reader then found no code where FHIR promises one), or a control character
    in a string or key (FHIR strings exclude all but tab and line ends, and one would be echoed into a card and
    an audit store that cannot hold it). The message names the element, never the bad text itself."""
    if isinstance(data, dict):
        for key, value in data.items():
            if _has_control(key):
                return f"{path or 'the resource'} has a key with a control character; FHIR strings exclude them"
            where = f"{path}.{key}" if path else str(key)
            if value is None:
                return f"{where} is null; FHIR JSON leaves an element out instead"
            if (found := _malformed(value, where)) is not None:
                return found
    elif isinstance(data, list):
        for index, value in enumerate(data):
            if (found := _malformed(value, f"{path}[{index}]")) is not None:
                return found
    elif isinstance(data, str) and _has_control(data):
        return f"{path} holds a control character; FHIR strings exclude them"
    return None


def _has_control(text: str) -> bool:
    return any(ord(char) < 32 and char not in "\t\n\r" for char in text)


def _bundle(data: dict[str, Any], where: str, found: list[Found], issues: list[Issue]) -> None:
    """A Bundle's entries, each gathered by _one; `entry` and `link` must be lists (absent or null: none)."""
    entries, links = data.get("entry") or [], data.get("link") or []
    for name, value in (("entry", entries), ("link", links)):
        if not isinstance(value, list):
            got = type(value).__name__
            issues.append(Issue("error", "structure", f"Bundle.{name} must be a list, got {got}", f"{where}.{name}"))
            return
    if any(isinstance(link, dict) and link.get("relation") == "next" for link in links):
        issues.append(
            Issue(
                "warning",
                "incomplete",
                "only the first page of a paginated result was sent; the "
                "service does not fetch the next page from the FHIR server",
                where,
            )
        )
    for index, item in enumerate(entries):
        if not isinstance(item, dict) or "resource" not in item:
            issues.append(Issue("warning", "structure", "bundle entry without a resource", f"{where}.entry[{index}]"))
            continue
        _one(item["resource"], f"{where}.entry[{index}].resource", found, issues)


def collect(document: Any) -> tuple[list[Found], list[Issue]]:
    """Resources of a Bundle (any type), a single resource, or a prefetch object {key: resource, Bundle or null}."""
    found: list[Found] = []
    issues: list[Issue] = []
    if isinstance(document, dict) and "resourceType" not in document:
        for key, value in document.items():
            if value is not None:
                _one(value, f"prefetch.{key}", found, issues)
    else:
        _one(
            document, document.get("resourceType", "resource") if isinstance(document, dict) else "body", found, issues
        )
    return found, issues
