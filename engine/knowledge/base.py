"""The loaded rule base: what every later stage reads (the checks, the graph, the reasoner, the reports).

Kept apart from the loader (engine.knowledge.rulebase) so that the checks the loader runs can name it without
importing the loader back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from engine.knowledge.bibliography import Bibliography
from engine.knowledge.rule import Rule
from engine.knowledge.vocabulary import Vocabulary


@dataclass(frozen=True)
class RuleBase:
    """The validated rule base, with the identity every report carries (version and SHA-256)."""

    directory: Path
    name: str
    version: str
    sha256: str
    vocabulary: Vocabulary
    rules: tuple[Rule, ...]
    layer_of: dict[str, str] = field(repr=False)
    file_of: dict[str, str] = field(repr=False)
    bibliography: Bibliography | None = field(default=None, repr=False)

    @cached_property
    def by_id(self) -> dict[str, Rule]:
        return {rule.id: rule for rule in self.rules}

    @property
    def cache_key(self) -> str | None:
        """This load's rule-base cache key (engine.knowledge.cache), for data the engine derives from the rules
        alone (engine.reasoning.rulesets); None unless load_rulebase built this very object from its files. A
        rule base built or changed any other way (dataclasses.replace) has none: its rules may not be what the
        files of its SHA-256 say."""
        return self.__dict__.get("_cache_key")

    def identity(self) -> dict[str, str]:
        return {"name": self.name, "version": self.version, "sha256": self.sha256}
