"""Kinetic-chain clinical decision support for runners: case file in, explained plan out.

import engine
result = engine.assess("examples/runner-left-restriction.yaml")
print(result.status, [r.id for r in result.recommendations])
change = engine.compare("examples/followup-RUN-0142-visit1.yaml", "examples/followup-RUN-0142-visit2.yaml")
"""

from engine.api import Engine, assess, compare, default_engine
from engine.errors import CaseError, KineticChainError, RuleBaseError, VisitMismatchError
from engine.reasoning.assessment import Assessment
from engine.version import __version__
from engine.workflow.comparison import Comparison

__all__ = [
    "Assessment",
    "CaseError",
    "Comparison",
    "Engine",
    "KineticChainError",
    "RuleBaseError",
    "VisitMismatchError",
    "__version__",
    "assess",
    "compare",
    "default_engine",
]
