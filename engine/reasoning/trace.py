"""What one run established, indexed for assembly: the firings into each fact, each fact's chain grade and
the case facts it rests on. Plain dictionaries: the explanation graph (networkx) is built only on demand.

Everything here is a function of the *set* of firings, sorted, so it does not depend on the order in which
durable-rules fired the rules.
"""

from __future__ import annotations

from collections import defaultdict
from functools import cached_property
from typing import Any

from engine.categories import strongest, weakest
from engine.knowledge.rule import CASE_KINDS, Rule
from engine.knowledge.rulebase import RuleBase
from engine.reasoning.reasoner import Derivation, Firing


class Trace:
    """One derivation, indexed: firings by conclusion, chain grades and case ancestors (memoised)."""

    def __init__(self, derivation: Derivation, rulebase: RuleBase) -> None:
        self.facts = derivation.facts
        self.rulebase = rulebase
        into: dict[str, list[Firing]] = defaultdict(list)
        for firing in sorted(set(derivation.firings), key=lambda f: (f.rule_id, f.premises)):
            into[firing.conclusion].append(firing)
        self.into = dict(into)
        self._chain: dict[str, str] = {}
        self._roots: dict[str, frozenset[str]] = {}
        self._rules: dict[tuple[str, ...], list[Rule]] = {}

    @cached_property
    def _by_kind(self) -> dict[str, list[dict[str, Any]]]:
        by_kind: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for key in sorted(self.facts):
            by_kind[self.facts[key]["kind"]].append(self.facts[key])
        return dict(by_kind)

    def of_kind(self, kind: str) -> list[dict[str, Any]]:
        """The facts of one kind, in key order (never in firing order)."""
        return list(self._by_kind.get(kind, ()))

    def has(self, key: str) -> bool:
        return key in self.facts

    def rules_of(self, *keys: str) -> list[Rule]:
        """The rules that concluded any of these facts, by id (memoised: items ask for the same keys often)."""
        rules = self._rules.get(keys)
        if rules is None:
            ids = sorted({firing.rule_id for key in keys for firing in self.into.get(key, ())})
            rules = self._rules[keys] = [self.rulebase.by_id[rule_id] for rule_id in ids]
        return list(rules)

    def reasons(self, *keys: str) -> list[dict[str, Any]]:
        """The firings into these facts as reasons (the data of assessment.Reason), sorted by rule, fact and
        premises."""
        found = [
            {
                "rule": f.rule_id,
                "grade": self.rulebase.by_id[f.rule_id].grade,
                "fact": f.conclusion,
                "premises": list(f.premises),
            }
            for key in keys
            for f in self.into.get(key, ())
        ]
        return sorted(found, key=lambda r: (r["rule"], r["fact"], r["premises"]))

    def premise_names(self, key: str, *kinds: str) -> list[str]:
        """Names of the given kinds among the facts the firings into `key` matched."""
        names = {
            self.facts[premise]["name"]
            for firing in self.into.get(key, ())
            for premise in firing.premises
            if self.facts[premise]["kind"] in kinds
        }
        return sorted(names)

    def chain(self, key: str) -> str:
        """The weakest link of the strongest chain back to the case (a case fact counts as A; a contradicted
        link weakens its chain to C)."""
        grade = self._chain.get(key)
        if grade is None:
            firings = self.into.get(key)
            if not firings:
                grade = "A"
            else:
                grade = strongest(
                    *(weakest(self._link(f.rule_id), *(self.chain(p) for p in f.premises)) for f in firings)
                )
            self._chain[key] = grade
        return grade

    def _link(self, rule_id: str) -> str:
        rule = self.rulebase.by_id[rule_id]
        return "C" if rule.contradicted_by else rule.grade

    def roots(self, key: str) -> frozenset[str]:
        """The case facts a fact rests on (itself, if it is one)."""
        found = self._roots.get(key)
        if found is None:
            firings = self.into.get(key)
            if not firings:
                found = frozenset((key,)) if self.facts[key]["kind"] in CASE_KINDS else frozenset()
            else:
                found = frozenset().union(*(self.roots(p) for f in firings for p in f.premises))
            self._roots[key] = found
        return found

    @cached_property
    def case_facts(self) -> list[str]:
        """Every fact read from the case (none concluded), in key order."""
        return sorted(key for key, fact in self.facts.items() if fact["kind"] in CASE_KINDS and key not in self.into)
