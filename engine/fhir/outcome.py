"""What the mapping could not use, or why a request was refused, as FHIR OperationOutcome issues."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from engine.fhir._build import validated

Severity = Literal["fatal", "error", "warning", "information"]


@dataclass(frozen=True)
class Issue:
    """One problem: severity, FHIR issue type (e.g. not-supported, value, required), message, where."""

    severity: Severity
    code: str
    diagnostics: str
    expression: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"severity": self.severity, "code": self.code, "diagnostics": self.diagnostics}
        if self.expression:
            out["expression"] = [self.expression]
        return out

    def line(self) -> str:
        where = f"{self.expression}: " if self.expression else ""
        return f"{self.severity}: {where}{self.diagnostics}"


def operation_outcome(issues: list[Issue]) -> dict[str, Any]:
    """A validated OperationOutcome; an empty list of issues gives the 'all ok' information issue FHIR asks for."""
    shown = issues or [Issue("information", "informational", "no problems")]
    return validated({"resourceType": "OperationOutcome", "issue": [issue.to_dict() for issue in shown]})


def case_error_issues(problems: list[tuple[str | None, str]]) -> list[Issue]:
    """The CLI's field-path problems of a CaseError, as error issues (the field path is the expression)."""
    return [Issue("error", "invalid", message, field) for field, message in problems]
