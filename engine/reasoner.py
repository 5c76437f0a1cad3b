"""Running one case through the compiled rule base on durable-rules, isolated from every other case."""

from __future__ import annotations

import contextlib
import itertools
import math
import uuid
from dataclasses import dataclass, field
from typing import Any

from durable.engine import Host

from engine.compiler import GATE_KIND, anchor_index, compile_rulebase
from engine.facts import make_fact
from engine.rule_model import UNSIDED_KINDS, Rule
from engine.rulebase import RuleBase
from engine.vocabulary import Vocabulary

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


class Reasoner:
    """Owns one durable-rules ruleset for a rule base; each run gets its own session id and state."""

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
        self._host.register_rulesets({self.ruleset_name: compile_rulebase(rulebase.rules, self._on_fire)})

    @property
    def open_sessions(self) -> int:
        """How many runs hold durable-rules state right now (0 between assessments)."""
        return len(self._sessions)

    def state_exists(self, sid: str) -> bool:
        try:
            self._host.get_state(self.ruleset_name, sid)
        except Exception:  # durable-rules raises its own error type for an unknown session
            return False
        return True

    def run(self, facts: list[dict[str, Any]], sid: str | None = None) -> Derivation:
        """Assert the case, let the rules chain to a fixpoint, then delete the session's state."""
        sid = sid or uuid.uuid4().hex
        derivation = Derivation(facts={fact["key"]: fact for fact in facts})
        self._sessions[sid] = derivation
        batch = [durable_fact(fact, sid) for fact in facts]
        batch.append({"sid": sid, "kind": GATE_KIND, "key": GATE_KIND})
        try:
            self._host.assert_facts(self.ruleset_name, batch)
        finally:
            del self._sessions[sid]
            with contextlib.suppress(Exception):
                self._host.delete_state(self.ruleset_name, sid)
        if derivation.error is not None:
            raise derivation.error
        return derivation

    def _on_fire(self, rule: Rule, premises: list[dict[str, Any]], closure: Any) -> None:
        derivation = self._sessions[closure.s.sid]
        try:
            anchor = premises[self._anchor_position[rule.id]]
            fact = conclude(rule, premises, anchor, self._rulebase.vocabulary)
            derivation.firings.append(Firing(rule.id, tuple(p["key"] for p in premises), fact["key"]))
            if fact["key"] not in derivation.facts:
                derivation.facts[fact["key"]] = fact
                closure.assert_fact(durable_fact(fact, closure.s.sid))
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
