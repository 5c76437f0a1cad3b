"""Coverage of the vocabulary by the rule base: every case word is read by a rule, every conclusion word is
concluded by one and reachable from a case fact, every red flag refers (split from test_rulebase.py)."""

from __future__ import annotations

import shutil
from pathlib import Path

import networkx as nx
import pytest
import yaml
from _support import RULES

import engine
from engine.knowledge.graph import rulebase_graph
from engine.knowledge.rulebase import load_rulebase

RULEBASE = engine.default_engine().rulebase

# --- coverage: every word in the vocabulary is used by the knowledge ---------------------------------

CONSUMED = {
    "measurements": "measurement",
    "signs": "sign",
    "symptom_sites": "symptom",
    "red_flags": "red_flag",
    "conditions": "condition",
}
PRODUCED = {"findings": "finding", "compensations": "compensation", "risks": "risk", "interventions": "recommendation"}


def _words_without_rules(section: str, kind: str, degree: str) -> list[str]:
    """Live words of a vocabulary section whose node no rule leaves (out_degree) or reaches (in_degree)."""
    graph = rulebase_graph(RULEBASE)
    words = RULEBASE.vocabulary.live_words(section)
    assert words
    return [w for w in words if not (graph.has_node(f"{kind}:{w}") and getattr(graph, degree)(f"{kind}:{w}") > 0)]


@pytest.mark.parametrize("section", sorted(CONSUMED))
def test_every_case_word_is_consumed_by_a_rule(section: str) -> None:
    unused = _words_without_rules(section, CONSUMED[section], "out_degree")
    assert not unused, f"{section} no rule reads: {unused}"


@pytest.mark.parametrize("section", sorted(PRODUCED))
def test_every_conclusion_word_is_produced_by_a_rule(section: str) -> None:
    unproduced = _words_without_rules(section, PRODUCED[section], "in_degree")
    assert not unproduced, f"{section} no rule concludes: {unproduced}"


def test_every_red_flag_leads_to_a_referral() -> None:
    graph = rulebase_graph(RULEBASE)
    for flag in RULEBASE.vocabulary.words("red_flags"):
        targets = {t for _, t in graph.out_edges(f"red_flag:{flag}")}
        assert any(t.startswith("referral:") for t in targets), f"red flag {flag} refers nowhere"


def test_every_conclusion_traces_back_to_case_words() -> None:
    """Walk the rule-base graph: every produced word has a path from some case word."""
    graph = rulebase_graph(RULEBASE)
    case_nodes = {n for n, d in graph.nodes(data=True) if d["layer"] == "case"}
    reachable = set(case_nodes)
    for node in case_nodes:
        reachable |= nx.descendants(graph, node)
    for section, kind in PRODUCED.items():
        for word in RULEBASE.vocabulary.live_words(section):
            assert f"{kind}:{word}" in reachable, f"{section} {word} has no path from a case fact"


def test_coverage_check_detects_a_gap(tmp_path: Path) -> None:
    """Guards the coverage tests: a word with no rule really shows up as unused."""
    rules = tmp_path / "rules"
    shutil.copytree(RULES, rules)
    vocabulary = yaml.safe_load((rules / "vocabulary.yaml").read_text(encoding="utf-8"))
    vocabulary["signs"]["toe_walking"] = "walks on the toes"
    (rules / "vocabulary.yaml").write_text(yaml.safe_dump(vocabulary, sort_keys=False), encoding="utf-8")
    graph = rulebase_graph(load_rulebase(rules))
    assert not graph.has_node("sign:toe_walking")
