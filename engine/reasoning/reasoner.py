"""Running one case through the compiled rule base on durable-rules, isolated from every other case."""

from __future__ import annotations

import contextlib
import itertools
import math
import uuid
from dataclasses import dataclass, field
from typing import Any

from engine.knowledge.rule import ANY, UNSIDED_KINDS, Rule
from engine.knowledge.rulebase import RuleBase
from engine.knowledge.vocabulary import Vocabulary
from engine.reasoning.compiler import CATCH_ALL, GATE_KIND, alias, anchor_index, matched_kind, negated_kinds, shadows
from engine.reasoning.facts import make_fact
from engine.reasoning.host import Ruleset, encode
from engine.reasoning.rulesets import compiled_rulesets

_ruleset_numbers = itertools.count(1)
#: The only fact fields a compiled rule can test; nothing else is sent to durable-rules.
MATCHED_FIELDS = (
    "kind", "name", "side", "opposite", "key", "value", "observed", "family",
    "onset", "onset_recorded", "weeks", "severity", "result",
)  # fmt: skip
#: durable-rules 2.0.28 misreads numbers that JSON writes in exponent form (it crashed or dropped facts on
#: 0 < |x| < 1e-4). Rule thresholds are 0 or at least 0.001 in size (checked at load), so a smaller non-zero
#: value is sent as +/-0.0001: every comparison with a threshold keeps its outcome.
SMALLEST_SENT = 1e-4
#: Likewise no number larger than this is sent (every threshold lies far below it, checked at load), so a
#: huge but valid value keeps its comparisons without reaching durable-rules' exponent-form parser.
LARGEST_SENT = 1e9


def matched_names(rules: tuple[Rule, ...]) -> dict[str, frozenset[str] | None]:
    """By fact kind (a shadow kind for `absent`), the names the rules' patterns test; None where a pattern
    takes any name."""
    names: dict[str, set[str] | None] = {}
    for rule in rules:
        for condition in rule.when:
            kind = matched_kind(condition)
            if condition.names == [ANY]:
                names[kind] = None
            elif names.get(kind, set()) is not None:
                names.setdefault(kind, set()).update(condition.names)
    return {kind: None if found is None else frozenset(found) for kind, found in names.items()}


def durable_fact(fact: dict[str, Any], sid: str) -> dict[str, Any]:
    """The part of a fact the rules match on, with numbers durable-rules reads correctly."""
    sent = {name: fact[name] for name in MATCHED_FIELDS if name in fact}
    for name, value in sent.items():
        if isinstance(value, int | float) and not isinstance(value, bool) and value != 0:
            if abs(value) < SMALLEST_SENT:
                sent[name] = math.copysign(SMALLEST_SENT, value)
            elif abs(value) > LARGEST_SENT:
                sent[name] = math.copysign(LARGEST_SENT, value)
    return {**sent, "sid": sid}


@dataclass(frozen=True)
class Firing:
    """One rule firing: which facts it matched and which fact it concluded (keys of Derivation.facts)."""

    rule_id: str
    premises: tuple[str, ...]
    conclusion: str


@dataclass
class Derivation:
    """Everything one run established: the case facts, the concluded facts and every firing."""

    facts: dict[str, dict[str, Any]]
    firings: list[Firing] = field(default_factory=list)


@dataclass(frozen=True)
class _Group:
    """One durable-rules ruleset of the rule base, and the facts its rules can match: by kind, the names its
    patterns test (None: some pattern takes any name)."""

    ruleset: Ruleset
    names: dict[str, frozenset[str] | None]

    def matches(self, kind: str, name: str | None) -> bool:
        """Whether any pattern of this ruleset can match a fact of this kind and name. Every compiled pattern
        tests its kind and (unless it takes any name) its names, so a fact that fails both tests for every
        pattern could only reach the catch-all, and sending it would change no firing."""
        if kind not in self.names:
            return False
        names = self.names[kind]
        return names is None or name in names


@dataclass(frozen=True)
class _Compiled:
    """What a firing needs to know about its rule: the rule, and where its limb anchor sits among the
    aliases of its matched (positive) facts."""

    rule: Rule
    aliases: tuple[str, ...]
    anchor: str


class Reasoner:
    """Owns the durable-rules rulesets of a rule base (one, or several for a large one: see
    compiler.partition); each run gets its own session id and state in each."""

    def __init__(self, rulebase: RuleBase) -> None:
        self._rulebase = rulebase
        self._sessions: set[str] = set()
        self._rules = {
            rule.id: _Compiled(
                rule,
                tuple(alias(i) for i, c in enumerate(rule.when) if not c.absent),
                alias(anchor_index(rule)),
            )
            for rule in rulebase.rules
        }
        self._negated = negated_kinds(rulebase.rules)
        self.ruleset_name = f"kinetic_chain_{next(_ruleset_numbers)}"
        self._groups: list[_Group] = []
        for number, (rules, definition) in enumerate(compiled_rulesets(rulebase)):
            name = self.ruleset_name if number == 0 else f"{self.ruleset_name}_{number}"
            ruleset = Ruleset(name, definition, skip=CATCH_ALL)
            self._groups.append(_Group(ruleset, {**matched_names(rules), GATE_KIND: None}))

    @property
    def open_sessions(self) -> int:
        """How many runs hold durable-rules state right now (0 between assessments)."""
        return len(self._sessions)

    @property
    def ruleset_count(self) -> int:
        return len(self._groups)

    def state_exists(self, sid: str) -> bool:
        """Whether any of the rulesets holds state for this session."""
        return any(group.ruleset.has_state(sid) for group in self._groups)

    def run(self, facts: list[dict[str, Any]], sid: str | None = None) -> Derivation:
        """Assert the case, let the rules chain to a fixpoint, then delete the session's state.

        Rounds: every new fact goes to every ruleset with a pattern that can match its kind and name (see
        _Group.matches), in one batch; the firings due are drained and their conclusions are the next
        round's new facts (case facts first, then the gate: see compiler)."""
        sid = sid or uuid.uuid4().hex
        derivation = Derivation(facts={fact["key"]: fact for fact in facts})
        self._sessions.add(sid)
        new = [*facts, *shadows(facts, self._negated), {"kind": GATE_KIND, "key": GATE_KIND}]
        concluded: list[dict[str, Any]] = []

        def fire(rule_id: str, matched: dict[str, Any]) -> None:
            self._fire(rule_id, matched, derivation, concluded)

        try:
            while new:
                routes = [[group.matches(fact["kind"], fact.get("name")) for group in self._groups] for fact in new]
                encoded = [
                    (encode(durable_fact(fact, sid)), to) for fact, to in zip(new, routes, strict=True) if any(to)
                ]
                for number, group in enumerate(self._groups):
                    batch = [text for text, to in encoded if to[number]]
                    if batch:
                        group.ruleset.drain(group.ruleset.assert_encoded(batch), fire)
                new = concluded[:]
                concluded.clear()
        finally:
            self._sessions.discard(sid)
            for group in self._groups:
                with contextlib.suppress(Exception):
                    group.ruleset.delete_state(sid)
        return derivation

    def _fire(
        self, rule_id: str, matched: dict[str, Any], derivation: Derivation, concluded: list[dict[str, Any]]
    ) -> None:
        compiled = self._rules[rule_id]
        premises = [matched[name] for name in compiled.aliases]
        fact = conclude(compiled.rule, premises, matched[compiled.anchor], self._rulebase.vocabulary)
        derivation.firings.append(Firing(rule_id, tuple(p["key"] for p in premises), fact["key"]))
        if fact["key"] not in derivation.facts:
            derivation.facts[fact["key"]] = fact
            concluded.append(fact)


def conclude(
    rule: Rule, premises: list[dict[str, Any]], anchor: dict[str, Any], vocabulary: Vocabulary
) -> dict[str, Any]:
    """The fact a rule concludes from the facts it matched; it sits on the anchor's limb."""
    then = rule.then
    if then.name is None:  # withheld / pending / blocked / warning act on the recommendation matched
        target = next(p for p in premises if p["kind"] == "recommendation")
        return make_fact(then.kind, target["name"], target["side"])
    if then.kind in UNSIDED_KINDS:  # a derived patient condition belongs to no limb
        return make_fact(then.kind, then.name, "none")
    extra: dict[str, Any] = {}
    if then.kind == "compensation":
        extra["observed"] = bool(then.observed)
    if then.kind == "recommendation":
        extra["family"] = vocabulary.interventions[then.name].family
    return make_fact(then.kind, then.name, anchor["side"], **extra)
