"""Loading the rule base from rules/: parsed, validated and hashed before any case is assessed."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from engine._files import read_regular_file
from engine.errors import RuleBaseError
from engine.knowledge import cache
from engine.knowledge.base import RuleBase  # the loaded rule base; also imported from here
from engine.knowledge.bibliography import BIBLIOGRAPHY, Bibliography, bibliography_file, parse_bibliography
from engine.knowledge.rule import Rule, RuleFile
from engine.knowledge.vocabulary import Vocabulary, parse_vocabulary
from engine.safe_yaml import DuplicateKeyError, check_duplicates, parse_yaml

#: Values one rule file may expand to (aliases count as what they repeat); 2,000 rules take about 50,000.
MAX_RULE_FILE_VALUES = 1_000_000
MANIFEST = "rulebase.yaml"
VOCABULARY = "vocabulary.yaml"


def bundled_rules_dir() -> Path:
    """rules/ beside the package in a checkout, or the copy bundled into an installed wheel."""
    package = Path(__file__).resolve().parents[1]
    bundled = package / "_bundled_rules"
    return bundled if bundled.is_dir() else package.parent / "rules"


def _read_yaml(path: Path, problems: list[str]) -> object:
    try:
        data = parse_yaml(read_regular_file(path).decode("utf-8"), MAX_RULE_FILE_VALUES, aliases=True)
        check_duplicates(data)
        return data
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        problems.append(f"{path.name}: cannot be read: {error}")
    except DuplicateKeyError as error:
        problems.append(f"{path.name}: {_rule_at(data, error.path)}{error} (at {error.path})")
    return None


def _rule_at(data: object, dotted: str) -> str:
    """'<rule id>: ' for a path inside rules[N], so a duplicate key names its rule."""
    parts = dotted.split(".")
    if isinstance(data, dict) and len(parts) > 2 and parts[0] == "rules" and parts[1].isdigit():
        rule = data["rules"][int(parts[1])]
        if isinstance(rule, dict) and isinstance(rule.get("id"), str):
            return f"{rule['id']}: "
    return ""


def _error_text(error: ValidationError) -> str:
    return "; ".join(f"{'.'.join(map(str, e['loc'])) or 'rule'}: {e['msg']}" for e in error.errors())


def hash_rule_files(files: list[Path]) -> str:
    """SHA-256 over every file's name and bytes, in name order, so any edit changes the identity (regular files
    only: a FIFO or device named *.yaml is refused, never waited on)."""
    digest = hashlib.sha256()
    for path in sorted(files, key=lambda p: p.name):
        digest.update(path.name.encode() + b"\0" + read_regular_file(path) + b"\0")
    return digest.hexdigest()


class _Files:
    """The parsed files of one load, by name: read from the rule-base folder (and kept for the cache), or taken
    from a cache entry of the same bytes (engine.knowledge.cache)."""

    def __init__(self, folder: Path, cached: dict[str, Any] | None = None) -> None:
        self.folder, self.cached = folder, cached
        self.parsed: dict[str, Any] = {}

    def read(self, name: str, problems: list[str]) -> object:
        if self.cached is not None:
            return self.cached[name]
        data = self.parsed[name] = _read_yaml(self.folder / name, problems)
        return data

    def vocabulary(self) -> Vocabulary:
        if self.cached is not None:
            return Vocabulary.from_data(self.cached[VOCABULARY], VOCABULARY)
        data = self.parsed[VOCABULARY] = parse_vocabulary(self.folder / VOCABULARY)
        return Vocabulary.from_data(data, VOCABULARY)


def _load_bibliography(files: _Files, manifest: dict, problems: list[str]) -> tuple[Bibliography | None, Path]:
    """The bibliography beside the rules: required and enforced when the manifest names it, read for the
    reports' reference lists when only the default file is there, absent otherwise."""
    name, enforced, problem = bibliography_file(manifest)
    path = files.folder / name
    if problem:
        problems.append(problem)
        return None, path
    if not path.is_file():
        if enforced:
            problems.append(f"{MANIFEST}: bibliography: {name} does not exist in {files.folder}")
        return None, path
    data = files.read(name, problems)
    return (parse_bibliography(data, name, enforced, problems) if data is not None else None), path


def load_rulebase(directory: Path | str | None = None) -> RuleBase:
    """Load and validate; any structural problem is a RuleBaseError naming file and rule id.

    When an earlier load of the same bytes by the same engine passed, the files are not parsed again: the
    parsed data cached then (engine.knowledge.cache; off with KINETIC_CHAIN_NO_CACHE=1) goes through the same
    validation, and the load checks it already passed are not run again. The rule base is the same either way.
    """
    folder = Path(directory) if directory is not None else bundled_rules_dir()
    if not (folder / MANIFEST).is_file() or not (folder / VOCABULARY).is_file():
        raise RuleBaseError([f"{folder}: not a rule base (needs {MANIFEST} and {VOCABULARY})"])
    key, sha256 = _cache_key(folder)
    if key is not None and (cached := _from_cache(folder, key, sha256)) is not None:
        return _keyed(cached, key)
    files = _Files(folder)
    rulebase, problems = _build(files)
    from engine.knowledge.checks import load_errors  # deferred: the checks bring in networkx, --help need not

    problems += load_errors(rulebase)
    if problems:
        raise RuleBaseError(problems)
    if key is not None and rulebase.sha256 == sha256:  # no file changed while it was read
        cache.write(key, files.parsed)
        return _keyed(rulebase, key)
    return rulebase


def _keyed(rulebase: RuleBase, key: str) -> RuleBase:
    """The rule base holding its cache key (RuleBase.cache_key), outside its fields so that no copy made with
    dataclasses.replace carries it."""
    rulebase.__dict__["_cache_key"] = key
    return rulebase


def _cache_key(folder: Path) -> tuple[str | None, str]:
    """(cache key, SHA-256 of the rule files), or (None, "") when the cache is off or a file cannot be read
    (the load then says why)."""
    if cache.cache_folder() is None:
        return None, ""
    try:
        sha256 = hash_rule_files([path for path in sorted(folder.glob("*.yaml")) if path.is_file()])
    except OSError:
        return None, ""
    return cache.entry_key(sha256), sha256


def _from_cache(folder: Path, key: str, sha256: str) -> RuleBase | None:
    """The rule base from the cache entry for `key`, or None when there is none or it does not hold up."""
    entry = cache.read(key)
    if entry is None:
        return None
    try:  # the key holds the files' SHA-256, so it is the rule base's identity without reading them again
        rulebase, problems = _build(_Files(folder, entry), sha256)
    except Exception:  # a damaged entry is rebuilt from the files, never reported
        return None
    return rulebase if not problems else None


def _build(files: _Files, sha256: str | None = None) -> tuple[RuleBase, list[str]]:
    """The rule base from its parsed files, with the problems found validating them (not yet the checks);
    `sha256`: the rule files' identity when it is already known (a cache entry's key holds it)."""
    folder = files.folder
    problems: list[str] = []
    manifest = files.read(MANIFEST, problems)
    if not isinstance(manifest, dict) or not isinstance(manifest.get("version"), str):
        raise RuleBaseError(problems or [f"{MANIFEST}: needs a text 'version' (quote it)"])
    vocabulary = files.vocabulary()
    bibliography, bibliography_path = _load_bibliography(files, manifest, problems)
    data_files = (MANIFEST, VOCABULARY, BIBLIOGRAPHY, bibliography_path.name)
    rule_files = sorted(p for p in folder.glob("*.yaml") if p.name not in data_files)
    rules: list[Rule] = []
    layer_of: dict[str, str] = {}
    file_of: dict[str, str] = {}
    for path in rule_files:
        data = files.read(path.name, problems)
        if data is None:
            continue
        try:
            rule_file = RuleFile.model_validate(data)
        except ValidationError as error:
            problems.append(f"{path.name}: {_error_text(error)}")
            continue
        for index, raw in enumerate(rule_file.rules):
            label = raw.get("id", f"rule #{index + 1}") if isinstance(raw, dict) else f"rule #{index + 1}"
            try:
                rule = Rule.model_validate(raw)
            except ValidationError as error:
                problems.append(f"{path.name}: {label}: {_error_text(error)}")
                continue
            if rule.id in file_of:
                problems.append(f"{path.name}: {rule.id}: duplicate rule id (also in {file_of[rule.id]})")
                continue
            rules.append(rule)
            layer_of[rule.id] = rule_file.layer
            file_of[rule.id] = path.name
    present = [name for name in dict.fromkeys(data_files) if (folder / name).is_file()]
    rulebase = RuleBase(
        directory=folder,
        name=str(manifest.get("name", "")),
        version=manifest["version"],
        sha256=sha256 or hash_rule_files([folder / name for name in present] + rule_files),
        vocabulary=vocabulary,
        rules=tuple(rules),
        layer_of=layer_of,
        file_of=file_of,
        bibliography=bibliography,
    )
    return rulebase, problems
