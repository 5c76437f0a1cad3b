"""Renderers for a visit comparison: plain text, JSON, and a self-contained HTML page (inline CSS, escaped).

Pure functions of the Comparison: every number and verdict text was chosen by the engine from the rules, so the
renderers only lay them out.
"""

from __future__ import annotations

from html import escape

from engine.numbers import number_text
from engine.workflow.comparison import Comparison, MeasurementChange
from engine.workflow.follow_up import OutcomeChange, describe
from engine.workflow.follow_up_asymmetry import AsymmetryChange
from engine.workflow.follow_up_escalation import Escalation

MDC_NOTE = (
    "A measurement change counts as real only when it reaches the measurement's minimal detectable change (MDC);"
    " a smaller change is within measurement error. An outcome change counts only when it reaches its minimal"
    " clinically important difference (MCID). Each row shows the MDC or MCID it was judged against. Asymmetry is"
    " the left-right difference at each visit, with each side's own change."
)


def _num(value: float | None, signed: bool = False) -> str:
    if value is None:
        return "-"
    return number_text(value, signed)


def _header(c: Comparison) -> list[str]:
    dates = f"{c.visit_date_before or 'undated'} -> {c.visit_date_after or 'undated'}"
    weeks = f", {number_text(c.interval_weeks)} weeks" if c.interval_weeks is not None else ""
    order = "; visits given in reverse order, compared in date order" if c.visits_swapped else ""
    return [
        f"FOLLOW-UP COMPARISON  {c.case_id}  ({dates}{weeks}{order})",
        f"Status: {c.status_before} -> {c.status_after}",
        f"OUTCOME: {c.outcome_verdict.verdict.upper()} - {c.outcome_verdict.text}",
    ]


def _outcome_text(row: OutcomeChange) -> str:
    return (
        f"{describe(row)}: {_num(row.before)} -> {_num(row.after)} {row.unit}"
        f" (change {_num(row.change, True)}, MCID {row.mcid_basis}): {row.verdict}"
    )


def _sides_text(row: AsymmetryChange) -> str:
    """Each side's own change beside the gap, stiffer side first."""
    if row.stiffer_side is None:
        return "no stiffer side at the first visit"
    other = "right" if row.stiffer_side == "left" else "left"
    return (
        f"{row.stiffer_side} (stiffer) {_num(row.stiffer_change, True)}, {other} {_num(row.other_change, True)}"
        f" {row.unit}; each side against its MDC {number_text(row.side_mdc)}"
    )


ESCALATION_HEADING = "Escalation (the main outcome against its MCID over the time under treatment)"
ESCALATION_TITLE = "ESCALATION" + ESCALATION_HEADING[len("Escalation") :]


def _escalation_text(row: Escalation) -> str:
    return f"{row.text} [grade {row.grade}; {row.source}]"


def render_text(c: Comparison) -> str:
    out = _header(c) + [f"WARNING: {w}" for w in c.warnings] + [""]
    if c.escalation:
        out.append(ESCALATION_TITLE)
        out += [f"  - {_escalation_text(row)}" for row in c.escalation]
        out.append("")
    if c.outcomes:
        out.append("OUTCOMES (against the minimal clinically important difference)")
        out += [f"  - {_outcome_text(row)}" for row in c.outcomes]
        out.append("")
    for side in c.sides:
        out.append(f"{side.side.upper()}: {side.verdict}")
        for row in side.measurements:
            out.append(
                f"  - {row.label}: {_num(row.before)} -> {_num(row.after)} {row.unit}"
                f" (change {_num(row.change, True)}, MDC {number_text(row.mdc)}): {row.verdict}"
            )
        out += [f"  appeared: {item.label} ({item.kind})" for item in side.appeared]
        out += [f"  resolved: {item.label} ({item.kind})" for item in side.resolved]
        out.append("")
    if c.asymmetry:
        out.append("ASYMMETRY (left-right difference)")
        for row in c.asymmetry:
            out.append(
                f"  - {row.label}: {_num(row.before)} -> {_num(row.after)} {row.unit}"
                f" (change {_num(row.change, True)}, real at {row.mdc_basis}): {row.verdict}"
            )
            out.append(f"      {_sides_text(row)}")
        out.append("")
    out.append(MDC_NOTE)
    return "\n".join(out) + "\n"


def render_json(c: Comparison) -> str:
    return c.to_json() + "\n"


CSS = """
body{font-family:system-ui,sans-serif;margin:2rem;max-width:60rem;color:#222}
h1{font-size:1.4rem}h2{font-size:1.15rem;margin-top:1.6rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0}
th,td{border:1px solid #ccc;padding:.3rem .5rem;text-align:left}th{background:#f3f3f3}
.verdict{font-weight:600;padding:.5rem;border-left:4px solid #888;background:#fafafa}
.real-improvement{color:#176117}.real-decline{color:#a11}.warning{color:#a11;font-weight:600}
.outcome-worse{border-left-color:#a11}.outcome-better{border-left-color:#176117}
.note{color:#555;font-size:.9rem}
.escalation li{margin:.3rem 0}.escalate{color:#a11;font-weight:600}
"""


def _cls(verdict: str) -> str:
    return escape(verdict.replace(" ", "-"))


def _row(row: MeasurementChange) -> str:
    cells = [row.label, _num(row.before), _num(row.after), _num(row.change, True), f"{number_text(row.mdc)} {row.unit}"]
    tds = "".join(f"<td>{escape(cell)}</td>" for cell in cells)
    return f'<tr>{tds}<td class="{_cls(row.verdict)}">{escape(row.verdict)}</td></tr>'


def render_html(c: Comparison) -> str:
    e = escape
    header = _header(c)
    body = [f"<h1>{e(header[0])}</h1>", f"<p>{e(header[1])}</p>"]
    body += [f'<p class="warning">Warning: {e(w)}</p>' for w in c.warnings]
    body.append(f'<p class="verdict outcome-{_cls(c.outcome_verdict.verdict)}">{e(header[2])}</p>')
    if c.escalation:
        items = "".join(f'<li class="{_cls(row.verdict)}">{e(_escalation_text(row))}</li>' for row in c.escalation)
        body.append(f'<h2>{e(ESCALATION_HEADING)}</h2><ul class="escalation">{items}</ul>')
    if c.outcomes:
        cells = [
            [describe(r), _num(r.before), _num(r.after), _num(r.change, True), r.mcid_basis, r.verdict]
            for r in c.outcomes
        ]
        body.append(
            "<h2>Outcomes (against the MCID)</h2><table><tr><th>Outcome</th><th>Before</th><th>After</th>"
            "<th>Change</th><th>MCID</th><th>Verdict</th></tr>"
            + "".join("<tr>" + "".join(f"<td>{e(x)}</td>" for x in row) + "</tr>" for row in cells)
            + "</table>"
        )
    for side in c.sides:
        body.append(f"<h2>{e(side.side.capitalize())}</h2>")
        body.append(f'<p class="verdict">{e(side.verdict)}</p>')
        if side.measurements:
            body.append(
                "<table><tr><th>Measurement</th><th>Before</th><th>After</th><th>Change</th><th>MDC</th>"
                "<th>Verdict</th></tr>" + "".join(_row(r) for r in side.measurements) + "</table>"
            )
        for title, items in (("Appeared", side.appeared), ("Resolved", side.resolved)):
            if items:
                lis = "".join(f"<li>{e(i.label)} <small>({e(i.kind)}: {e(i.id)})</small></li>" for i in items)
                body.append(f"<p>{title}:</p><ul>{lis}</ul>")
    if c.asymmetry:
        rows = "".join(
            f"<tr><td>{e(r.label)}</td><td>{e(_num(r.before))}</td><td>{e(_num(r.after))}</td>"
            f"<td>{e(_num(r.change, True))}</td><td>{e(r.mdc_basis)}</td><td>{e(_sides_text(r))}</td>"
            f"<td>{e(r.verdict)}</td></tr>"
            for r in c.asymmetry
        )
        body.append(
            "<h2>Asymmetry (left-right difference)</h2><table><tr><th>Measurement</th><th>Before</th>"
            f"<th>After</th><th>Change</th><th>Real at</th><th>Each side</th><th>Verdict</th></tr>{rows}</table>"
        )
    body.append(f'<p class="note">{e(MDC_NOTE)}</p>')
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{e(header[0])}</title><style>{CSS}</style></head><body>\n" + "\n".join(body) + "\n</body></html>\n"
    )


RENDERERS = {"text": render_text, "json": render_json, "html": render_html}


def render(c: Comparison, fmt: str) -> str:
    return RENDERERS[fmt](c)
