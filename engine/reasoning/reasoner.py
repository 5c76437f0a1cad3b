"""Running one case through the compiled rule base on durable-rules, isolated from every other case."""

from __future__ import annotations

import contextlib
import itertools
import math
import uuid
from dataclasses import dataclass, field
from typing import Any

from durable.engine import Host

from engine.knowledge.rule import UNSIDED_KINDS, Rule
from engine.knowledge.rulebase import RuleBase
from engine.knowledge.vocabulary import Vocabulary
from engine.reasoning.compiler import GATE_KIND, anchor_index, compile_rulebase, partition
from engine.reasoning.facts import make_fact

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


class _SynchronousHost(Host):
    """A private durable-rules host without the background dispatch threads.

    Assessments assert facts and run every action synchronously; the default host's timer threads
    (for timers and queued events, which this engine never uses) would only compete for the same states.
    """

    def _run(self) -> None:
        return None


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
    error: BaseException | None = None
    #: concluded facts not yet sent to the other rulesets: (ruleset that concluded it, fact)
    outbox: list[tuple[str, dict[str, Any]]] = field(default_factory=list)


@dataclass(frozen=True)
class _Ruleset:
    """One durable-rules ruleset of the rule base, and the fact kinds its rules can match."""

    name: str
    kinds: frozenset[str]


class Reasoner:
    """Owns the durable-rules rulesets of a rule base (one, or several for a large one: see
    compiler.partition); each run gets its own session id and state in each."""

    def __init__(self, rulebase: RuleBase) -> None:
        self._rulebase = rulebase
        self._sessions: dict[str, Derivation] = {}
        # where the limb anchor sits among each rule's matched (positive) facts
        self._anchor_position = {
            rule.id: [i for i, c in enumerate(rule.when) if not c.absent].index(anchor_index(rule))
            for rule in rulebase.rules
        }
        self.ruleset_name = f"kinetic_chain_{next(_ruleset_numbers)}"
        self._host = _SynchronousHost()
        self._rulesets: list[_Ruleset] = []
        definitions = {}
        for number, rules in enumerate(partition(rulebase.rules) or [()]):
            name = self.ruleset_name if number == 0 else f"{self.ruleset_name}_{number}"
            kinds = frozenset(c.kind for rule in rules for c in rule.when)
            self._rulesets.append(_Ruleset(name, kinds | {GATE_KIND}))
            definitions[name] = compile_rulebase(rules, self._on_fire_in(name))
        self._host.register_rulesets(definitions)

    @property
    def open_sessions(self) -> int:
        """How many runs hold durable-rules state right now (0 between assessments)."""
        return len(self._sessions)

    @property
    def ruleset_count(self) -> int:
        return len(self._rulesets)

    def state_exists(self, sid: str) -> bool:
        """Whether any of the rulesets holds state for this session."""
        return any(self._has_state(ruleset.name, sid) for ruleset in self._rulesets)

    def _has_state(self, ruleset: str, sid: str) -> bool:
        try:
            self._host.get_state(ruleset, sid)
        except Exception:  # durable-rules raises its own error type for an unknown session
            return False
        return True

    def run(self, facts: list[dict[str, Any]], sid: str | None = None) -> Derivation:
        """Assert the case, let the rules chain to a fixpoint, then delete the session's state."""
        sid = sid or uuid.uuid4().hex
        derivation = Derivation(facts={fact["key"]: fact for fact in facts})
        self._sessions[sid] = derivation
        sent = [durable_fact(fact, sid) for fact in facts]
        gate = {"sid": sid, "kind": GATE_KIND, "key": GATE_KIND}
        try:
            for ruleset in self._rulesets:  # every case fact first, then the gate (see compiler)
                self._host.assert_facts(ruleset.name, [f for f in sent if f["kind"] in ruleset.kinds] + [gate])
            while derivation.outbox and derivation.error is None:  # conclusions travel between rulesets
                concluded, derivation.outbox = derivation.outbox, []
                for ruleset in self._rulesets:
                    batch = [
                        durable_fact(fact, sid)
                        for origin, fact in concluded
                        if origin != ruleset.name and fact["kind"] in ruleset.kinds
                    ]
                    if batch:
                        self._host.assert_facts(ruleset.name, batch)
        finally:
            del self._sessions[sid]
            for ruleset in self._rulesets:
                with contextlib.suppress(Exception):
                    self._host.delete_state(ruleset.name, sid)
        if derivation.error is not None:
            raise derivation.error
        return derivation

    def _on_fire_in(self, ruleset: str) -> Any:
        return lambda rule, premises, closure: self._on_fire(rule, premises, closure, ruleset)

    def _on_fire(self, rule: Rule, premises: list[dict[str, Any]], closure: Any, ruleset: str) -> None:
        derivation = self._sessions[closure.s.sid]
        try:
            anchor = premises[self._anchor_position[rule.id]]
            fact = conclude(rule, premises, anchor, self._rulebase.vocabulary)
            derivation.firings.append(Firing(rule.id, tuple(p["key"] for p in premises), fact["key"]))
            if fact["key"] not in derivation.facts:
                derivation.facts[fact["key"]] = fact
                closure.assert_fact(durable_fact(fact, closure.s.sid))
                if len(self._rulesets) > 1:
                    derivation.outbox.append((ruleset, fact))
        except Exception as error:  # durable-rules would swallow it into the state; keep it to re-raise
            derivation.error = derivation.error or error


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
