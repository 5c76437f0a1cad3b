"""A thin host for the durable-rules engine: its compiled Rete network in C, without its Python layer.

durable-rules' own host wraps every rule firing in a Closure, a Promise, two clock reads and a JSON round
trip of the session state (`update_state`), and fires a Python action for every fact the catch-all rule
absorbs. This host talks to the same C engine (`durable_rules_engine`) directly: facts go in as one JSON
batch per ruleset, and each firing comes out as the JSON of the facts it matched, which the reasoner turns
into a conclusion. What the rules match, and so every conclusion, is decided by durable-rules exactly as
before; `bench/engines.py` runs both hosts on the same rulesets and checks that they conclude the same.

Why batching is safe: `absent` conditions may only test case facts (checked at load), and every case fact
is asserted before the gate that releases a negation. Over concluded facts the rules are monotone, so the
facts and firings at the fixpoint do not depend on when a conclusion is asserted.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import orjson

from engine.errors import EngineUnavailable

try:
    import durable_rules_engine as _core
except ImportError as error:  # e.g. durable-rules built on Python 3.13 without the flag the README gives
    raise EngineUnavailable(str(error)) from None

#: result codes of the C engine's assert calls (durable/engine.py: Ruleset._handle_result)
_NOT_HANDLED, _ALREADY_OBSERVED = 1, 2


def encode(fact: dict[str, Any]) -> str:
    """A fact as compact JSON text (durable-rules ignores whitespace; non-ASCII stays as written). Writing facts
    and parsing firings is most of the host's own cost: orjson does both."""
    return orjson.dumps(fact).decode()


class HostError(RuntimeError):
    """The C engine refused a batch (a fact no rule handles, or the same fact twice)."""


class Ruleset:
    """One compiled ruleset in the C engine, addressed by its handle."""

    def __init__(self, name: str, definition: dict[str, Any] | str, skip: str | None = None) -> None:
        """`definition`: the durable-rules definition, or its JSON text; `skip`: the id of a rule whose firings
        are completed without being parsed or passed on."""
        self.name = name
        self._skipped = f'{{"{skip}":' if skip else "\0"
        text = definition if isinstance(definition, str) else json.dumps(definition, ensure_ascii=False)
        self._handle = _core.create_ruleset(name, text)

    def assert_encoded(self, facts: list[str]) -> int:
        """Assert a batch of facts of one session, each already written as JSON (once, however many rulesets
        get it); returns the session's state handle."""
        code, state = _core.assert_facts(self._handle, f"[{','.join(facts)}]")
        if code in (_NOT_HANDLED, _ALREADY_OBSERVED):
            raise HostError(f"durable-rules refused a fact batch (code {code})")
        return state

    def drain(self, state: int, fire: Callable[[str, dict[str, Any]], None]) -> None:
        """Run every rule firing now due in a session: fire(rule id, {alias: matched fact}) for each. A
        firing is completed before the next starts, and abandoned if `fire` raises."""
        started = _core.start_action_for_state(self._handle, state)
        if not started:
            return
        message = started[1]
        try:
            while message:
                if not message.startswith(self._skipped):
                    for rule_id, matched in orjson.loads(message).items():
                        fire(rule_id, matched)
                message = _core.complete_and_start_action(self._handle, state)
        except BaseException:
            _core.abandon_action(self._handle, state)
            raise

    def has_state(self, sid: str) -> bool:
        try:
            _core.get_state(self._handle, sid)
        except Exception:  # the C engine raises its own error for an unknown session
            return False
        return True

    def delete_state(self, sid: str) -> None:
        _core.delete_state(self._handle, sid)
