"""The reference run: the same compiled rulesets on durable-rules' own Python host, each action concluding
and asserting through its closure, as durable-rules documents it. Not used to assess cases: the benchmark
(bench/engines.py) times it as the bare baseline, and the tests check that the thin host fires exactly
what it fires."""

from __future__ import annotations

import itertools
from typing import Any

from durable.engine import Host

from engine.knowledge.rulebase import RuleBase
from engine.reasoning import compiler
from engine.reasoning.reasoner import conclude, durable_fact

_numbers = itertools.count(1)


class _QuietHost(Host):
    def _run(self) -> None:  # no background dispatch threads: every action runs synchronously
        return None


class StockReasoner:
    """Runs facts through the rule base on durable-rules' own host; returns the set of firings."""

    def __init__(self, rulebase: RuleBase) -> None:
        self._rulebase = rulebase
        self._host = _QuietHost()
        self._positive = {
            r.id: [compiler.alias(i) for i, c in enumerate(r.when) if not c.absent] for r in rulebase.rules
        }
        self._anchor = {r.id: compiler.alias(compiler.anchor_index(r)) for r in rulebase.rules}
        self._groups = []
        definitions = {}
        prefix = f"stock_{next(_numbers)}"
        for number, rules in enumerate(compiler.partition(rulebase.rules) or [()]):
            name = f"{prefix}_{number}"
            self._groups.append(
                (name, frozenset(compiler.matched_kind(c) for rule in rules for c in rule.when) | {compiler.GATE_KIND})
            )
            definitions[name] = compiler.with_actions(compiler.compile_rulebase(rules), self._action(name))
        self._host.register_rulesets(definitions)
        self._run: dict[str, Any] = {}

    def _action(self, ruleset: str) -> Any:
        def run(rule_id: str, closure: Any) -> None:
            if rule_id == compiler.CATCH_ALL:
                return
            state = self._run
            rule = self._rulebase.by_id[rule_id]
            premises = [getattr(closure, name)._d for name in self._positive[rule_id]]
            anchor = getattr(closure, self._anchor[rule_id])._d
            fact = conclude(rule, premises, anchor, self._rulebase.vocabulary)
            state["firings"].add((rule_id, tuple(p["key"] for p in premises), fact["key"]))
            if fact["key"] not in state["known"]:
                state["known"].add(fact["key"])
                closure.assert_fact(durable_fact(fact, closure.s.sid))
                state["outbox"].append((ruleset, fact))

        return run

    def run(self, facts: list[dict[str, Any]], sid: str = "stock") -> set[tuple[str, tuple[str, ...], str]]:
        self._run = {"firings": set(), "known": {fact["key"] for fact in facts}, "outbox": []}
        case = [*facts, *compiler.shadows(facts, compiler.negated_kinds(self._rulebase.rules))]
        sent = [durable_fact(fact, sid) for fact in case] + [
            {"sid": sid, "kind": compiler.GATE_KIND, "key": compiler.GATE_KIND}
        ]
        try:
            for name, kinds in self._groups:
                self._host.assert_facts(name, [fact for fact in sent if fact["kind"] in kinds])
            while self._run["outbox"]:
                concluded, self._run["outbox"] = self._run["outbox"], []
                for name, kinds in self._groups:
                    batch = [durable_fact(f, sid) for origin, f in concluded if origin != name and f["kind"] in kinds]
                    if batch:
                        self._host.assert_facts(name, batch)
        finally:
            for name, _kinds in self._groups:
                self._host.delete_state(name, sid)
        return self._run["firings"]
