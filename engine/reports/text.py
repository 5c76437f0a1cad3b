"""The clinician's plain-text report: referral first, then findings, plan with doses and the why of each item."""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING

from engine.numbers import number_text
from engine.reasoning.assessment import Assessment, Item, Withheld
from engine.reports.case_echo import complaint_lines, patient_line, recorded_lines
from engine.reports.references import text_lines
from engine.reports.why import graph_of

if TYPE_CHECKING:
    import networkx as nx  # annotations only: these reports need no networkx to run

GRADES = "Grades: A = review/RCT/cohort/guideline; B = cross-sectional/case-control; C = consensus/practice."
WIDTH = 100  # a report fits a terminal of 100 columns
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


def _evidence(item: Item) -> str:
    return "; ".join(
        f"{e.name}{'' if e.side == 'none' else ' ' + e.side} {number_text(e.value)}"
        for e in item.evidence
        if e.value is not None
    )


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


def _item_line(item: Item, extra: str = "", verbose: bool = False) -> str:
    contradicted = "".join(f"; contradicted: {source}" for source in item.contradicted_by)
    source = f" ({item.source}{contradicted})" if verbose or contradicted else ""
    return f"  - {item.label} - {item.side}{extra} [grade {item.grade}; chain {item.chain_grade}]{source}"


def _because(graph: nx.DiGraph, item: Item, verbose: bool) -> list[str]:
    """Why an item is there: every rule with its grade (verbose), else the premises once, on one line."""
    lines = why_lines(graph, "recommendation", item)
    if verbose:
        return [f"      {line}" for line in lines]
    premises = {p for line in lines for p in line.removeprefix("because ").split("  [")[0].split(", ")}
    names = sorted(
        {p.removesuffix(f" ({item.side})").removesuffix(" (left)").removesuffix(" (right)") for p in premises}
    )
    return [f" - because {', '.join(names)}"] if names else []


def _case_lines(a: Assessment) -> list[str]:
    out = [f"Runner: {patient_line(a.patient)}"] if a.patient else []
    complaint = complaint_lines(a.case)
    out += [f"Complaint: {complaint[0]}", *(f"           {line}" for line in complaint[1:])] if complaint else []
    out.append("; ".join(f"{label}: {text}" for label, text in recorded_lines(a.case)))
    return out


def _referral_lines(a: Assessment) -> list[str]:
    out = ["!!! REFERRAL !!!"]
    for referral in a.referrals:
        flags = f": red flags {', '.join(referral.red_flags)}" if referral.red_flags else ""
        scope = " (whole patient)" if referral.whole_patient else ""
        out.append(f"  - {referral.label} - {referral.side}{scope}, {URGENCY_TEXT[referral.urgency]}{flags}")
        out += [f"      NOTE: {note}" for note in referral.notes]
        out.append(f"      {referral.source} [grade {referral.grade}]")
    return [*out, ""]


def _layers(a: Assessment, verbose: bool) -> list[str]:
    out = ["PRESENTATIONS (working diagnoses)"]
    out += [_item_line(p, verbose=verbose) for p in a.presentations] or ["  (none)"]
    out += ["", "FINDINGS"]
    for item in a.findings:
        extra = f", {', '.join(item.qualifiers)}" if item.qualifiers else ""
        out += [_item_line(item, extra, verbose)]
        out += [f"      measured: {_evidence(item)}"] if _evidence(item) else []
    out += ["  (none)"] if not a.findings else []
    observed = [c for c in a.compensations if c.observed]
    expected = [c for c in a.compensations if not c.observed]
    out += ["", "COMPENSATIONS (observed = seen in this runner)"]
    out += [_item_line(c, ", observed", verbose) for c in observed]
    if expected:
        names = ", ".join(dict.fromkeys(f"{c.id} ({c.side})" for c in expected))
        out.append(f"  expected, not seen (start no chain): {names}")
    out += ["  (none)"] if not a.compensations else []
    out += ["", "RISKS (asymptomatic side only)"]
    out += [_item_line(r, verbose=verbose) for r in a.risks] or ["  (none)"]
    return [*out, ""]


def _plan_lines(a: Assessment, verbose: bool) -> list[str]:
    graph = graph_of(a)
    out = ["PLAN - core home programme first"]
    groups = [
        ("  CORE", [r for r in a.recommendations if r.core]),
        ("  OPTIONAL", [r for r in a.recommendations if not r.core and r.role != "retest"]),
        ("  RE-TEST", [r for r in a.recommendations if r.role == "retest"]),
    ]
    for title, items in groups:
        out += [title] if items else []
        for rec in items:
            because = _because(graph, rec, verbose) if rec.role != "retest" or verbose else []
            head = f"  {rec.priority}. {rec.label} - {rec.side} [grade {rec.grade}; chain {rec.chain_grade}]"
            out.append(head + (because[0] if because and not verbose else ""))
            out.append(f"      dose: {rec.dose}" + (f" ({rec.dose_source})" if verbose else ""))
            out += [f"      WARNING: {warning}" for warning in rec.warnings]
            out += because if verbose else []
    if a.omitted:
        out.append(f"  also possible (left out to keep the plan short): {', '.join(a.omitted)}")
    out += ["  (nothing to give)"] if not a.recommendations else []
    return [*out, ""]


def render_text(assessment: Assessment, verbose: bool = False) -> str:
    """The report a clinician reads; `verbose` adds each rule id and source (also in `explain`)."""
    a = assessment
    out = [
        f"KINETIC-CHAIN ASSESSMENT  {a.case_id}" + (f"  (visit {a.visit_date})" if a.visit_date else ""),
        *_case_lines(a),
        f"Status: {a.status_text}",
        f"Engine {a.engine_version} | rule base {a.rulebase.version} (sha256 {a.rulebase.sha256[:12]})",
        "",
    ]
    out += _referral_lines(a) if a.referrals else []
    out += _layers(a, verbose)
    out += _plan_lines(a, verbose)
    if a.withheld or a.blocked:
        out.append("NOT RECOMMENDED")
        for item in a.withheld:
            out.append(f"  - {item.label} - {item.side}: withheld {held_because(item)}")
        for item in a.blocked:
            alternative = (
                f"; alternative: {item.alternative}" if item.alternative else "; no unblocked alternative in its family"
            )
            rules = f" [{', '.join(item.rules)}]" if verbose else ""
            out.append(f"  - {item.label} - {item.side}: blocked by {', '.join(item.conditions)}{rules}{alternative}")
        out.append("")
    if a.questions:
        out.append("QUESTIONS (data that would sharpen this assessment)")
        out += [f"  - {SIDE_WORDS[q.side]}: {q.label}" for q in a.questions]
        out.append("")
    out.append(GRADES)
    out += text_lines(a, verbose)
    return "\n".join(wrapped for line in out for wrapped in _wrap(line)) + "\n"


def _wrap(line: str) -> list[str]:
    """Lines of at most WIDTH columns, continuation indented under the item's text."""
    if len(line) <= WIDTH:
        return [line]
    indent = " " * (len(line) - len(line.lstrip()) + 4)
    return textwrap.wrap(line, WIDTH, subsequent_indent=indent, break_on_hyphens=False) or [line]
