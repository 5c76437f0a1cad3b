"""The clinician's plain-text report: referral first, then findings, plan with doses and the why of each item."""

from __future__ import annotations

import textwrap

from engine.categories import COMPARISON_SYMBOLS
from engine.numbers import number_text
from engine.reasoning.assessment import Assessment, Blocked, Finding, Item, Withheld
from engine.reports.case_echo import complaint_lines, patient_line, recorded_lines
from engine.reports.references import text_lines

GRADES = "Grades: A = review/RCT/cohort/guideline; B = cross-sectional/case-control; C = consensus/practice."
WIDTH = 100  # a report fits a terminal of 100 columns
NONE = "none recorded"  # what case_echo says of an empty section; the text report names them on one line
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


def _withheld_lines(items: list[Withheld]) -> list[str]:
    """Held items, one line per side and reason listing every item it holds (each item still named, with any
    contraindication that outlasts the hold)."""
    groups: dict[tuple[str, str], list[str]] = {}
    for item in items:
        reason = held_because(item.model_copy(update={"also_blocked_by": []}))
        later = f" (contraindicated too: {', '.join(item.also_blocked_by)})" if item.also_blocked_by else ""
        groups.setdefault((item.side, reason), []).append(item.label + later)
    return [f"  - {side}, withheld {reason}: {', '.join(labels)}" for (side, reason), labels in groups.items()]


def _blocked_lines(items: list[Blocked], verbose: bool) -> list[str]:
    """Blocked items: one line per side, conditions and alternative; verbose, one line per item with rule ids."""
    groups: dict[tuple[str, str, str], list[str]] = {}
    for item in items:
        alternative = (
            f"alternative: {item.alternative}" if item.alternative else "no unblocked alternative in its family"
        )
        if verbose:
            rules = f" [{', '.join(item.rules)}]"
            groups[(item.side, item.id, "")] = [
                f"  - {item.label} - {item.side}: blocked by {', '.join(item.conditions)}{rules}; {alternative}"
            ]
            continue
        groups.setdefault((item.side, ", ".join(item.conditions), alternative), []).append(item.label)
    if verbose:
        return [line for lines in groups.values() for line in lines]
    return [
        f"  - {side}, blocked by {conditions} ({alternative}): {', '.join(labels)}"
        for (side, conditions, alternative), labels in groups.items()
    ]


def _evidence(item: Finding) -> str:
    """'lunge_angle_deg 31 < 31.8, lunge_distance_cm 6.5 < 7.1': the values that crossed the finding's thresholds,
    with the thresholds (grouped by side only when the finding is on both legs)."""
    sides: dict[str, dict[tuple[str, str], list[str]]] = {}
    for t in item.thresholds:
        side = f"{t.side} " if item.side == "both" and t.side != "none" else ""
        bound = f"{COMPARISON_SYMBOLS[t.test]} {number_text(t.threshold)}"
        sides.setdefault(side, {}).setdefault((t.measurement, number_text(t.value)), []).append(bound)
    shown = {
        side: ", ".join(
            f"{name} {value} {b[0]}"
            if len(b := list(dict.fromkeys(bounds))) == 1
            else f"{name} {value} ({', '.join(b)})"
            for (name, value), bounds in rows.items()
        )
        for side, rows in sides.items()
    }
    return "; ".join(side + values for side, values in shown.items())


def why_lines(a: Assessment, kind: str, item: Item) -> list[str]:
    """One line per rule that concluded the item: the rule, its grade and what it matched."""
    lines = []
    for reason in item.because:
        if reason.fact.split(":", 1)[0] != kind:
            continue
        premises = ", ".join(a.fact_label(p) for p in sorted(reason.premises))
        line = f"because {premises}  [{reason.rule}, grade {reason.grade}]"
        if line not in lines:
            lines.append(line)
    return lines


def _item_line(item: Item, extra: str = "", verbose: bool = False) -> str:
    contradicted = "".join(f"; contradicted: {source}" for source in item.contradicted_by)
    source = f" ({item.source}{contradicted})" if verbose or contradicted else ""
    return f"  - {item.label} - {item.side}{extra} [grade {item.grade}; chain {item.chain_grade}]{source}"


def _because(a: Assessment, item: Item, verbose: bool) -> list[str]:
    """Why an item is there: every rule with its grade (verbose), else the premises once, on one line."""
    lines = why_lines(a, "recommendation", item)
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
    rows = recorded_lines(a.case)
    missing = [label.lower() for label, text in rows if text == NONE]
    recorded = [f"{label}: {text}" for label, text in rows if text != NONE]
    line = "; ".join(recorded + ([f"{NONE}: {', '.join(missing)}"] if missing else []))
    out.append(line[:1].upper() + line[1:])
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


def _section(title: str, lines: list[str]) -> list[str]:
    """A titled section; an empty one is a single line ('RISKS (...): none') and a one-item one starts on the
    title line, so short sections cost no screen space."""
    if len(lines) == 1:
        return [f"{title}: {lines[0].strip().removeprefix('- ')}"]
    return [title, *lines] if lines else [f"{title}: none"]


def _expected_line(expected: list[Item], verbose: bool, head: str) -> list[str]:
    """Expected (unobserved) compensations on one line, per side; a line too long for the screen ends with
    how many more there are (all of them with --verbose)."""
    if not expected:
        return []
    by_side: dict[str, list[str]] = {}
    for c in expected:
        if c.id not in by_side.setdefault(c.side, []):
            by_side[c.side].append(c.id)
    text = head + "; ".join(f"{side} {', '.join(ids)}" for side, ids in by_side.items())
    if verbose or len(text) <= WIDTH:
        return [text]
    shown, total = [], sum(len(ids) for ids in by_side.values())
    for side, ids in by_side.items():
        for name in ids:
            more = f" +{total - len(shown) - 1} more" if len(shown) + 1 < total else ""
            trial = head + _per_side([*shown, (side, name)]) + more
            if len(trial) > WIDTH:
                return [head + _per_side(shown) + f" +{total - len(shown)} more"]
            shown.append((side, name))
    return [head + _per_side(shown)]


def _per_side(pairs: list[tuple[str, str]]) -> str:
    sides: dict[str, list[str]] = {}
    for side, name in pairs:
        sides.setdefault(side, []).append(name)
    return "; ".join(f"{side} {', '.join(names)}" for side, names in sides.items())


def _layers(a: Assessment, verbose: bool) -> list[str]:
    out = _section("PRESENTATIONS (working diagnoses)", [_item_line(p, verbose=verbose) for p in a.presentations])
    findings = []
    for item in a.findings:
        extra = f", {', '.join(item.qualifiers)}" if item.qualifiers else ""
        measured = f": {_evidence(item)}" if _evidence(item) else ""
        findings.append(_item_line(item, extra, verbose) + measured)
    out += _section("FINDINGS", findings)
    observed = [_item_line(c, ", observed", verbose) for c in a.compensations if c.observed]
    expected = [c for c in a.compensations if not c.observed]
    title = "COMPENSATIONS (observed = seen in this runner)"
    if observed:
        out += [title, *observed, *_expected_line(expected, verbose, "  expected, not seen (no chain): ")]
    else:
        out += _expected_line(expected, verbose, "COMPENSATIONS: none observed; expected (no chain): ") or [
            f"{title}: none"
        ]
    out += _section("RISKS (asymptomatic side only)", [_item_line(r, verbose=verbose) for r in a.risks])
    return [*out, ""]


def _plan_lines(a: Assessment, verbose: bool) -> list[str]:
    out = ["PLAN - core home programme first"]
    groups = [
        ("  CORE", [r for r in a.recommendations if r.core]),
        ("  OPTIONAL", [r for r in a.recommendations if not r.core and r.role != "retest"]),
        ("  RE-TEST", [r for r in a.recommendations if r.role == "retest"]),
    ]
    for title, items in groups:
        out += [title] if items else []
        for rec in items:
            because = _because(a, rec, verbose) if rec.role != "retest" or verbose else []
            head = f"  {rec.priority}. {rec.label} - {rec.side} [grade {rec.grade}; chain {rec.chain_grade}]"
            dose = f"dose: {rec.dose}" + (f" ({rec.dose_source})" if verbose else "")
            if not verbose:  # one paragraph per item: what, side, grades, dose, then why
                out.append(f"{head}; {dose}" + (f" ({because[0].removeprefix(' - ')})" if because else ""))
                out += [f"      WARNING: {warning}" for warning in rec.warnings]
                continue
            out.append(head + (because[0] if because and not verbose else ""))
            out.append(f"      {dose}")
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
        out += _section("NOT RECOMMENDED", _withheld_lines(a.withheld) + _blocked_lines(a.blocked, verbose))
    if a.questions:
        sides: dict[str, list[str]] = {}
        for q in a.questions:
            sides.setdefault(q.side, []).append(q.label)
        questions = [f"  - {SIDE_WORDS[side]}: {'; '.join(labels)}" for side, labels in sides.items()]
        out += _section("QUESTIONS (data that would sharpen this assessment)", questions)
    out.append(GRADES)
    references = text_lines(a, verbose)
    out += references if verbose else [line for line in references if line]  # the key list follows the grades
    return "\n".join(wrapped for line in out for wrapped in _wrap(line)) + "\n"


def _wrap(line: str) -> list[str]:
    """Lines of at most WIDTH columns, continuation indented under the item's text."""
    if len(line) <= WIDTH:
        return [line]
    indent = " " * (len(line) - len(line.lstrip()) + 4)
    return textwrap.wrap(line, WIDTH, subsequent_indent=indent, break_on_hyphens=False) or [line]
