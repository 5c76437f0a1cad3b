"""Hostile input at the command line and the API (issue 8, points 10, 12, 13 and 14): results matched to
inputs, one-line errors instead of tracebacks, no markup or terminal escapes passed through, and numbers,
BOMs and null documents handled one way."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml
from _hostile import CASE_SECONDS, CASE_SETUP, cli, within

import engine
from engine.errors import CaseError

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "examples" / "runner-left-restriction.yaml"
OTHER = REPO / "examples" / "red-flag-possible-dvt.yaml"
BAD = REPO / "tests" / "bad_cases" / "units-in-string.yaml"


def one_line_refusal(result, *needles: str) -> None:
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == 1, (result.returncode, result.stderr)
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    for needle in needles:
        assert needle in result.stderr, (needle, result.stderr)


# --- point 10 ----------------------------------------------------------------------------------------------


def test_assess_json_array_names_every_file_and_keeps_invalid_ones() -> None:
    result = cli("assess", str(EXAMPLE), str(BAD), str(OTHER), "--format", "json")
    assert result.returncode == 1
    elements = json.loads(result.stdout)
    assert [e["file"] for e in elements] == [str(EXAMPLE), str(BAD), str(OTHER)]
    assert [e.get("case_id") for e in elements] == ["RUN-0101", None, "RUN-0804"]
    bad = elements[1]
    assert bad["status"] == "invalid"
    assert bad["errors"] == [
        {"field": "measurements.lunge_distance_cm.left", "message": "expected a number between 0 and 25, got '6.5cm'"}
    ]
    assert bad["error"].startswith(str(BAD))


# --- point 12 ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".yaml", ".json"])
def test_integers_beyond_pythons_digit_limit_are_a_one_line_error(tmp_path: Path, suffix: str) -> None:
    case = tmp_path / f"huge{suffix}"
    digits = "9" * 5000
    text = (
        f'{{"case_id": "H", "patient": {{"age": {digits}}}}}'
        if suffix == ".json"
        else f"case_id: H\npatient: {{age: {digits}}}\n"
    )
    case.write_text(text, encoding="utf-8")
    assert "REFUSED" in within(CASE_SECONDS, CASE_SETUP, f"attempt({str(case)!r})")
    one_line_refusal(cli("assess", str(case)), f"{case}: a number has more digits than the 4300")


def test_api_refuses_none_and_absurd_nesting_with_a_case_error() -> None:
    with pytest.raises(CaseError, match="expected a case file path, a mapping or a Case, got NoneType"):
        engine.assess(None)
    attack = """
deep = []
for _ in range(100_000):
    deep = [deep]
try:
    eng.assess({"case_id": "DEEP", "measurements": deep})
except CaseError as error:
    print("REFUSED", error)
"""
    out = within(
        CASE_SECONDS, "import engine\nfrom engine.errors import CaseError\neng = engine.default_engine()", attack
    )
    assert "REFUSED DEEP: too deeply nested for a case file" in out


# --- point 13 ----------------------------------------------------------------------------------------------


def test_markdown_report_escapes_html_from_rules_and_vocabulary(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(REPO / "rules", rules)
    manifest = rules / "rulebase.yaml"  # a hostile source is no bibliography key: test the escaping, not the check
    manifest.write_text(
        "".join(line for line in manifest.read_text(encoding="utf-8").splitlines(True) if "bibliography:" not in line),
        encoding="utf-8",
    )
    findings = rules / "10-findings.yaml"
    findings.write_text(
        findings.read_text(encoding="utf-8").replace(
            "source: Hoch & McKeon 2011; Powden 2015\n", "source: Hoch <script>alert(1)</script> 2011\n", 1
        ),
        encoding="utf-8",
    )
    vocabulary = rules / "vocabulary.yaml"
    data = yaml.safe_load(vocabulary.read_text(encoding="utf-8"))
    data["findings"]["limited_dorsiflexion"] = '<iframe src="https://evil.example"></iframe> limited'
    vocabulary.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    result = cli("--rules", str(rules), "assess", str(EXAMPLE), "--format", "markdown")
    assert result.returncode == 0, result.stderr
    assert "<script" not in result.stdout and "<iframe" not in result.stdout
    assert "&lt;script&gt;" in result.stdout and "&lt;iframe" in result.stdout


def test_control_characters_from_a_case_file_are_escaped_on_stderr(tmp_path: Path) -> None:
    case = tmp_path / "evil.yaml"
    case.write_text('case_id: E\n"\\e[2J\\e[31mowned\\r": 1\npatient: {sex: "\\e]0;title\\a"}\n', encoding="utf-8")
    result = cli("assess", str(case))
    assert result.returncode == 1
    assert "\x1b" not in result.stderr and "\r" not in result.stderr and "\a" not in result.stderr
    assert "\\x1b[31mowned\\r" in result.stderr
    batch = cli("batch", str(case), "-q")
    assert "\x1b" not in batch.stderr and "\\x1b" in batch.stderr


# --- point 14 ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "shown"),
    [("-0.0", " 0\n"), ("1.0e-320", " 1e-320\n"), ("6.5", " 6.5\n")],
)
def test_numbers_print_as_written_never_minus_zero(tmp_path: Path, written: str, shown: str) -> None:
    case = tmp_path / "n.yaml"
    case.write_text(f"case_id: N\nmeasurements:\n  lunge_distance_cm: {{left: {written}}}\n", encoding="utf-8")
    result = cli("assess", str(case))
    assert result.returncode == 0, result.stderr
    assert f"lunge_distance_cm{shown.rstrip()} " in result.stdout  # the value, then the threshold it crossed
    assert "-0" not in result.stdout.replace("RUN-0", "") and "9.99989e-321" not in result.stdout
    if written == "-0.0":
        assert '"value": -0.0' not in cli("assess", str(case), "--format", "json").stdout


@pytest.mark.parametrize("suffix", [".yaml", ".json"])
def test_a_utf8_bom_is_accepted_in_yaml_and_json_alike(tmp_path: Path, suffix: str) -> None:
    case = tmp_path / f"bom{suffix}"
    body = '{"case_id": "BOM-1"}' if suffix == ".json" else "case_id: BOM-1\n"
    case.write_bytes(b"\xef\xbb\xbf" + body.encode())
    assert engine.assess(case).case_id == "BOM-1"


@pytest.mark.parametrize(
    ("name", "text", "words"),
    [
        ("null.json", "null", "the document is JSON null, not a case"),
        ("null.yaml", "~\n", "the document is YAML null, not a case"),
        ("comments.yaml", "# nothing here\n", "file is empty (only comments)"),
    ],
)
def test_null_documents_say_what_they_are(tmp_path: Path, name: str, text: str, words: str) -> None:
    case = tmp_path / name
    case.write_text(text, encoding="utf-8")
    one_line_refusal(cli("assess", str(case)), f"{case}: {words}")
