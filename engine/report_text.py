"""The clinician's plain-text report: referral first, then findings, plan with doses and the why of each item."""

from __future__ import annotations

import networkx as nx

from engine.numbers import number_text
from engine.result import Assessment, Item, Withheld
from engine.why import graph_of

GRADES = (
    "Evidence grades: A = systematic review, RCT or prospective cohort; B = cross-sectional, case-control,"
    " small cohort; C = consensus, expert opinion or the article's practice model."
)
SIDE_WORDS = {"left": "left leg", "right": "right leg", "both": "both legs"}
URGENCY_TEXT = {"emergency": "EMERGENCY", "same_day": "same day", "soon": "within 1-2 weeks", "routine": "routine"}


def held_because(item: Withheld) -> str:
    """Why an item is held back, in the words the status line uses."""
    if item.reason == "pending":
        blocked = f"; contraindicated too: {', '.join(item.also_blocked_by)}" if item.also_blocked_by else ""
        return f"pending {', '.join(item.questions)}{blocked}"
    because = f"red flags {', '.join(item.red_flags)}" if item.red_flags else "the referral"
    until = "until medically cleared" if item.reason == "medical_clearance" else "until the referral has cleared it"
    pending = f"; also pending {', '.join(item.questions)}" if item.questions else ""
    referrals = f"; referral {', '.join(item.withheld_by)}" if item.withheld_by else ""
    blocked = f"; contraindicated afterwards too: {', '.join(item.also_blocked_by)}" if item.also_blocked_by else ""
    return f"{until} ({because}{referrals}{pending}){blocked}"


def patient_line(patient: dict[str, object]) -> str:
    parts = [f"age {number_text(patient['age'])}" if "age" in patient else "", str(patient.get("sex", ""))]
    parts.append(f"{number_text(patient['weekly_km'])} km/week" if "weekly_km" in patient else "")
    return ", ".join(part for part in parts if part)


def _evidence(item: Item) -> str:
    values = [f"{e.name} {e.side} {number_text(e.value)}" for e in item.evidence if e.value is not None]
    others = sorted({f"{e.name} ({e.side})" for e in item.evidence if e.value is None})
    return "; ".join(values + others)


def why_lines(graph: nx.DiGraph, kind: str, item: Item) -> list[str]:
    """One line per rule that concluded the item: the rule, its grade and what it matched."""
    sides = ("left", "right") if item.side == "both" else (item.side,)
    lines = []
    for side in sides:
        node = f"{kind}:{item.id}:{side}"
        if not graph.has_node(node):
            continue
        for firing in sorted(graph.predecessors(node)):
            data = graph.nodes[firing]
            premises = ", ".join(graph.nodes[p]["label"] for p in sorted(graph.predecessors(firing)))
            line = f"because {premises}  [{data['rule']}, grade {data['grade']}]"
            if line not in lines:
                lines.append(line)
    return lines


def _item_line(item: Item, extra: str = "") -> str:
    return f"  - {item.label} - {item.side}{extra} [grade {item.grade}; chain {item.chain_grade}] ({item.source})"


def render_text(assessment: Assessment) -> str:
    a = assessment
    out = [
        f"KINETIC-CHAIN ASSESSMENT  {a.case_id}" + (f"  (visit {a.visit_date})" if a.visit_date else ""),
        *([f"Runner: {patient_line(a.patient)}"] if a.patient else []),
        f"Status: {a.status_text}",
        f"Engine {a.engine_version} | rule base {a.rulebase.version} (sha256 {a.rulebase.sha256[:12]})",
        "",
    ]
    if a.referrals:
        out.append("!!! REFERRAL !!!")
        for referral in a.referrals:
            flags = f": red flags {', '.join(referral.red_flags)}" if referral.red_flags else ""
            scope = " (whole patient)" if referral.whole_patient else ""
            out.append(f"  - {referral.label} - {referral.side}{scope}, {URGENCY_TEXT[referral.urgency]}{flags}")
            out += [f"      NOTE: {note}" for note in referral.notes]
            out.append(f"      {referral.source} [grade {referral.grade}]")
        out.append("")
    sections = [
        ("FINDINGS", "finding", a.findings),
        (
            "COMPENSATIONS (observed = seen in this runner; expected = predicted from the restriction)",
            "compensation",
            a.compensations,
        ),
        ("RISKS", "risk", a.risks),
    ]
    for title, kind, items in sections:
        out.append(title)
        for item in items:
            extra = ""
            if kind == "compensation":
                extra = ", observed" if item.observed else ", expected"
            if kind == "finding" and item.qualifiers:
                extra = f", {', '.join(item.qualifiers)}"
            out.append(_item_line(item, extra))
            if kind == "finding":
                out.append(f"      measured: {_evidence(item)}")
        if not items:
            out.append("  (none)")
        out.append("")
    out.append("PLAN (in priority order)")
    graph = graph_of(a)
    for rec in a.recommendations:
        out.append(f"  {rec.priority}. {rec.label} - {rec.side} [{rec.family}, grade {rec.grade}]")
        out.append(f"      dose: {rec.dose} ({rec.dose_source})")
        out += [f"      WARNING: {warning}" for warning in rec.warnings]
        out += [f"      {line}" for line in why_lines(graph, "recommendation", rec)]
    if not a.recommendations:
        out.append("  (no interventions)")
    out.append("")
    if a.withheld or a.blocked:
        out.append("NOT RECOMMENDED")
        for item in a.withheld:
            out.append(f"  - {item.label} - {item.side}: withheld {held_because(item)}")
        for item in a.blocked:
            alternative = (
                f"; alternative: {item.alternative}" if item.alternative else "; no unblocked alternative in its family"
            )
            reasons, rules = ", ".join(item.conditions), ", ".join(item.rules)
            out.append(f"  - {item.label} - {item.side}: blocked by {reasons} [{rules}]{alternative}")
        out.append("")
    if a.questions:
        out.append("QUESTIONS (data that would sharpen this assessment)")
        out += [f"  - {SIDE_WORDS[q.side]}: {q.label}" for q in a.questions]
        out.append("")
    out.append(GRADES)
    return "\n".join(out) + "\n"
