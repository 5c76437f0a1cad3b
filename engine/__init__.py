"""Kinetic-chain clinical decision support for runners: case file in, explained plan out.

import engine
result = engine.assess("examples/runner-left-restriction.yaml")
print(result.status, [r.id for r in result.recommendations])
change = engine.compare("examples/followup-RUN-0142-visit1.yaml", "examples/followup-RUN-0142-visit2.yaml")
print(engine.render(result, "markdown"))

`import engine` is cheap: each name below is imported from its module on first use (pydantic, the rule base and
the reasoner load only when something is assessed), so the command line starts fast.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from engine.version import __version__

#: Public name -> the module that defines it (imported on first access).
_LAZY = {
    "Assessment": "engine.reasoning.assessment",
    "Blocked": "engine.reasoning.assessment",
    "Compensation": "engine.reasoning.assessment",
    "Evidence": "engine.reasoning.assessment",
    "Finding": "engine.reasoning.assessment",
    "Item": "engine.reasoning.assessment",
    "Presentation": "engine.reasoning.assessment",
    "Question": "engine.reasoning.assessment",
    "Reason": "engine.reasoning.assessment",
    "Recommendation": "engine.reasoning.assessment",
    "Referral": "engine.reasoning.assessment",
    "Risk": "engine.reasoning.assessment",
    "Threshold": "engine.reasoning.assessment",
    "Withheld": "engine.reasoning.assessment",
    "CaseError": "engine.errors",
    "Comparison": "engine.workflow.comparison",
    "Engine": "engine.api",
    "EngineUnavailable": "engine.errors",
    "KineticChainError": "engine.errors",
    "RuleBaseError": "engine.errors",
    "StoreError": "engine.errors",
    "VisitMismatchError": "engine.errors",
    "assess": "engine.api",
    "compare": "engine.api",
    "default_engine": "engine.api",
    "render": "engine.reports",
}

__all__ = [
    "Assessment",
    "Blocked",
    "CaseError",
    "Comparison",
    "Compensation",
    "Engine",
    "EngineUnavailable",
    "Evidence",
    "Finding",
    "Item",
    "KineticChainError",
    "Presentation",
    "Question",
    "Reason",
    "Recommendation",
    "Referral",
    "Risk",
    "RuleBaseError",
    "StoreError",
    "Threshold",
    "VisitMismatchError",
    "Withheld",
    "__version__",
    "assess",
    "compare",
    "default_engine",
    "render",
]

if TYPE_CHECKING:
    from engine.api import Engine, assess, compare, default_engine
    from engine.errors import (
        CaseError,
        EngineUnavailable,
        KineticChainError,
        RuleBaseError,
        StoreError,
        VisitMismatchError,
    )
    from engine.reasoning.assessment import (
        Assessment,
        Blocked,
        Compensation,
        Evidence,
        Finding,
        Item,
        Presentation,
        Question,
        Reason,
        Recommendation,
        Referral,
        Risk,
        Threshold,
        Withheld,
    )
    from engine.reports import render
    from engine.workflow.comparison import Comparison


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'engine' has no attribute '{name}'")
    value = getattr(import_module(module), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
