"""The rule-base cache (engine.knowledge.cache) makes a later run start faster; it must never change what a
clinician reads. Every example's report is byte for byte the same with no cache, a cold one, a warm one and a
damaged one; a changed rule file is never served from an old entry; a damaged or foreign entry is rebuilt,
never reported; a broken rule base is never cached."""

from __future__ import annotations

import hashlib
import os
import shutil
import sys
from pathlib import Path

import pytest
from _support import EXAMPLES, RULES, every_report, forbid
from _support import cache_entries as entries

import engine
from engine.knowledge import cache, rulebase
from engine.knowledge.rulebase import load_rulebase
from engine.reports import render

EXAMPLE = EXAMPLES / "runner-left-restriction.yaml"


@pytest.fixture(autouse=True)
def private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test gets its own empty cache location."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv(cache.NO_CACHE, raising=False)
    return tmp_path / "xdg" / "kinetic-chain" / "rulebase"


@pytest.fixture
def rules_copy(tmp_path: Path) -> Path:
    return Path(shutil.copytree(RULES, tmp_path / "rules"))


def parse_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make any YAML parse of a rule file or any load check fail the test: only the cache can serve."""
    targets = ((rulebase, "_read_yaml"), (rulebase, "parse_vocabulary"), "engine.knowledge.checks.load_errors")
    forbid(monkeypatch, "the rule base was parsed or checked again", *targets)


def test_every_example_reads_the_same_with_no_cold_warm_or_damaged_cache(
    private_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(cache.NO_CACHE, "1")
    expected = every_report(engine.Engine())
    assert entries(private_cache) == []  # KINETIC_CHAIN_NO_CACHE=1 writes nothing
    monkeypatch.delenv(cache.NO_CACHE)
    assert every_report(engine.Engine()) == expected  # cold: loaded from the files, entry written
    [entry] = entries(private_cache)
    with monkeypatch.context() as patched:
        parse_nothing(patched)
        warm = engine.Engine()
    assert every_report(warm) == expected
    entry.write_bytes(entry.read_bytes().replace(b'"below":7.1', b'"below":9.9', 1))  # edited, digest now wrong
    assert every_report(engine.Engine()) == expected
    assert b'"below":7.1' in entry.read_bytes()  # rebuilt from the files


def test_a_warm_load_is_the_same_rule_base(rules_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fresh = load_rulebase(rules_copy)
    parse_nothing(monkeypatch)
    warm = load_rulebase(rules_copy)
    assert warm.identity() == fresh.identity() and warm.directory == fresh.directory
    assert warm.rules == fresh.rules and warm.vocabulary == fresh.vocabulary
    assert warm.layer_of == fresh.layer_of and warm.file_of == fresh.file_of
    assert warm.bibliography == fresh.bibliography


def test_a_changed_threshold_under_rules_dir_is_never_served_from_the_old_entry(rules_copy: Path) -> None:
    before = render(engine.Engine(rules_copy).assess(EXAMPLE), "text")
    assert "lunge_distance_cm 6.5 < 7.1" in before
    findings = rules_copy / "10-findings.yaml"
    findings.write_text(findings.read_text(encoding="utf-8").replace("below: 7.1", "below: 7.6", 1), encoding="utf-8")
    after = render(engine.Engine(rules_copy).assess(EXAMPLE), "text")
    assert "lunge_distance_cm 6.5 < 7.6" in after and "< 7.1" not in after


def test_an_added_rule_file_is_not_served_from_the_old_entry(rules_copy: Path, private_cache: Path) -> None:
    load_rulebase(rules_copy)
    shutil.copy(rules_copy / "30-risks.yaml", rules_copy / "31-more.yaml")
    with pytest.raises(engine.RuleBaseError, match=r"31-more.yaml: \S+: duplicate rule id"):
        load_rulebase(rules_copy)  # the folder as it is now, not the cached rule base of the folder as it was
    assert len(entries(private_cache)) == 1


def write_entry(entry: Path, payload: bytes) -> None:
    """Replace an entry's payload and give it a matching first line (a consistent but different entry)."""
    key = entry.stem
    entry.write_bytes(f"{cache.FORMAT} {key} {hashlib.sha256(payload).hexdigest()}\n".encode() + payload)


@pytest.mark.parametrize(
    "damage",
    [
        "truncated",
        "garbage",
        "empty",
        "another key",
        "not json",
        "json of the wrong shape",
        "invalid rule data",
        "a file missing",
        "writable by others",
        "a symlink",
    ],
)
def test_a_damaged_or_foreign_entry_is_ignored_and_rebuilt(
    damage: str, rules_copy: Path, private_cache: Path, tmp_path: Path
) -> None:
    fresh = load_rulebase(rules_copy)
    [entry] = entries(private_cache)
    good = entry.read_bytes()
    header, _, payload = good.partition(b"\n")
    if damage == "truncated":
        entry.write_bytes(good[: len(good) // 2])
    elif damage == "garbage":
        entry.write_bytes(os.urandom(4096))
    elif damage == "empty":
        entry.write_bytes(b"")
    elif damage == "another key":
        entry.write_bytes(header.replace(entry.stem.encode(), b"0" * 64) + b"\n" + payload)
    elif damage == "not json":
        write_entry(entry, b"{not json")
    elif damage == "json of the wrong shape":
        write_entry(entry, b"[1, 2, 3]")
    elif damage == "invalid rule data":
        write_entry(entry, payload.replace(b'"rationale":', b'"rationale_":'))
    elif damage == "a file missing":
        write_entry(entry, payload.replace(b'"10-findings.yaml":', b'"10-findings-gone.yaml":'))
    elif damage == "writable by others":
        write_entry(entry, payload.replace(b'"below":7.1', b'"below":9.9', 1))
        entry.chmod(0o666)
    elif damage == "a symlink":
        elsewhere = tmp_path / "elsewhere.json"
        write_entry(elsewhere, payload.replace(b'"below":7.1', b'"below":9.9', 1))
        entry.unlink()
        entry.symlink_to(elsewhere)
    loaded = load_rulebase(rules_copy)  # never an error for the user
    assert loaded.rules == fresh.rules and loaded.vocabulary == fresh.vocabulary
    assert loaded.identity() == fresh.identity()


def test_a_broken_rule_base_is_never_cached_and_is_refused_every_time(rules_copy: Path, private_cache: Path) -> None:
    findings = rules_copy / "10-findings.yaml"
    findings.write_text(findings.read_text(encoding="utf-8").replace("grade: C", "grade: Z", 1), encoding="utf-8")
    for _ in range(2):
        with pytest.raises(engine.RuleBaseError, match=r"10-findings\.yaml"):
            load_rulebase(rules_copy)
    assert entries(private_cache) == []


def test_an_unwritable_cache_location_just_means_no_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))  # nothing can be created under a file, even by root
    first, second = engine.Engine(), engine.Engine()
    assert render(first.assess(EXAMPLE)) == render(second.assess(EXAMPLE))


def test_the_cache_follows_the_platform_convention(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache.cache_folder() == tmp_path / "kinetic-chain" / "rulebase"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/path")  # ignored, as the XDG convention says
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    expected = {"darwin": tmp_path / "home" / "Library" / "Caches"}.get(sys.platform, tmp_path / "home" / ".cache")
    if sys.platform != "win32":
        assert cache.cache_folder() == expected / "kinetic-chain" / "rulebase"
    monkeypatch.setenv(cache.NO_CACHE, "1")
    assert cache.cache_folder() is None


def test_only_data_json_gives_back_exactly_is_cached() -> None:
    assert cache.same({"a": [1, 2.5, "x", None, True]}, {"a": [1, 2.5, "x", None, True]})
    assert not cache.same({"a": 1}, {"a": 1.0}) and not cache.same({"a": 1}, {"a": True})
    assert not cache.same({"a": -0.0}, {"a": 0.0})
    assert not cache.same({"a": 1, "b": 2}, {"b": 2, "a": 1})  # key order is kept (it orders reports)
    assert not cache.same({1: "x"}, {"1": "x"})


def test_rules_validate_runs_the_checks_even_on_a_warm_cache(
    rules_copy: Path, private_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from click.testing import CliRunner

    from engine.commands import main

    assert CliRunner().invoke(main, ["--rules", str(rules_copy), "rules", "validate"]).exit_code == 0
    assert len(entries(private_cache)) == 1  # warm now: a load would skip the checks
    planted = ["10-findings.yaml: finding.limited_dorsiflexion.lunge_distance: a problem the checks found"]
    monkeypatch.setattr("engine.knowledge.checks.load_errors", lambda _rulebase: planted)
    result = CliRunner().invoke(main, ["--rules", str(rules_copy), "rules", "validate"])
    assert result.exit_code == 1 and planted[0] in result.output
