"""The compiled rulesets kept in the rule-base cache (engine.reasoning.rulesets) make a later engine start faster;
they must never change a conclusion. A warm engine compiles nothing and every example reads the same as with no
cache; an entry that does not hold the rule base's rules in order is compiled afresh; a rule base that was not
loaded from its files (or was changed after) never uses an entry."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from pathlib import Path

import pytest
from _support import EXAMPLES, every_report, forbid
from _support import cache_entries as entries

import engine
from engine.knowledge import cache
from engine.knowledge.rulebase import load_rulebase
from engine.reasoning import rulesets
from engine.reasoning.reasoner import Reasoner
from engine.reasoning.rulesets import compiled_rulesets

EXAMPLE = EXAMPLES / "runner-left-restriction.yaml"


@pytest.fixture(autouse=True)
def private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test gets its own empty cache location; the compiled rulesets' part of it is returned."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv(cache.NO_CACHE, raising=False)
    return tmp_path / "xdg" / "kinetic-chain" / rulesets.PART


def compile_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make any partition or compilation of the rules fail the test: only the cache can serve."""
    forbid(monkeypatch, "the rules were compiled again", (rulesets, "partition"), (rulesets, "compile_rulebase"))


def rewrite(entry: Path, data: object) -> None:
    """Replace an entry's data, with a first line that matches it (a sound entry with other content)."""
    payload = json.dumps(data).encode()
    entry.write_bytes(f"{cache.FORMAT} {entry.stem} {hashlib.sha256(payload).hexdigest()}\n".encode() + payload)


def test_a_warm_engine_compiles_nothing_and_every_example_reads_the_same(
    private_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(cache.NO_CACHE, "1")
    expected = every_report(engine.Engine())
    assert entries(private_cache) == []  # KINETIC_CHAIN_NO_CACHE=1 writes nothing here either
    monkeypatch.delenv(cache.NO_CACHE)
    assert every_report(engine.Engine()) == expected  # cold: compiled, entry written
    [entry] = entries(private_cache)
    held = [
        name for ruleset in json.loads(entry.read_bytes().partition(b"\n")[2])["rulesets"] for name in ruleset["rules"]
    ]
    assert held == [rule.id for rule in load_rulebase().rules]
    with monkeypatch.context() as patched:
        compile_nothing(patched)
        warm = engine.Engine()
    assert every_report(warm) == expected


def test_the_entry_holds_every_rule_in_order_with_the_definition_compiled_from_it() -> None:
    rulebase = load_rulebase()
    fresh = compiled_rulesets(rulebase)
    warm = compiled_rulesets(load_rulebase())
    assert [[rule.id for rule in rules] for rules, _ in warm] == [[rule.id for rule in rules] for rules, _ in fresh]
    assert [rule.id for rules, _ in warm for rule in rules] == [rule.id for rule in rulebase.rules]
    assert [text for _, text in warm] == [text for _, text in fresh]


@pytest.mark.parametrize(
    "damage",
    ["not the entry's shape", "a rule left out", "two rules swapped", "an unknown rule", "no definition text",
     "no rulesets", "garbage"],
)  # fmt: skip
def test_an_entry_that_does_not_hold_the_rules_is_compiled_afresh(
    damage: str, private_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = engine.Engine().assess(EXAMPLE).to_json()
    [entry] = entries(private_cache)
    good = json.loads(entry.read_bytes().partition(b"\n")[2])
    first = good["rulesets"][0]
    if damage == "not the entry's shape":
        rewrite(entry, [1, 2, 3])
    elif damage == "a rule left out":
        rewrite(entry, {"rulesets": [{**first, "rules": first["rules"][1:]}]})
    elif damage == "two rules swapped":
        rewrite(entry, {"rulesets": [{**first, "rules": [first["rules"][1], first["rules"][0], *first["rules"][2:]]}]})
    elif damage == "an unknown rule":
        rewrite(entry, {"rulesets": [{**first, "rules": [*first["rules"], "no.such.rule"]}]})
    elif damage == "no definition text":
        rewrite(entry, {"rulesets": [{**first, "definition": {"a": 1}}]})
    elif damage == "no rulesets":
        rewrite(entry, {"rulesets": []})
    elif damage == "garbage":
        entry.write_bytes(b"\x00" * 100)
    compiled = []
    original = rulesets.compile_rulebase
    monkeypatch.setattr(rulesets, "compile_rulebase", lambda rules: compiled.append(rules) or original(rules))
    assert engine.Engine().assess(EXAMPLE).to_json() == expected
    assert compiled  # compiled afresh, never an error


def test_a_rule_base_not_loaded_from_its_files_never_uses_an_entry(monkeypatch: pytest.MonkeyPatch) -> None:
    loaded = load_rulebase()
    compiled_rulesets(loaded)  # the entry for the bundled rule base exists now
    assert loaded.cache_key is not None
    changed = dataclasses.replace(loaded, rules=tuple(r for r in loaded.rules if not r.id.startswith("finding.")))
    assert changed.cache_key is None  # same files' SHA-256, other rules: the entry is not for it
    compiled = []
    original = rulesets.compile_rulebase
    monkeypatch.setattr(rulesets, "compile_rulebase", lambda rules: compiled.append(rules) or original(rules))
    held = [rule.id for rules, _ in compiled_rulesets(changed) for rule in rules]
    assert compiled and held == [rule.id for rule in changed.rules]
    derivation = Reasoner(changed).run([])
    assert not any(firing.rule_id.startswith("finding.") for firing in derivation.firings)


def test_with_the_cache_off_a_rule_base_has_no_key_and_nothing_is_written(
    private_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(cache.NO_CACHE, "1")
    assert load_rulebase().cache_key is None
    engine.Engine()
    assert not private_cache.exists()
