"""libyaml and pure-Python PyYAML (issue 10 point 3): the same verdicts, the same messages (line and column
included) on the whole bad-input corpus, and the same data for every example and rule file.

engine.safe_yaml uses libyaml when it is installed; these tests run every input through each loader in turn, so
a message a clinician or an integrator sees does not depend on which parser the machine has."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from test_hostile_yaml import alias_bomb

import engine
from engine.case.loader import parse_case_text
from engine.errors import CaseError, RuleBaseError
from engine.safe_yaml import LOADERS, StrictSafeLoader, parse_yaml

pytestmark = pytest.mark.skipif(len(LOADERS) < 2, reason="libyaml is not installed: only one loader to compare")

REPO = Path(__file__).resolve().parent.parent
BAD_CASES = sorted(p for p in (REPO / "tests" / "bad_cases").glob("*.yaml") if p.name != "expected.yaml")
EXAMPLES = sorted((REPO / "examples").rglob("*.yaml"))
RULE_FILES = sorted((REPO / "rules").glob("*.yaml"))

#: The hostile shapes of test_hostile_yaml (alias bomb, anchors, merge key, a megabyte wide, deep, long) and the
#: syntax errors the two parsers word differently, each as a case file's text.
HOSTILE = {
    "alias-bomb": alias_bomb(),
    "anchor": "case_id: &x RUN-1\n",
    "anchored-mapping": "case_id: RUN-1\npatient: &p {age: 30}\n",
    "merge-key": "base: &b {age: 1}\npatient:\n  <<: *b\n",
    "wide": "case_id: W\nx: [" + ",".join(["1"] * 60_000) + "]\n",
    "deep-flow": "case_id: D\nx: " + "[" * 50_000 + "]" * 50_000 + "\n",
    "deep-250": "case_id: D\nx: " + "[" * 250 + "]" * 250 + "\n",
    "deep-block": "case_id: D\n" + "".join(f"{' ' * i}k{i}:\n" for i in range(300)) + " " * 300 + "x: 1\n",
    "keys": "case_id: K\n" + "".join(f"k{i}: {i}\n" for i in range(40_000)),
    "long-scalar": "case_id: S\nnote: '" + "x" * 1_000_000 + "'\n",
    "long-comment": "#" + "x" * 1_000_000 + "\ncase_id: C\n",
    "python-tag": "case_id: !!python/object/apply:os.system ['true']\n",
    "custom-tag": "case_id: R\npatient: !runner {age: 30}\n",
    "date": "case_id: R\nvisit_date: 2026-11-20\n",
    "duplicate": "case_id: R\nmeasurements:\n  lunge_angle_deg: {left: 40, left: 30}\n",
    "flow-mapping-colon": "case_id: R\npatient: {age: 30\nsex: male\n",
    "flow-sequence-end": "case_id: R\nred_flags: [a, b\n",
    "mapping-value-here": "case_id: R\nscreening: wells_score: 1.5\n",
    "block-end": "case_id: R\n: x\n",
    "block-sequence": "case_id: R\nsymptoms:\n  - a\n  b: 1\n",
    "sequence-entry": "case_id: R\npatient: - 1\n",
    "no-token": "case_id: R\npatient: %{age: 26}\n",
    "tab": "case_id: R\npatient:\n\tage: 30\n",
    "node-content": "case_id: R\npatient: {age: 30, sex: male,: 1}\n",
    "quoted-eof": "case_id: 'R\n",
    "simple-key": "case_id: R\nscreenin\ng: 1\n",
    "anchor-name": "case_id: & R\n",
    "document-start": "case_id: R\n--- x\n]\n",
    "control-character": "case_id: R\x01\n",
    "byte-order-mark-inside": "case_id: R\ufeffx\n",
}


def each_loader(monkeypatch: pytest.MonkeyPatch, attempt) -> list[str]:
    """What `attempt()` gives with each loader: its data (repr, so 1 and 1.0 differ) or its error message."""
    outcomes = []
    for loader in LOADERS:
        monkeypatch.setattr("engine.safe_yaml.LOADERS", [loader])
        try:
            outcomes.append("ACCEPTED " + repr(attempt()))
        except (CaseError, RuleBaseError) as error:
            outcomes.append(f"REFUSED {type(error).__name__}: {error}")
    return outcomes


@pytest.mark.parametrize("path", BAD_CASES, ids=lambda p: p.name)
def test_each_bad_case_file_gets_the_same_verdict_and_message(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    outcomes = each_loader(monkeypatch, lambda: engine.default_engine().load_case(path).model_dump())
    assert len(set(outcomes)) == 1, outcomes


@pytest.mark.parametrize("name", HOSTILE)
def test_each_hostile_text_gets_the_same_verdict_and_message(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    text = HOSTILE[name]
    outcomes = each_loader(monkeypatch, lambda: parse_case_text(text.encode("utf-8"), f"{name}.yaml"))
    assert len(set(outcomes)) == 1, [outcome[:300] for outcome in outcomes]


def test_syntax_errors_name_line_and_column_in_one_wording(monkeypatch: pytest.MonkeyPatch) -> None:
    outcomes = each_loader(monkeypatch, lambda: parse_case_text(HOSTILE["flow-mapping-colon"].encode(), "c.yaml"))
    assert outcomes[0] == "REFUSED CaseError: c.yaml: invalid YAML (line 3, column 4): expected ',' or '}'"
    outcomes = each_loader(monkeypatch, lambda: parse_case_text(HOSTILE["tab"].encode(), "c.yaml"))
    assert outcomes[0].endswith("(line 3, column 1): found character '\\t' that cannot start any token")
    outcomes = each_loader(monkeypatch, lambda: parse_case_text(HOSTILE["deep-250"].encode(), "c.yaml"))
    assert outcomes == ["REFUSED CaseError: c.yaml: too deeply nested for a case file"] * 2


@pytest.mark.parametrize("path", EXAMPLES + RULE_FILES, ids=lambda p: p.name)
def test_every_example_and_rule_file_parses_to_the_same_data(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    parsed = [repr(parse_yaml(text, aliases=True, loader=loader)) for loader in LOADERS]
    assert parsed[0] == parsed[1]
    assert "Strict" in LOADERS[0].__name__ and LOADERS[-1] is StrictSafeLoader


def test_a_broken_rule_file_is_reported_the_same_way(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(REPO / "rules", rules)
    risks = rules / "30-risks.yaml"
    risks.write_text(risks.read_text(encoding="utf-8") + "\nbroken: {a: 1\nb: 2\n", encoding="utf-8")
    outcomes = each_loader(monkeypatch, lambda: engine.Engine(rules))
    assert len(set(outcomes)) == 1, outcomes
    assert "30-risks.yaml: cannot be read: while parsing a flow mapping" in outcomes[0]
    assert "expected ',' or '}'" in outcomes[0] and "line" in outcomes[0] and "column" in outcomes[0]
