"""docs/case-format.md, the case-file contract a clinician or integrator reads, against the schema the engine
publishes (`kinetic-chain schema`) and the vocabulary: every field of the schema is documented with its bounds
and its words, every documented field exists, and every word list is the vocabulary's."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from _support import REPO, RULES
from click.testing import CliRunner

from engine.commands import main

DOC = REPO / "docs" / "case-format.md"
SIDED = {"left", "right"}
#: Word lists the document gives in full (### Words: `field`), and the vocabulary section each must equal.
WORD_SECTIONS = {
    "symptoms[].site": "symptom_sites",
    "signs": "signs",
    "red_flags": "red_flags",
    "conditions": "conditions",
    "whole-patient red flags": "whole_patient_flags",
}


def _resolve(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        node = schema["$defs"][node["$ref"].rsplit("/", 1)[-1]]
    return node


def _words(node: dict[str, Any]) -> list[str]:
    return [option["const"] for option in node.get("oneOf", []) if "const" in option]


def schema_fields(schema: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Field path -> {min, max, words, sided} for every field a case may hold. A per-side value
    ({left, right}) and a map from vocabulary words to sides (signs, red flags) are one field each."""
    fields: dict[str, dict[str, Any]] = {}

    def leaf(node: dict[str, Any]) -> dict[str, Any]:
        info: dict[str, Any] = {"min": node.get("minimum"), "max": node.get("maximum"), "words": _words(node)}
        if node.get("enum"):
            info["words"] = [str(value) for value in node["enum"]]
        return info

    def walk(node: dict[str, Any], path: str) -> None:
        node = _resolve(schema, node)
        if "anyOf" in node:  # a word or the same per side (screens); a list of words or a map (red flags)
            options = [_resolve(schema, option) for option in node["anyOf"]]
            words = [w for option in options for w in _words(option) + _words(option.get("items", {}))]
            sided = [o for o in options if set(o.get("properties", {})) == SIDED]
            fields[path] = {**leaf(options[0]), "words": list(dict.fromkeys(words)), "sided": bool(sided)}
            return
        if node.get("type") == "array":
            items = _resolve(schema, node["items"])
            if "properties" in items:
                for name, child in items["properties"].items():
                    walk(child, f"{path}[].{name}")
            else:
                fields[path] = {**leaf(items), "sided": False}
            return
        properties = node.get("properties")
        if properties and set(properties) == SIDED:
            fields[path] = {**leaf(_resolve(schema, properties["left"])), "sided": True}
        elif properties and all(_words(_resolve(schema, p)) == ["left", "right", "both"] for p in properties.values()):
            fields[path] = {"min": None, "max": None, "words": list(properties), "sided": False}  # word -> side
        elif properties:
            for name, child in properties.items():
                walk(child, f"{path}.{name}" if path else name)
        else:
            fields[path] = {**leaf(node), "sided": False}

    walk(schema, "")
    return fields


def documented_fields(text: str) -> dict[str, str]:
    """Field path -> its table row, from the rows of the document's field tables (`path` in the first cell)."""
    section = text.split("\n## Fields", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in section.splitlines():
        match = re.match(r"\|\s*`([^`]+)`\s*\|", line)
        if match:
            rows[match.group(1)] = line
    return rows


def documented_words(text: str) -> dict[str, list[str]]:
    """`### Words: <name>` heading -> the words of the table under it (`word` in the first cell)."""
    found = {}
    for block in text.split("\n### Words: ")[1:]:
        heading, _, body = block.partition("\n")
        body = body.split("\n#", 1)[0]
        found[heading.strip().strip("`")] = re.findall(r"^\|\s*`([^`]+)`\s*\|", body, flags=re.M)
    return found


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    result = CliRunner().invoke(main, ["schema"])
    assert result.exit_code == 0, result.output
    return yaml.safe_load(result.output)


@pytest.fixture(scope="module")
def doc() -> str:
    return DOC.read_text(encoding="utf-8")


def test_every_schema_field_is_documented_and_every_documented_field_exists(schema, doc) -> None:
    published, documented = set(schema_fields(schema)), set(documented_fields(doc))
    assert published - documented == set(), f"fields of the schema missing from {DOC.name}"
    assert documented - published == set(), f"fields in {DOC.name} that the schema does not have"


def test_the_schema_walk_sees_the_contract(schema) -> None:
    """The walk is not vacuous: known fields, bounds and words come out of it."""
    fields = schema_fields(schema)
    assert fields["patient.age"]["min"] == 8 and fields["patient.age"]["max"] == 100
    assert fields["measurements.lunge_distance_cm"]["sided"] and fields["measurements.lunge_distance_cm"]["max"] == 25
    assert fields["symptoms[].onset"]["words"] == ["gradual", "sudden", "injury"]
    assert "calf_swelling_warmth" in fields["red_flags"]["words"] and "heel_lift_in_squat" in fields["signs"]["words"]
    assert fields["screening.ottawa_rules"]["sided"] and fields["screening.wells_score"]["min"] == -2


def test_documented_bounds_are_the_schemas(schema, doc) -> None:
    rows = documented_fields(doc)
    for path, info in schema_fields(schema).items():
        if info["min"] is not None:
            bounds = f"{info['min']:g} to {info['max']:g}"
            assert bounds in rows[path], f"{path}: the schema says {bounds}; {DOC.name} says {rows[path]}"
        if info["sided"]:
            assert "per side" in rows[path], f"{path}: per side ({{left: .., right: ..}}) not said"


def test_documented_words_are_the_schemas(schema, doc) -> None:
    """Short lists are given in the row; long ones in a `### Words:` table, which must hold exactly them."""
    rows, tables = documented_fields(doc), documented_words(doc)
    for path, info in schema_fields(schema).items():
        if path in WORD_SECTIONS:
            assert tables.get(path) == info["words"], f"### Words: `{path}` differs from the schema's words"
        else:
            for word in info["words"]:
                assert f"`{word}`" in rows[path], f"{path}: `{word}` not listed in {DOC.name}"


def test_word_tables_match_the_vocabulary(doc) -> None:
    vocabulary = yaml.safe_load((RULES / "vocabulary.yaml").read_text(encoding="utf-8"))
    tables = documented_words(doc)
    assert set(tables) == set(WORD_SECTIONS), f"word tables in {DOC.name}: {sorted(tables)}"
    for heading, section in WORD_SECTIONS.items():
        assert tables[heading] == list(vocabulary[section]), f"### Words: {heading} is not vocabulary {section}"


def test_the_red_flag_table_gives_each_flags_sites_from_the_vocabulary(doc) -> None:
    """Where a list-form flag sits is part of the contract: the table's sites column is the vocabulary's."""
    vocabulary = yaml.safe_load((RULES / "vocabulary.yaml").read_text(encoding="utf-8"))
    body = doc.split("\n### Words: `red_flags`", 1)[1].split("\n#", 1)[0]
    for flag in vocabulary["red_flags"]:
        (row,) = [line for line in body.splitlines() if line.startswith(f"| `{flag}` |")]
        sites = re.findall(r"`([a-z_]+)`", row.split("|")[3])
        assert sites == vocabulary["red_flag_sites"].get(flag, []), f"{flag}: sites {sites}"


def test_the_document_cites_nothing_outside_the_repository(doc) -> None:
    assert "shared/" not in doc and "brief" not in doc
    for link in re.findall(r"\]\(([^)#]+)", doc):
        assert link.startswith("http") or (DOC.parent / link).exists(), f"broken link {link}"


def test_nothing_in_the_repository_cites_the_unpublished_sources() -> None:
    """Docstrings, comments and documents point at what a user of the repository has (docs/, rules/)."""
    offenders = []
    for folder in ("engine", "tests", "docs", "rules", "scenarios", "bench"):
        for path in sorted((REPO / folder).rglob("*")):
            if path.suffix not in (".py", ".md", ".yaml", ".feature") or path == Path(__file__):
                continue
            text = path.read_text(encoding="utf-8", errors="replace")  # tests/bad_cases holds binary files
            for pattern in ("shared/case-format", "shared/clinical-knowledge", "clinical-knowledge.md", "brief v2"):
                if pattern in text:
                    offenders.append(f"{path.relative_to(REPO)}: {pattern}")
            offenders += [f"{path.relative_to(REPO)}: {m}" for m in re.findall(r"(?:clinical|the) brief\b", text)]
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    offenders += [f"README.md: {m}" for m in re.findall(r"shared/|clinical-knowledge brief|the brief\b", readme)]
    assert not offenders, "\n".join(offenders)
