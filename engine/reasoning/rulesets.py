"""The rule base compiled for durable-rules: its rules in rulesets (compiler.partition), each with the definition
the C engine reads, as JSON text.

Compiling is a pure function of the rules (about 20 ms for the bundled rule base, at every start), so it is kept in
the rule-base cache (engine.knowledge.cache, part `rulesets`) under the load's own key (the rule files' SHA-256,
the engine's version and sources: see cache.entry_key), and only for a rule base load_rulebase built from its files
(RuleBase.cache_key). An entry is used only when its rulesets hold exactly the rule base's rules in order; anything
else is compiled afresh.
"""

from __future__ import annotations

import hashlib
import json

from engine.knowledge import cache
from engine.knowledge.base import RuleBase
from engine.knowledge.rule import Rule
from engine.reasoning.compiler import compile_rulebase, partition

PART = "rulesets"

#: One durable-rules ruleset: its rules, and its definition as JSON text.
Compiled = tuple[tuple[Rule, ...], str]


def compiled_rulesets(rulebase: RuleBase) -> list[Compiled]:
    """The rule base's rulesets, from the cache when it holds them, else compiled now (and cached)."""
    key = _key(rulebase)
    if key is not None and (cached := _cached(rulebase, key)) is not None:
        return cached
    rulesets = [(rules, json.dumps(compile_rulebase(rules), ensure_ascii=False)) for rules in partition(rulebase.rules)]
    rulesets = rulesets or [((), json.dumps(compile_rulebase(()), ensure_ascii=False))]
    if key is not None:
        entry = [{"rules": [rule.id for rule in rules], "definition": text} for rules, text in rulesets]
        cache.write(key, {"rulesets": entry}, PART)
    return rulesets


def _key(rulebase: RuleBase) -> str | None:
    if rulebase.cache_key is None:
        return None
    return hashlib.sha256(f"{rulebase.cache_key}\0{PART}".encode()).hexdigest()


def _cached(rulebase: RuleBase, key: str) -> list[Compiled] | None:
    """The entry's rulesets, or None when there is none or it does not hold the rule base's rules in order."""
    entry = cache.read(key, PART)
    try:
        rulesets = [(tuple(rulebase.by_id[name] for name in r["rules"]), r["definition"]) for r in entry["rulesets"]]
    except (KeyError, TypeError):  # no entry, or not the shape written above
        return None
    held = [rule.id for rules, _ in rulesets for rule in rules]
    if not rulesets or held != [rule.id for rule in rulebase.rules]:
        return None
    if not all(isinstance(text, str) for _, text in rulesets):
        return None
    return rulesets
