"""The HTML report's layout guarantees, checked on the CSS and SVG it ships (verified by printing the examples
with headless Chromium): the explanation graph never makes the page wider than the screen (only the graph
scrolls, it is never blown up past its drawing, and in print it scales to a landscape page and fits its height),
and a printed section never starts at the foot of a page (a heading and its intro paragraph stay with what
follows; cards, rows, list items and the graph are not split)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
from _support import EXAMPLES

import engine
from engine.reports.html import render_html

SVG = "{http://www.w3.org/2000/svg}"


def blocks(css: str) -> dict[str, str]:
    """Top-level blocks of a stylesheet: '@media print' -> its body, and 'selector' -> declarations."""
    out: dict[str, str] = {}
    i = 0
    while (start := css.find("{", i)) != -1:
        depth, j = 1, start + 1
        while depth:
            depth += {"{": 1, "}": -1}.get(css[j], 0)
            j += 1
        out[css[i:start].strip()] = out.get(css[i:start].strip(), "") + css[start + 1 : j - 1]
        i = j
    return out


def declarations(rules: dict[str, str], selector: str) -> dict[str, str]:
    """Every declaration that applies to exactly `selector` (listed alone or in a selector group)."""
    found: dict[str, str] = {}
    for selectors, body in rules.items():
        if selector in [s.strip() for s in selectors.split(",")]:
            for declaration in body.split(";"):
                if ":" in declaration:
                    name, value = declaration.split(":", 1)
                    found[name.strip()] = value.strip()
    return found


@pytest.fixture(scope="module", params=["runner-left-restriction.yaml", "bilateral-restriction.yaml"])
def page(request) -> str:
    eng = engine.default_engine()
    return render_html(eng.assess(EXAMPLES / request.param))


@pytest.fixture(scope="module")
def css(page) -> dict[str, dict[str, str]]:
    sheet = re.search(r"<style>(.*)</style>", page, re.S).group(1)
    top = blocks(sheet)
    return {"screen": top, "print": blocks(top["@media print"])}


def test_a_printed_section_never_starts_at_the_foot_of_a_page(css):
    printed = css["print"]
    for heading in ("h2", "h3", "h2+p", "h2+.small"):  # the heading and its intro note go with what follows
        assert declarations(printed, heading).get("break-after") == "avoid", heading
    for block in ("table", "tr", ".card", ".banner", "figure", "li"):
        assert declarations(printed, block).get("break-inside") == "avoid", block
    assert declarations(printed, "section.explanation").get("break-before") == "page"  # the graph on its own page
    assert "landscape" in css["screen"]["@page wide"]


def test_the_printed_graph_scales_to_the_page_width_and_height(css):
    svg = declarations(css["print"], ".graph svg")
    assert svg.get("width") == "100%" and svg.get("max-width") == "100%"
    assert svg.get("max-height", "").endswith("mm")  # never taller than a landscape page: no split graph
    assert declarations(css["print"], ".graph-inner").get("min-width", "").startswith("0")


def test_on_screen_only_the_graph_scrolls_and_it_is_never_blown_up(page, css):
    assert declarations(css["screen"], ".graph").get("overflow-x") == "auto"
    assert declarations(css["screen"], ".graph svg").get("max-width") == "100%"
    drawing = page.split('<div class="graph-inner"', 1)[1].split(">", 1)[1].split("</div>", 1)[0]
    root = ET.fromstring(drawing)  # noqa: S314 - the engine's own output
    assert root.tag in ("svg", f"{SVG}svg") and root.get("width") == "100%"
    _, _, width, _ = map(float, root.get("viewBox").split())
    box = re.search(r'<div class="graph-inner" style="min-width:(\d+)px;max-width:(\d+)px"', page)
    assert box, "the graph box must bound the drawing on both sides"
    least, most = map(int, box.groups())
    assert least == min(int(width * 0.75), 2400) and most == int(width)  # legible, and no larger than drawn
