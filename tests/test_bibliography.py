"""Honest evidence: the bibliography loads with the rule base, every cited source must resolve once the rule
base names it, and every report ends with the references the assessment cites."""

from __future__ import annotations

import shutil
from html import escape
from pathlib import Path

import pytest
import yaml
from _support import EXAMPLES, RULES
from click.testing import CliRunner

import engine
from engine.commands import main
from engine.knowledge.bibliography import source_key, split_sources
from engine.knowledge.rulebase import load_rulebase
from engine.reports.html import render_html
from engine.reports.markdown import render_markdown
from engine.reports.references import reference_text
from engine.reports.text import render_text

SEED = "Capacity (Bend, OR). How poor ankle mobility can lead to running injuries (and how to fix it). Clinic article."
#: How the older source strings are cited in the bibliography's keys (docs/clinical-basis.md section 11).
RENAMED = {
    "seed article": "Seed article",
    "Backman & Danielson 2011, AJSM": "Backman 2011",
    "Wells 1997": "Wells 2003",
    "AAOS 2009 guideline": "Chiodo 2010",
    "Houghton 2010 guideline": "Houghton 2010",
    "Bartsch 2021 expert panel": "Bartsch 2021",
}


@pytest.fixture(scope="module")
def bibliography() -> dict:
    return yaml.safe_load((RULES / "bibliography.yaml").read_text(encoding="utf-8"))


def enforced_copy(tmp_path: Path) -> Path:
    """A copy of the rules whose manifest names the bibliography, with every source made citable."""
    folder = rules_with(tmp_path)
    keys = set(yaml.safe_load((folder / "bibliography.yaml").read_text(encoding="utf-8")))

    def cite(text: str) -> str:
        parts = []
        for part in split_sources(text):
            grade = part[len(source_key(part)) :] if part.endswith(")") and "(grade" in part else ""
            key = RENAMED.get(source_key(part).removeprefix("against - "), source_key(part).removeprefix("against - "))
            parts.append((key if key in keys else "Seed article") + grade)
        return "; ".join(dict.fromkeys(parts))

    for path in folder.glob("[0-9]*.yaml"):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for rule in data["rules"]:
            rule["source"] = cite(rule["source"])
        path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    vocabulary = folder / "vocabulary.yaml"
    data = yaml.safe_load(vocabulary.read_text(encoding="utf-8"))
    for spec in data["interventions"].values():
        spec["dose_source"] = cite(spec["dose_source"])
    vocabulary.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    with (folder / "rulebase.yaml").open("a", encoding="utf-8") as handle:
        handle.write("bibliography: bibliography.yaml\n")
    return folder


def edit_first_rule(folder: Path, source: str) -> str:
    path = folder / "30-risks.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["rules"][0]["source"] = source
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return data["rules"][0]["id"]


def validate(folder: Path):
    return CliRunner().invoke(main, ["--rules", str(folder), "rules", "validate"])


# --- the bibliography file -----------------------------------------------------------------------------


def test_entries_keep_the_briefs_keys_designs_and_grades(bibliography):
    assert len(bibliography) == 70
    for key in ("Powden 2015", "Stiell 1992/1993", "Seed article", "NICE NG158", "Abbott & Schmitt 2014"):
        assert key in bibliography
    assert bibliography["Seed article"] == {"citation": SEED, "design": "practice model, C", "grade": "C"}
    assert bibliography["Lima 2018"]["grade"] == "B"  # an SR of cross-sectional studies takes their grade
    assert bibliography["Kongsgaard 2009"] == {**bibliography["Kongsgaard 2009"], "design": "RCT", "grade": "A"}
    assert "grade" not in bibliography["Chisholm 2012"]  # a reliability study: section 0 implies no grade
    implied = {"PC": "A", "RCT": "A", "CPG": "A", "SR": "A", "CS": "B", "CC": "B", "CaseS": "C", "Cons": "C"}
    for key, entry in bibliography.items():
        assert entry.get("grade") == implied.get(entry["design"], entry.get("grade")), key


def test_bundled_rule_base_enforces_it():
    bibliography = engine.default_engine().rulebase.bibliography
    assert bibliography is not None and bibliography.enforced
    assert bibliography.entries["Seed article"].citation == SEED
    result = validate(RULES)
    assert result.exit_code == 0, result.output


def rules_with(tmp_path: Path, file: str = "", appended: str = "") -> Path:
    """A copy of the bundled rules whose manifest does not name the bibliography (so the check is off until a
    test turns it on), with text appended to one file."""
    folder = tmp_path / "rules"
    shutil.copytree(RULES, folder)
    manifest = folder / "rulebase.yaml"
    lines = manifest.read_text(encoding="utf-8").splitlines(True)
    manifest.write_text("".join(line for line in lines if not line.startswith("bibliography:")), encoding="utf-8")
    if file:
        with (folder / file).open("a", encoding="utf-8") as handle:
            handle.write(appended)
    return folder


def test_the_bibliography_is_in_the_rule_base_sha(tmp_path):
    folder = rules_with(tmp_path)
    before = load_rulebase(folder).sha256
    text = (folder / "bibliography.yaml").read_text(encoding="utf-8")
    (folder / "bibliography.yaml").write_text(text.replace("Man Ther.", "Manual Therapy.", 1), encoding="utf-8")
    assert load_rulebase(folder).sha256 != before


def test_a_broken_entry_names_the_file_and_the_key(tmp_path):
    folder = rules_with(tmp_path, "bibliography.yaml", '\n"Nobody 2030":\n  design: "RCT"\n  grade: D\n')
    result = validate(folder)
    assert result.exit_code == 1
    assert "bibliography.yaml: Nobody 2030: citation" in result.stderr
    assert "grade" in result.stderr


def test_a_manifest_naming_a_missing_bibliography_is_refused(tmp_path):
    folder = rules_with(tmp_path, "rulebase.yaml", "bibliography: sources.yaml\n")
    result = validate(folder)
    assert result.exit_code == 1 and "sources.yaml does not exist" in result.stderr


# --- the source check --------------------------------------------------------------------------------------


def test_without_the_manifest_key_unresolved_sources_are_warnings(tmp_path):
    folder = rules_with(tmp_path)
    rule_id = edit_first_rule(folder, "Smith 2099")
    result = validate(folder)
    assert result.exit_code == 0, result.output
    assert f"warning: 30-risks.yaml: {rule_id}: source 'Smith 2099' is not in bibliography.yaml" in result.stdout


def test_an_enforced_rule_base_with_citable_sources_is_valid(tmp_path):
    folder = enforced_copy(tmp_path)
    result = validate(folder)
    assert result.exit_code == 0, result.output
    assert "is not in bibliography.yaml" not in result.output
    assert load_rulebase(folder).bibliography.enforced


def test_a_rule_with_an_unknown_source_fails_validation_naming_the_rule(tmp_path):
    folder = enforced_copy(tmp_path)
    rule_id = edit_first_rule(folder, "Powden 2015; Smith 2099")
    result = validate(folder)
    assert result.exit_code == 1
    assert f"30-risks.yaml: {rule_id}: source 'Smith 2099' is not in bibliography.yaml" in result.stderr
    assert "Powden 2015'" not in result.stderr
    assert "Traceback" not in result.output


def test_a_misspelt_source_gets_a_hint(tmp_path):
    folder = enforced_copy(tmp_path)
    rule_id = edit_first_rule(folder, "seed article")
    with pytest.raises(engine.RuleBaseError) as info:
        load_rulebase(folder)
    assert f"{rule_id}: source 'seed article' is not in bibliography.yaml, did you mean 'Seed article'?" in str(
        info.value
    )


def test_an_unknown_dose_source_fails_validation_naming_the_intervention(tmp_path):
    folder = enforced_copy(tmp_path)
    path = folder / "vocabulary.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["interventions"]["ankle_wall_drill"]["dose_source"] = "clinical-knowledge brief section 4 (grade C)"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    result = validate(folder)
    assert result.exit_code == 1
    assert "interventions.ankle_wall_drill.dose_source: 'clinical-knowledge brief section 4 (grade C)'" in (
        result.stderr
    )


@pytest.mark.parametrize(
    ("part", "key"),
    [
        ("Powden 2015", "Powden 2015"),
        ("Powden 2015 (grade A)", "Powden 2015"),
        ("contradicted: Mahieu 2006", "Mahieu 2006"),
        ("Stiell 1992/1993", "Stiell 1992/1993"),
    ],
)
def test_source_annotations_are_not_part_of_the_key(part, key):
    assert source_key(part) == key


# --- references in the reports --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def cited(tmp_path_factory) -> engine.Assessment:
    folder = enforced_copy(tmp_path_factory.mktemp("cited"))
    return engine.Engine(folder).assess(EXAMPLES / "runner-left-restriction.yaml")


def test_references_are_the_cited_sources_in_order_of_first_citation(cited):
    keys = [r.key for r in cited.references]
    assert [r.number for r in cited.references] == list(range(1, len(keys) + 1))
    assert len(keys) == len(set(keys))
    order = []
    for item in cited.items():
        for text in (item.source, getattr(item, "dose_source", "")):
            order += [source_key(p) for p in split_sources(text) if source_key(p) not in order]
    assert keys == order
    assert all(r.citation for r in cited.references)
    bibliography = yaml.safe_load((RULES / "bibliography.yaml").read_text(encoding="utf-8"))
    assert len(keys) < len(bibliography)  # only what this assessment cites


def test_text_and_markdown_reports_end_with_the_numbered_references(cited):
    text, markdown = render_text(cited, verbose=True), render_markdown(cited)  # the full list: --verbose
    seed = next(r for r in cited.references if r.key == "Seed article")
    first, last = cited.references[0], cited.references[-1]
    seed_line = f"{seed.number}. Seed article - {SEED} [practice model, C; grade C]"
    flat = " ".join(text.split())  # the text report wraps at 100 columns
    assert flat.endswith(f" {last.number}. {reference_text(last)}")
    assert f" {seed_line} " in flat
    assert flat.index("REFERENCES") > flat.index("Grades:")
    references = markdown.split("\n## References\n")[1]
    assert references.startswith(f"\n{first.number}. {escape(reference_text(first), quote=False)}")
    assert f"\n{seed_line}\n" in references
    assert markdown.rstrip().split("\n")[-1].startswith(f"{last.number}. ")
    assert "clinical-knowledge brief" not in flat.split("REFERENCES")[1] + references


def test_the_html_report_ends_with_the_numbered_references(cited):
    html = render_html(cited)
    section = html.split('<section id="references">')[1].split("</section>")[0]
    assert html.index('<section id="references">') > html.index('<section class="explanation"')
    assert "<ol" in section and section.count("<li") == len(cited.references)
    assert f"Seed article - {SEED}" in section and "clinical-knowledge brief" not in section


def test_an_unknown_source_is_listed_as_such_never_dropped():
    result = engine.default_engine().assess({"case_id": "RUN-1", "measurements": {"lunge_distance_cm": {"left": 6}}})
    assert result.references
    missing = [r for r in result.references if r.citation is None]
    for reference in missing:
        assert f"{reference.key} - not in the bibliography" in render_text(result)
