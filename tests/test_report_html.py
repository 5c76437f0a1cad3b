"""The HTML report (self-contained, referral first, explained plan as inline SVG, deterministic) and graph exports."""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from html import escape

import networkx as nx
import pytest
from _support import EXAMPLES, REPO, example_paths

import engine
from engine.knowledge.rule import CASE_KINDS
from engine.reasoning.explanation import explanation_of
from engine.reports.html import render_html
from engine.reports.mermaid import render_markdown_graph
from engine.reports.svg import pruned_graph, render_svg

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    """Our own SVG output, parsed to check it is well-formed XML (not untrusted input)."""
    return ET.fromstring(svg)  # noqa: S314


EXAMPLE_IDS = [p.name for p in example_paths()]


@pytest.fixture(scope="module")
def vocabulary():
    return engine.default_engine().rulebase.vocabulary


def assess(name: str) -> engine.Assessment:
    return engine.assess(EXAMPLES / name)


def page(name: str, vocabulary) -> str:
    return render_html(assess(name))


def node_texts(svg: str) -> dict[str, str]:
    """data-node -> the visible text of that node (its text lines joined)."""
    root = parse(svg)
    return {
        g.get("data-node"): "".join(t.text or "" for t in g.iter(f"{SVG}text"))
        for g in root.iter(f"{SVG}g")
        if g.get("data-node")
    }


@pytest.mark.parametrize("name", EXAMPLE_IDS)
def test_page_is_self_contained(name: str, vocabulary) -> None:
    html = page(name, vocabulary)
    lowered = html.lower()
    assert "http://" not in lowered and "https://" not in lowered
    assert not re.search(r"\b(src|href|srcset|action)\s*=", lowered)
    for forbidden in ("<script", "<link", "<iframe", "<img", "@import", "url(", "@font-face"):
        assert forbidden not in lowered
    assert lowered.startswith("<!doctype html>") and "<svg" in lowered and "<style>" in lowered
    assert "@media print" in html


@pytest.mark.parametrize("name", EXAMPLE_IDS)
def test_svg_parses_and_shows_every_recommendation_with_a_path_to_the_case(name: str) -> None:
    a = assess(name)
    svg = render_svg(explanation_of(a), a.case_id)
    root = parse(svg)
    assert root.tag == f"{SVG}svg" and root.get("viewBox") and root.get("width") == "100%"
    graph = pruned_graph(explanation_of(a))
    texts = node_texts(svg)
    assert set(texts) == set(graph.nodes)
    case_facts = [n for n, d in graph.nodes(data=True) if d["type"] == "fact" and d["layer"] == "case"]
    for rec in a.recommendations:
        sides = ("left", "right") if rec.side == "both" else (rec.side,)
        for side in sides:
            node = f"recommendation:{rec.id}:{side}"
            assert node in graph, node
            assert rec.id in texts[node]
            assert any(nx.has_path(graph, fact, node) for fact in case_facts), node
    for node, data in graph.nodes(data=True):
        if data["type"] == "rule":  # each rule firing shows its rule id (and grade)
            assert texts[node].replace(" ", "") == f"{data['rule']}[{data['grade']}]"


@pytest.mark.parametrize("name", EXAMPLE_IDS)
def test_svg_drops_case_facts_no_rule_used(name: str) -> None:
    explanation = explanation_of(assess(name))
    graph = pruned_graph(explanation)
    full = {n["id"] for n in explanation["nodes"]}
    dropped = full - set(graph.nodes)
    for node in dropped:
        if node.startswith("rule:"):  # a firing that only concluded a derived case fact nothing used
            assert all(e["target"] in dropped for e in explanation["edges"] if e["source"] == node), node
            continue
        assert node.split(":", 1)[0] in CASE_KINDS
        assert all(e["target"] in dropped for e in explanation["edges"] if e["source"] == node), node
    assert all(graph.out_degree(n) > 0 for n, d in graph.nodes(data=True) if d["layer"] == "case")


def test_referral_banner_comes_first_when_referred(vocabulary) -> None:
    html = page("red-flag-achilles-rupture.yaml", vocabulary)
    banner = html.index('id="referral"')
    assert banner < html.index('id="findings"') < html.index('id="plan"')
    assert html.index("<section") == html.index('<section class="banner')
    section = html[banner : html.index("</section>", banner)]
    assert "REFER URGENTLY" in section and "urgent" in section
    assert "Thompson" in section  # red flags by their vocabulary label
    assert "Withheld until cleared" in section and "Achilles tendon loading programme" in section


def test_no_banner_without_referral(vocabulary) -> None:
    html = page("runner-left-restriction.yaml", vocabulary)
    assert 'class="banner' not in html and 'id="referral"' not in html
    assert "RUN-0101" in html


def test_blocked_and_withheld_reasons(vocabulary) -> None:
    a = assess("contraindication-raynauds.yaml")
    assert a.blocked
    html = render_html(a)
    section = html[html.index('id="not-recommended"') : html.index('id="questions"')]
    for item in a.blocked:
        assert item.label.replace("(", "") in section.replace("(", "")
        for rule in item.rules:
            assert rule in section.replace("<wbr>", "")
    assert "blocked" in section and "contraindication" in section
    assert escape(vocabulary.label("condition", "raynauds")) in section
    dvt = render_html(assess("red-flag-possible-dvt.yaml"))
    section = dvt[dvt.index('id="not-recommended"') : dvt.index('id="questions"')]
    assert "withheld" in section and "blocked" in section
    assert escape(vocabulary.label("red_flag", "calf_swelling_warmth")) in section


def test_findings_show_values_beside_thresholds(vocabulary) -> None:
    html = page("runner-left-restriction.yaml", vocabulary)
    section = html[html.index('id="findings"') : html.index('id="plan"')]
    assert "6.5 cm" in section and "11 cm" in section  # left and right knee-to-wall
    assert "below 7.1 cm" in section and "finding.limited_dorsiflexion.lunge_distance" in section.replace("<wbr>", "")
    assert vocabulary.measurements["lunge_distance_cm"].label in section


def test_plan_table_and_footer(vocabulary) -> None:
    a = assess("runner-left-restriction.yaml")
    html = render_html(a)
    plan = html[html.index('id="plan"') : html.index('id="not-recommended"')]
    for rec in a.recommendations:
        assert rec.label.split(" (")[0] in plan
    assert a.rulebase.sha256 in html and a.rulebase.version in html and a.engine_version in html


def test_text_is_escaped() -> None:
    explanation = {
        "nodes": [
            {"id": "sign:x:left", "type": "fact", "kind": "sign", "name": "<b>&\"'", "side": "left", "layer": "case"},
            {"id": "rule:r.x@left", "type": "rule", "rule": "r.<x>", "grade": "C", "layer": "rule", "rationale": "a<b"},
            {
                "id": "finding:y:left",
                "type": "fact",
                "kind": "finding",
                "name": "y</text>",
                "side": "left",
                "layer": "findings",
            },
        ],
        "edges": [
            {"source": "sign:x:left", "target": "rule:r.x@left"},
            {"source": "rule:r.x@left", "target": "finding:y:left"},
        ],
    }
    svg = render_svg(explanation, "<title>&")
    parse(svg)
    assert "<b>" not in svg and "y</text>" not in svg
    assert "&lt;b&gt;" in svg
    mermaid = render_markdown_graph(explanation)
    assert '"' not in mermaid.split("\n")[3].split("[", 1)[1][1:-2]


def test_deterministic_in_process(vocabulary) -> None:
    for name in ("runner-left-restriction.yaml", "contraindication-raynauds.yaml", "red-flag-possible-dvt.yaml"):
        assert page(name, vocabulary) == page(name, vocabulary)
        a = assess(name)
        assert render_svg(explanation_of(a)) == render_svg(explanation_of(assess(name)))
        assert render_markdown_graph(explanation_of(a)) == render_markdown_graph(explanation_of(assess(name)))


def test_deterministic_across_hash_seeds() -> None:
    code = (
        "import hashlib, engine; from engine.reports.html import render_html; e = engine.default_engine(); "
        "print(hashlib.sha256(render_html(e.assess('examples/contraindication-raynauds.yaml'))"
        ".encode()).hexdigest())"
    )
    digests = set()
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(REPO)}
        out = subprocess.run(
            [sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True, check=True
        )
        digests.add(out.stdout.strip())
    a = engine.assess(EXAMPLES / "contraindication-raynauds.yaml")
    here = hashlib.sha256(render_html(a).encode()).hexdigest()
    assert digests == {here}


def test_mermaid_block() -> None:
    a = assess("red-flag-achilles-rupture.yaml")
    text = render_markdown_graph(explanation_of(a))
    lines = text.splitlines()
    assert lines[0] == "```mermaid" and lines[1] == "flowchart LR" and lines[-1] == "```"
    assert any(line.strip().startswith("subgraph L_case") for line in lines)
    assert any(line.strip().startswith("subgraph L_referrals") for line in lines)
    graph = pruned_graph(explanation_of(a))
    rules = {d["rule"] for _, d in graph.nodes(data=True) if d["type"] == "rule"}
    labels = set(re.findall(r'-->\|"([^"]+) \[[ABC]\]"\|', text))
    assert labels == rules
    assert "classDef c_referrals" in text


def test_empty_assessment_renders(vocabulary) -> None:
    # normal on both legs, nothing else recorded: no finding, no question, nothing to advise
    a = engine.default_engine().assess(
        {"case_id": "NORMAL-1", "measurements": {"lunge_distance_cm": {"left": 12, "right": 12}}}
    )
    assert not a.items()
    parse(render_svg(explanation_of(a)))
    html = render_html(a)
    assert "<svg" in html and "nothing to explain" in html
    assert "```mermaid" in render_markdown_graph(explanation_of(a))
