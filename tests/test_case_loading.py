"""The input contract at the door: malformed cases are refused with a message naming file, field and what
was expected; oversize and hostile input is refused safely; every accepted form of a case gives one answer."""

from __future__ import annotations

import io
import json
import sys
import time
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from _support import BAD_CASES, EXAMPLES, example_paths

import engine
from engine.case import loader as case_loader

MANIFEST = yaml.safe_load((BAD_CASES / "expected.yaml").read_text(encoding="utf-8"))
BAD_FILES = sorted(p for p in BAD_CASES.iterdir() if p.is_file() and p.name != "expected.yaml")
MIB = 1024 * 1024


@pytest.fixture(scope="module")
def eng() -> engine.Engine:
    return engine.default_engine()


class _Stdin:
    """Stands in for sys.stdin: the engine reads bytes from .buffer."""

    def __init__(self, data: bytes) -> None:
        self.buffer = io.BytesIO(data)


def first_line(error: BaseException) -> str:
    return str(error).splitlines()[0]


# --- the malformed-case corpus -------------------------------------------------------------------------


def test_every_bad_case_has_a_manifest_entry_and_vice_versa() -> None:
    assert {p.name for p in BAD_FILES} == set(MANIFEST)


@pytest.mark.parametrize("path", BAD_FILES, ids=lambda p: p.name)
def test_bad_case_is_refused_naming_file_field_and_problem(eng: engine.Engine, path: Path) -> None:
    expected = MANIFEST[path.name]
    with pytest.raises(engine.CaseError) as info:
        eng.load_case(str(path))
    line = first_line(info.value)
    assert line.startswith(f"{path}: "), line
    if expected["field"] is not None:
        assert line.startswith(f"{path}: {expected['field']}: "), f"field {expected['field']!r} not named: {line}"
        assert info.value.problems[0][0] == expected["field"]
    assert expected["contains"].lower() in line.lower(), f"{expected['contains']!r} not in: {line}"


@pytest.mark.parametrize("path", BAD_FILES, ids=lambda p: p.name)
def test_bad_case_is_refused_by_assess_too(eng: engine.Engine, path: Path) -> None:
    with pytest.raises(engine.CaseError):
        eng.assess(path)


def test_every_problem_is_reported_one_line_each(eng: engine.Engine, tmp_path: Path) -> None:
    case = tmp_path / "three-problems.yaml"
    case.write_text("case_id: RUN-1\npatient: {age: 7, weekly_km: '45'}\nred_flags: [foot_dorp]\n")
    with pytest.raises(engine.CaseError) as info:
        eng.load_case(case)
    lines = str(info.value).splitlines()
    assert len(lines) == 3 == len(info.value.problems)
    assert all(line.startswith(f"{case}: ") for line in lines)
    assert {field for field, _ in info.value.problems} == {"patient.age", "patient.weekly_km", "red_flags.0"}


def test_huge_integer_is_a_case_error_not_a_crash(eng: engine.Engine, tmp_path: Path) -> None:
    """A 400-digit number (a paste accident) must be refused as out of range, not raise OverflowError."""
    case = tmp_path / "huge-number.yaml"
    case.write_text(f"case_id: RUN-1\npatient: {{age: 1{'0' * 400}}}\n")
    with pytest.raises(engine.CaseError) as info:
        eng.load_case(case)
    assert first_line(info.value).startswith(f"{case}: patient.age: ")


def test_format_true_is_not_format_1(eng: engine.Engine, tmp_path: Path) -> None:
    """YAML `true` is a bool; like bool-for-number it must not pass as the number 1."""
    case = tmp_path / "format-bool.yaml"
    case.write_text("format: true\ncase_id: RUN-1\n")
    with pytest.raises(engine.CaseError) as info:
        eng.load_case(case)
    assert first_line(info.value).startswith(f"{case}: format: ")


# --- size limit ----------------------------------------------------------------------------------------


def _write_padded(path: Path, size: int) -> None:
    """A valid case padded with YAML comment lines to exactly `size` bytes."""
    head = b"case_id: PADDED-1\n"
    line = b"# padding padding padding padding padding padding padding padding padding padding\n"
    with path.open("wb") as handle:
        handle.write(head)
        remaining = size - len(head)
        chunk = line * 4096
        while remaining >= len(chunk):
            handle.write(chunk)
            remaining -= len(chunk)
        while remaining >= len(line):
            handle.write(line)
            remaining -= len(line)
        handle.write(b"#" * (remaining - 1) + b"\n" if remaining else b"")
    assert path.stat().st_size == size


def _forbid_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_: Any, **__: Any) -> None:
        raise AssertionError("an oversize case reached the parser")

    monkeypatch.setattr(case_loader, "load_yaml", refuse)
    monkeypatch.setattr(case_loader, "parse_case_text", refuse)


def test_50_mb_file_is_refused_quickly_before_parsing(
    eng: engine.Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    big = tmp_path / "huge.yaml"
    _write_padded(big, 50 * MIB)
    _forbid_parsing(monkeypatch)
    started = time.perf_counter()
    with pytest.raises(engine.CaseError) as info:
        eng.assess(big)
    elapsed = time.perf_counter() - started
    line = first_line(info.value)
    assert line.startswith(f"{big}: ")
    assert "limit" in line.lower() and ("1024 kib" in line.lower() or "1 mib" in line.lower()), line
    assert elapsed < 0.5, f"refusing took {elapsed:.2f}s"


def test_oversize_stdin_is_refused_without_reading_it_all(monkeypatch: pytest.MonkeyPatch) -> None:
    stdin = _Stdin(b"case_id: BIG\n" + b"# pad\n" * (2 * MIB // 6))
    monkeypatch.setattr(sys, "stdin", stdin)
    _forbid_parsing(monkeypatch)
    with pytest.raises(engine.CaseError) as info:
        engine.assess("-")
    assert "limit" in first_line(info.value).lower()
    assert stdin.buffer.tell() <= MIB + 1, "the whole stream was read before refusing"


def test_limit_is_exactly_1_mib(eng: engine.Engine, tmp_path: Path) -> None:
    at_limit, over = tmp_path / "at-limit.yaml", tmp_path / "over-limit.yaml"
    _write_padded(at_limit, MIB)
    _write_padded(over, MIB + 1)
    assert eng.assess(at_limit).case_id == "PADDED-1"
    with pytest.raises(engine.CaseError, match="limit"):
        eng.assess(over)


# --- YAML tags never execute ---------------------------------------------------------------------------

HOSTILE_TAGS = [
    '!!python/object/apply:os.system ["touch {marker}"]',
    "!!python/object/apply:subprocess.check_call [[touch, {marker}]]",
    "!!python/object/new:subprocess.Popen [[touch, {marker}]]",
    "!!python/object/apply:builtins.exec [\"open(r'{marker}', 'w').close()\"]",
]


@pytest.mark.parametrize("tag", HOSTILE_TAGS)
def test_python_tags_are_refused_and_never_run(
    eng: engine.Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, tag: str
) -> None:
    marker = tmp_path / "marker"
    text = f"case_id: RUN-1\npatient: {tag.format(marker=marker)}\n"
    # Sanity: the payload would really create the marker under an unsafe loader.
    assert "python/" in text and str(marker) in text
    case = tmp_path / "hostile.yaml"
    case.write_text(text)
    with pytest.raises(engine.CaseError) as info:
        eng.assess(case)
    assert "tag" in first_line(info.value).lower()
    monkeypatch.setattr(sys, "stdin", _Stdin(text.encode()))
    with pytest.raises(engine.CaseError):
        eng.assess("-")
    time.sleep(0.05)  # a spawned process would have had time to touch the file
    assert not marker.exists()


def test_the_payload_really_would_run_under_an_unsafe_loader(tmp_path: Path) -> None:
    """Guards the test above: if the payload were inert, refusing it would prove nothing."""
    marker = tmp_path / "marker"
    yaml.unsafe_load(HOSTILE_TAGS[3].format(marker=marker))
    assert marker.exists()


# --- accepted forms of a case --------------------------------------------------------------------------


@pytest.mark.parametrize("path", example_paths(), ids=lambda p: p.name)
def test_example_loads_and_assesses(eng: engine.Engine, path: Path) -> None:
    case = eng.load_case(path)
    result = eng.assess(str(path))
    assert result.case_id == case.case_id
    assert result.status in ("plan", "refer", "refer_urgently", "screen_first", "no_action")


def test_examples_cover_yaml_and_json() -> None:
    suffixes = {p.suffix for p in example_paths()}
    assert {".yaml", ".json"} <= suffixes


@pytest.mark.parametrize("path", example_paths(), ids=lambda p: p.name)
def test_json_and_yaml_of_one_case_give_one_assessment(eng: engine.Engine, path: Path, tmp_path: Path) -> None:
    data = json.loads(path.read_text()) if path.suffix == ".json" else yaml.safe_load(path.read_text())
    as_json = tmp_path / "case.json"
    as_json.write_text(json.dumps(data, default=str, indent=1))
    as_yaml = tmp_path / "case.yaml"
    as_yaml.write_text(yaml.safe_dump(json.loads(as_json.read_text()), sort_keys=True))

    def without_extensions(result: engine.Assessment) -> str:  # their key order is the file's own, echoed as given
        assert result.extensions == data.get("extensions")
        return result.model_copy(update={"extensions": None}).to_json()

    original = without_extensions(eng.assess(path))
    assert without_extensions(eng.assess(as_json)) == original
    assert without_extensions(eng.assess(as_yaml)) == original
    assert without_extensions(eng.assess(json.loads(as_json.read_text()))) == original  # and as a dict


@pytest.mark.parametrize("name", ["runner-left-restriction.yaml", "runner-right-achilles.json"])
def test_stdin_dash_reads_the_case(eng: engine.Engine, monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    path = EXAMPLES / name
    monkeypatch.setattr(sys, "stdin", _Stdin(path.read_bytes()))
    assert eng.assess("-").to_json() == eng.assess(path).to_json()


def test_stdin_errors_name_stdin_one_way(eng: engine.Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every error about standard input names it the same way (oversize, unparseable, invalid)."""
    inputs = {
        "invalid": b"case_id: RUN-1\npatient: {age: 7}\n",
        "unparseable": b"case_id: [RUN-1\n",
        "oversize": b"#" * (MIB + 10),
    }
    names = {}
    for what, data in inputs.items():
        monkeypatch.setattr(sys, "stdin", _Stdin(data))
        with pytest.raises(engine.CaseError) as info:
            eng.assess("-")
        names[what] = first_line(info.value).split(": ", 1)[0]
    assert names["invalid"] in ("<stdin>", "-")
    assert len(set(names.values())) == 1, f"standard input is named differently per error: {names}"


def test_missing_file_is_a_case_error(eng: engine.Engine, tmp_path: Path) -> None:
    missing = tmp_path / "nope.yaml"
    with pytest.raises(engine.CaseError) as info:
        eng.assess(missing)
    assert first_line(info.value).startswith(f"{missing}: ")


# --- the published JSON Schema says what the loader enforces -------------------------------------------

REFUSED_BY_THE_LOADER = [
    {"case_id": "RUN 0142"},
    {"case_id": ""},
    {"case_id": "R" * 65},
    {"case_id": "RUN-1", "patient": {"age": 134}},
    {"case_id": "RUN-1", "patient": {"weekly_km": 450}},
    {"case_id": "RUN-1", "measurements": {"lunge_distance_cm": {"left": 31}}},
    {"case_id": "RUN-1", "measurements": {"dorsiflexion_knee_straight_deg": {"left": -35}}},
    {"case_id": "RUN-1", "symptoms": [{"site": "shin", "side": "left", "severity": 11}]},
    {"case_id": "RUN-1", "symptoms": [{"site": "shin", "side": "left", "weeks": -3}]},
]


@pytest.mark.parametrize("case", REFUSED_BY_THE_LOADER, ids=lambda c: json.dumps(c)[:60])
def test_published_schema_rejects_what_the_loader_rejects(eng: engine.Engine, case: dict[str, Any]) -> None:
    """Clinic software validates against `kinetic-chain schema` before sending; the two must agree."""
    with pytest.raises(engine.CaseError):
        eng.load_case(case)
    validator = jsonschema.Draft202012Validator(eng.case_schema, format_checker=jsonschema.FormatChecker())
    assert list(validator.iter_errors(case)), f"the published schema accepts {case}"


def test_published_schema_accepts_every_example(eng: engine.Engine) -> None:
    validator = jsonschema.Draft202012Validator(eng.case_schema, format_checker=jsonschema.FormatChecker())
    for path in example_paths():
        text = path.read_text()
        data = json.loads(json.dumps(json.loads(text) if path.suffix == ".json" else yaml.safe_load(text), default=str))
        assert not list(validator.iter_errors(data)), path.name
