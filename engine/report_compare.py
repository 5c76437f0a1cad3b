"""Renderers for a visit comparison: plain text, JSON, and a self-contained HTML page (inline CSS, escaped)."""

from __future__ import annotations

from html import escape

from engine.comparison import Comparison, MeasurementChange
from engine.numbers import number_text

MDC_NOTE = (
    "A change counts as real only when it reaches the measurement's minimal detectable change (MDC; Powden 2015,"
    " grade A); a smaller change is within measurement error. Asymmetry is the left-right difference at each visit."
)


def _num(value: float | None, signed: bool = False) -> str:
    if value is None:
        return "-"
    return number_text(value, signed)


def _header(c: Comparison) -> list[str]:
    dates = f"{c.visit_date_before or 'undated'} -> {c.visit_date_after or 'undated'}"
    ids = c.case_id if c.case_id_before == c.case_id_after else f"{c.case_id_before} -> {c.case_id_after}"
    return [f"FOLLOW-UP COMPARISON  {ids}  ({dates})", f"Status: {c.status_before} -> {c.status_after}"]


def render_text(c: Comparison) -> str:
    out = _header(c) + [f"WARNING: {w}" for w in c.warnings] + [""]
    for side in c.sides:
        out.append(f"{side.side.upper()}: {side.verdict}")
        for row in side.measurements:
            out.append(
                f"  - {row.label}: {_num(row.before)} -> {_num(row.after)} {row.unit}"
                f" (change {_num(row.change, True)}, MDC {row.mdc:g}): {row.verdict}"
            )
        out += [f"  appeared: {item.label} ({item.kind})" for item in side.appeared]
        out += [f"  resolved: {item.label} ({item.kind})" for item in side.resolved]
        out.append("")
    if c.asymmetry:
        out.append("ASYMMETRY (left-right difference)")
        for row in c.asymmetry:
            out.append(
                f"  - {row.label}: {_num(row.before)} -> {_num(row.after)} {row.unit}"
                f" (change {_num(row.change, True)}): {row.verdict}"
            )
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
.note{color:#555;font-size:.9rem}
"""


def _cls(verdict: str) -> str:
    return escape(verdict.replace(" ", "-"))


def _row(row: MeasurementChange) -> str:
    cells = [row.label, _num(row.before), _num(row.after), _num(row.change, True), f"{row.mdc:g} {row.unit}"]
    tds = "".join(f"<td>{escape(cell)}</td>" for cell in cells)
    return f'<tr>{tds}<td class="{_cls(row.verdict)}">{escape(row.verdict)}</td></tr>'


def render_html(c: Comparison) -> str:
    e = escape
    header = _header(c)
    body = [f"<h1>{e(header[0])}</h1>", f"<p>{e(header[1])}</p>"]
    body += [f'<p class="warning">Warning: {e(w)}</p>' for w in c.warnings]
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
            f"<td>{e(_num(r.change, True))}</td><td>{e(r.unit)}</td><td>{e(r.verdict)}</td></tr>"
            for r in c.asymmetry
        )
        body.append(
            "<h2>Asymmetry (left-right difference)</h2><table><tr><th>Measurement</th><th>Before</th>"
            f"<th>After</th><th>Change</th><th>Unit</th><th>Verdict</th></tr>{rows}</table>"
        )
    body.append(f'<p class="note">{e(MDC_NOTE)}</p>')
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{e(header[0])}</title><style>{CSS}</style></head><body>\n" + "\n".join(body) + "\n</body></html>\n"
    )


RENDERERS = {"text": render_text, "json": render_json, "html": render_html}


def render(c: Comparison, fmt: str) -> str:
    return RENDERERS[fmt](c)
