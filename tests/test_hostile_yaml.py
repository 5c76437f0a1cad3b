"""Hostile YAML (issue 8, point 1): alias bombs in case and rule files are refused at once, never expanded;
the duplicate-key check is linear; any case file is accepted or refused within a second."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest
import yaml
from _hostile import CASE_SECONDS, CASE_SETUP, RULEBASE_SECONDS, within

import engine
from engine.case.loader import parse_case_text
from engine.errors import CaseError, RuleBaseError
from engine.safe_yaml import Mapping, check_duplicates, load_yaml

RULES = Path(__file__).resolve().parent.parent / "rules"


def alias_bomb(levels: int = 9, fan: int = 9) -> str:
    """The classic 'billion laughs': each level is a list of `fan` aliases of the one before."""
    lines = ['a0: &a0 ["lol"]']
    for level in range(1, levels + 1):
        lines.append(f"a{level}: &a{level} [{', '.join([f'*a{level - 1}'] * fan)}]")
    return "case_id: BOMB\n" + "\n".join(lines) + "\n"


def test_alias_bomb_case_file_is_refused_within_a_second(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(alias_bomb(), encoding="utf-8")
    assert bomb.stat().st_size < 600
    out = within(CASE_SECONDS, CASE_SETUP, f"attempt({str(bomb)!r})")
    assert "REFUSED" in out
    assert "YAML anchors and aliases are not allowed in case files" in out
    assert "bomb.yaml" in out and "line 2" in out


@pytest.mark.parametrize(
    "text",
    ["case_id: &x RUN-1\n", "case_id: RUN-1\npatient: &p {age: 30}\n", "base: &b {age: 1}\npatient:\n  <<: *b\n"],
    ids=["anchor", "anchored-mapping", "merge-key"],
)
def test_any_anchor_or_alias_is_refused(text: str) -> None:
    with pytest.raises(CaseError, match="anchors and aliases are not allowed in case files"):
        parse_case_text(text.encode(), "c.yaml")


def test_alias_bomb_in_a_rule_file_is_refused_by_its_expanded_size(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(RULES, rules)
    bomb = alias_bomb().replace("case_id: BOMB\n", "")
    (rules / "30-risks.yaml").write_text(
        (RULES / "30-risks.yaml").read_text(encoding="utf-8") + "\nx-bomb:\n" + "".join(f"  {line}\n" for line in
                                                                                        bomb.splitlines()),
        encoding="utf-8",
    )  # fmt: skip
    out = within(
        RULEBASE_SECONDS,
        "import engine\nfrom engine.errors import RuleBaseError",
        f"try:\n    engine.Engine({str(rules)!r})\nexcept RuleBaseError as e:\n    print('REFUSED', e)",
    )
    assert "REFUSED" in out and "30-risks.yaml" in out and "more than 1000000 values" in out
    with pytest.raises(RuleBaseError):
        engine.Engine(rules)


def test_duplicate_key_check_is_linear_in_distinct_nodes() -> None:
    """Shared containers (the shape an alias produces) are walked once: 9**9 paths, a few hundred nodes."""
    leaf = Mapping(a=1)
    level = [leaf]
    for _ in range(9):
        level = [level] * 9
    started = time.monotonic()
    check_duplicates({"top": level})  # each shared list is visited once
    assert time.monotonic() - started < 1.0  # a bound, not a benchmark: the old walk took hours here
    with pytest.raises(ValueError, match="duplicate key 'b'") as error:
        load_yaml("a:\n  - x: 1\n  - y: {b: 1, b: 2}\n")
    assert error.value.path == "a.1.y.b"


def test_a_megabyte_of_yaml_of_any_shape_is_decided_within_a_second(tmp_path: Path) -> None:
    """Wide, deep and long files just under the 1 MiB limit: each is accepted or refused in time."""
    shapes = {
        "wide.yaml": "case_id: W\nx: [" + ",".join(["1"] * 60_000) + "]\n",
        "deep.yaml": "case_id: D\nx: " + "[" * 50_000 + "]" * 50_000 + "\n",
        "keys.yaml": "case_id: K\n" + "".join(f"k{i}: {i}\n" for i in range(40_000)),
        "scalar.yaml": "case_id: S\nnote: '" + "x" * 1_000_000 + "'\n",
        "comment.yaml": "#" + "x" * 1_000_000 + "\ncase_id: C\n",
        "wide.json": "[" + ",".join(["1"] * 500_000) + "]",
    }
    for name, text in shapes.items():
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        assert path.stat().st_size <= 1024 * 1024, name
    out = within(CASE_SECONDS, CASE_SETUP, *(f"attempt({str(tmp_path / name)!r})" for name in shapes))
    assert out.count("REFUSED") == len(shapes) - 1 and out.count("ACCEPTED") == 1  # the long comment is fine


def test_yaml_still_refuses_tags_and_keeps_dates_as_text() -> None:
    with pytest.raises(yaml.YAMLError):
        load_yaml("x: !!python/object/apply:os.system ['true']\n")
    assert load_yaml("d: 2026-11-20\n") == {"d": "2026-11-20"}
