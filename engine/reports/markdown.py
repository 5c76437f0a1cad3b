"""The assessment as Markdown (for notes and tickets), with the explanation graph as Mermaid.

Markdown renderers pass raw HTML through, so every piece of text from the rule base, the vocabulary or the
case is HTML-escaped here (as the HTML report does): a `<script>` in a rule's source shows as text.
"""

from __future__ import annotations

import re
from html import escape

from engine.reasoning.assessment import Assessment, Item
from engine.reports.case_echo import complaint_lines, patient_line, recorded_lines
from engine.reports.references import markdown_lines
from engine.reports.text import GRADES, URGENCY_TEXT, held_because, why_lines


def _md(text: object) -> str:
    """Text safe in Markdown: raw HTML escaped, line breaks as spaces."""
    return escape(str(text), quote=False).replace("\r", " ").replace("\n", " ")


def untrusted_markdown(text: object) -> str:
    """Text from outside the engine (an EHR's codes, echoed in a card) in Markdown: raw HTML escaped as in _md,
    and Markdown's own link, code and emphasis marks too, so it can neither run a script nor become a link (a
    code `<img src=x onerror=...>` reached a card's detail as HTML)."""
    return re.sub(r"([\\`*_\[\]])", r"\\\1", _md(text))


def _cell(text: str) -> str:
    return _md(text).replace("|", "\\|")


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_cell(str(value)) for value in row) + " |" for row in rows]
    return [*lines, ""]


def _items(items: list[Item], extra: str | None = None) -> list[list[str]]:
    rows = []
    for item in items:
        detail = "" if extra is None else str(getattr(item, extra))
        rows.append([item.label, item.side, *([detail] if extra else []), item.grade, item.chain_grade, item.source])
    return rows


def render_markdown(assessment: Assessment) -> str:
    from engine.reasoning.explanation import explanation_of
    from engine.reports.mermaid import render_markdown_graph

    a = assessment
    out = [f"# Kinetic-chain assessment: {_md(a.case_id)}", "", f"**Status: {_md(a.status_text)}**", ""]
    if a.referrals:
        out.append("> **REFERRAL**")
        for r in a.referrals:
            flags = ", ".join(r.red_flags)
            out.append("> - " + _md(f"{r.label} ({r.side}, {URGENCY_TEXT[r.urgency]}): red flags {flags} - {r.source}"))
        out.append("")
    out += ["## The case as recorded", ""]
    out += [_md(f"- Runner: {patient_line(a.patient)}")] if a.patient else []
    out += [_md(f"- Visit: {a.visit_date}")] if a.visit_date else []
    out += [_md(f"- Complaint: {line}") for line in complaint_lines(a.case)]
    out += [_md(f"- {label}: {text}") for label, text in recorded_lines(a.case)] + [""]
    out += ["## Working diagnoses", ""]
    out += _table(["presentation", "side", "grade", "chain", "source"], _items(a.presentations))
    out += ["## Findings", ""]
    out += _table(["finding", "side", "grade", "chain", "source"], _items(a.findings))
    out += ["## Compensations", ""]
    out += _table(["compensation", "side", "observed", "grade", "chain", "source"], _items(a.compensations, "observed"))
    out += ["## Risks", ""]
    out += _table(["risk", "side", "grade", "chain", "source"], _items(a.risks))
    out += ["## Plan", ""]
    rows = [
        [
            str(r.priority),
            r.label,
            r.side,
            r.dose,
            r.grade,
            "; ".join(r.warnings),
            " / ".join(why_lines(a, "recommendation", r)),
        ]
        for r in a.recommendations
    ]
    out += _table(["priority", "intervention", "side", "dose", "grade", "warnings", "why"], rows)
    if a.withheld or a.blocked:
        out += ["## Not recommended", ""]
        rows = [[w.label, w.side, "withheld", held_because(w), ", ".join(w.withheld_by)] for w in a.withheld]
        rows += [[b.label, b.side, "blocked", ", ".join(b.conditions), b.alternative or "-"] for b in a.blocked]
        out += _table(["intervention", "side", "outcome", "because of", "referral / alternative"], rows)
    if a.questions:
        out += ["## Questions", ""] + [_md(f"- {q.side}: {q.label}") for q in a.questions] + [""]
    out += ["## Explanation", "", render_markdown_graph(explanation_of(a)), ""]
    out += [
        f"_{_md(GRADES)}_",
        "",
        _md(f"Engine {a.engine_version}, rule base {a.rulebase.version} (sha256 `{a.rulebase.sha256}`)"),
    ]
    out += [_md(line) for line in markdown_lines(a)]
    return "\n".join(out) + "\n"
