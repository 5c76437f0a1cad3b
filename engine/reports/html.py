"""The assessment as one self-contained HTML page (inline CSS and SVG, no scripts, fonts or network)."""

from __future__ import annotations

from html import escape
from typing import Any

from engine.categories import COMPARISON_WORDS
from engine.numbers import number_text
from engine.reasoning.assessment import Assessment, Evidence, Finding, Item
from engine.reasoning.explanation import explanation_of
from engine.reports._css import CSS, graph_box_style
from engine.reports.case_echo import echo_html
from engine.reports.references import html_section
from engine.reports.svg import SVG_NS, render_svg
from engine.reports.text import GRADES, URGENCY_TEXT, held_because

STATUS_CLASS = {
    "refer_urgently": "urgent", "screen_first": "refer", "refer": "refer", "plan": "plan", "no_action": "plan"
}  # fmt: skip
STATUS_SHORT = {
    "refer_urgently": "REFER URGENTLY", "screen_first": "SCREEN FIRST", "refer": "REFER", "plan": "PLAN",
    "no_action": "NO ACTION",
}  # fmt: skip


def _e(text: Any) -> str:
    return escape(str(text), quote=True)


def _word(a: Assessment, name: str) -> str:
    """The label of a clinical word an item names (the assessment carries them)."""
    return a.labels.get(name, name)


def _grade(item: Item) -> str:
    chain = "" if item.chain_grade == item.grade else f' <span class="small">chain {_e(item.chain_grade)}</span>'
    return f'<span class="nw"><span class="grade {_e(item.grade)}">{_e(item.grade)}</span>{chain}</span>'


def _tag(text: str) -> str:
    return f'<span class="tag {_e(text)}">{_e(text)}</span>'


def _rules(item: Item) -> str:
    return "<br>".join(_rule(r) for r in item.rules)


def _rule(rule_id: str) -> str:
    """A rule id that may wrap after its dots."""
    return f'<span class="rule">{_e(rule_id).replace(".", ".<wbr>")}</span>'


def _table(header: list[str], rows: list[list[str]], empty: str = "none") -> str:
    if not rows:
        return f'<p class="none">{_e(empty)}</p>'
    head = "".join(f"<th>{h}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _case_values(a: Assessment) -> dict[tuple[str, str], Evidence]:
    return {(f.name, f.side): f for f in a.facts if f.kind == "measurement" and isinstance(f.value, int | float)}


def _finding_card(a: Assessment, finding: Finding, values: dict[tuple[str, str], Evidence]) -> str:
    """The measurements behind a finding, each side's value, and the thresholds its rules tested."""
    sides = ("left", "right") if finding.side == "both" else (finding.side,)
    evidence = a.evidence(finding)
    measured = list(dict.fromkeys(e.name for e in evidence if e.kind == "measurement"))
    rows = []
    for name in measured:
        spec = next((values[(name, side)] for side in ("left", "right") if (name, side) in values), None)
        label, unit = (spec.label, spec.unit or "") if spec else (name, "")
        tested = [t for t in finding.thresholds if t.measurement == name]
        cells = []
        for side in ("left", "right"):
            fact = values.get((name, side))
            if fact is None:
                cells.append('<span class="none">-</span>')
                continue
            hit = side in sides and any(t.side == side for t in tested)
            cls = "hit" if hit else ""
            cells.append(f'<span class="nw {cls}">{_e(number_text(fact.value))} {_e(unit)}</span>')
        limits = dict.fromkeys((t.test, t.threshold, t.rule) for t in tested)
        texts = [
            f"&#10003; {_e(COMPARISON_WORDS[test])} {_e(number_text(bound))} {_e(unit)} {_rule(rule_id)}"
            for test, bound, rule_id in limits
        ]
        threshold = "<br>".join(texts) or '<span class="small">through another finding</span>'
        rows.append([f"{_e(label)}<br><span class='mono'>{_e(name)}</span>", *cells, threshold])
    others = sorted({f"{e.label} ({e.side})" for e in evidence if e.kind not in ("measurement", "limb")})
    qualifiers = f" &middot; {_e(', '.join(finding.qualifiers))}" if finding.qualifiers else ""
    body = _table(["Measure", "Left", "Right", "Threshold (&#10003; = rule fired)"], rows, "no measurement evidence")
    extra = f'<p class="small">Also based on: {_e("; ".join(others))}</p>' if others else ""
    return (
        f'<div class="card"><h3>{_e(finding.label)}</h3><div class="meta">side: <b>{_e(finding.side)}</b>'
        f"{qualifiers} &middot; grade {_grade(finding)} &middot; {_e(finding.source)}</div>{body}{extra}</div>"
    )


def _banner(a: Assessment) -> str:
    if not a.referrals:
        return ""
    urgency = "urgent" if a.status == "refer_urgently" else "soon"
    items = []
    for r in a.referrals:
        flags = ", ".join(_word(a, f) for f in r.red_flags) or "-"
        items.append(
            f"<li><b>{_e(r.label)}</b> &middot; side: <b>{_e(r.side)}</b> &middot; "
            f"urgency: <b>{_e(URGENCY_TEXT[r.urgency])}</b>"
            f"<br>Red flags: {_e(flags)} <span class='small'>({_e(r.source)}; {_rules(r)})</span></li>"
        )
    held = ", ".join(f"{w.label} ({w.side})" for w in a.withheld)
    blocked = ", ".join(f"{b.label} ({b.side})" for b in a.blocked)
    return (
        f'<section class="banner {_e(urgency)}" role="alert" id="referral"><h2>{_e(a.status_text)}</h2>'
        f"<ul>{''.join(items)}</ul>"
        + (f"<p><b>Withheld until cleared:</b> {_e(held)}</p>" if held else "")
        + (f"<p><b>Blocked:</b> {_e(blocked)}</p>" if blocked else "")
        + "</section>"
    )


def _plan(a: Assessment) -> str:
    rows = []
    for r in a.recommendations:
        warnings = "<br>".join(f'<span class="warn">&#9888; {_e(w)}</span>' for w in r.warnings) or "-"
        rows.append(
            [
                f'<span class="num">{r.priority}</span>',
                f"<b>{_e(r.label)}</b><br><span class='small'>{_e(r.family)}</span>",
                _e(r.side),
                f"{_e(r.dose)}<br><span class='small'>{_e(r.dose_source)}</span>",
                _grade(r),
                warnings,
                _rules(r),
            ]
        )
    header = ["#", "Intervention", "Side", "Dose", "Grade", "Warnings", "Rules"]
    return _table(header, rows, "No interventions recommended.")


def _not_recommended(a: Assessment) -> str:
    rows = []
    for w in a.withheld:
        flags = ", ".join(_word(a, f) for f in w.red_flags)
        blocked = ", ".join(_word(a, c) for c in w.also_blocked_by)
        reason = held_because(w) + (f". Red flags: {flags}" if flags else "")
        reason += f". Also blocked (contraindication): {blocked}" if blocked else ""
        rows.append(
            [
                f"<b>{_e(w.label)}</b>",
                _e(w.side),
                _tag("withheld"),
                _e(reason),
                "after the screen" if w.reason == "pending" else "after medical clearance",
                _rules(w),
            ]
        )
    for b in a.blocked:
        reasons = ", ".join(_word(a, c) for c in b.conditions) or "-"
        alternative = _word(a, b.alternative) if b.alternative else None
        alt = _e(alternative) if alternative else '<span class="none">no unblocked alternative in its family</span>'
        rows.append(
            [
                f"<b>{_e(b.label)}</b>",
                _e(b.side),
                _tag("blocked"),
                f"contraindication: {_e(reasons)}",
                alt,
                _rules(b),
            ]
        )
    return _table(
        ["Intervention", "Side", "Outcome", "Reason", "Alternative", "Rules"], rows, "Nothing withheld or blocked."
    )


def render_html(assessment: Assessment) -> str:
    """One self-contained, printable HTML page for the assessment: a pure function of it (same assessment
    in, same bytes out; the thresholds shown are the ones that fired, with the values measured)."""
    a = assessment
    values = _case_values(a)
    findings = "".join(_finding_card(a, f, values) for f in a.findings)
    compensations = _table(
        ["Compensation", "Side", "Status", "Grade", "Source", "Rules"],
        [
            [
                f"<b>{_e(c.label)}</b>",
                _e(c.side),
                _tag("observed" if c.observed else "expected"),
                _grade(c),
                _e(c.source),
                _rules(c),
            ]
            for c in a.compensations
        ],
    )
    risks = _table(
        ["Risk", "Side", "Grade", "Source", "Rules"],
        [[f"<b>{_e(r.label)}</b>", _e(r.side), _grade(r), _e(r.source), _rules(r)] for r in a.risks],
    )
    presentations = _table(
        ["Working diagnosis", "Side", "Grade", "Source", "Rules"],
        [[f"<b>{_e(p.label)}</b>", _e(p.side), _grade(p), _e(p.source), _rules(p)] for p in a.presentations],
        "No working diagnosis: no symptom with a consistent pattern.",
    )
    questions = _table(
        ["Question", "Side", "Grade", "Rules"],
        [[_e(q.label), _e(q.side), _grade(q), _rules(q)] for q in a.questions],
        "No open questions.",
    )
    # inline SVG in HTML needs no namespace declaration: the page then carries no URL at all
    svg = render_svg(explanation_of(a), f"Why: {a.case_id}").replace(f' xmlns="{SVG_NS}"', "", 1)
    width = svg.split('data-width="', 1)[1].split('"', 1)[0] if 'data-width="' in svg else "0"
    rb = a.rulebase
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>Kinetic-chain assessment {_e(a.case_id)}</title>",
        f"<style>{CSS}</style></head><body><main>",
        '<header class="top"><div>',
        f'<h1>Kinetic-chain assessment <span class="case">{_e(a.case_id)}</span></h1>',
        f'<p class="sub">Rule-based decision support for runners &middot; rule base {_e(rb.version)}</p></div>',
        f'<div class="status {STATUS_CLASS[a.status]}">{STATUS_SHORT[a.status]}</div></header>',
        _banner(a),
        echo_html(a, _e),
        f'<section id="presentations"><h2>Working diagnoses</h2>{presentations}</section>',
        '<section id="findings"><h2>Findings</h2>',
        findings or '<p class="none">No findings.</p>',
        "</section>",
        f'<section id="plan"><h2>Plan (in priority order)</h2>{_plan(a)}</section>',
        f'<section id="not-recommended"><h2>Withheld and blocked</h2>{_not_recommended(a)}</section>',
        f'<section id="questions"><h2>Questions</h2>{questions}</section>',
        '<section id="compensations"><h2>Compensations</h2>',
        '<p class="small">Observed = seen in this runner; expected = predicted from the restriction.</p>',
        f"{compensations}</section>",
        f'<section id="risks"><h2>Risks</h2>{risks}</section>',
        '<section class="explanation" id="explanation"><h2>Explanation</h2>',
        '<p class="small">Case facts flow left to right into conclusions; each dashed box is one rule firing, '
        "labelled with its rule id and evidence grade. Only facts used by a rule are shown.</p>",
        f'<figure class="graph"><div class="graph-inner" style="{graph_box_style(width)}">',
        f"{svg}</div></figure></section>",
        html_section(a),
        "<footer>",
        f"<p>{_e(GRADES)}</p>",
        f"<p>Engine {_e(a.engine_version)} &middot; {_e(rb.name)} &middot; version {_e(rb.version)}<br>",
        f"Rule base sha256 <code>{_e(rb.sha256)}</code></p>",
        "<p>Decision support only: it does not replace clinical examination or judgement.</p>",
        "</footer></main></body></html>",
    ]
    return "\n".join(parts) + "\n"
