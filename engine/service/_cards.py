"""An assessment as CDS Hooks cards: critical per referral; a warning per screen question (with the items it
holds) and one per other reason for holding items (a limb red flag, medical clearance); info with the plan (and a
CarePlan suggestion), info with what to measure next, info with the EHR data not used."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from engine.fhir.assessment_to_fhir import care_plan, flag_labels, ordered_plan, service_request
from engine.fhir.outcome import Issue
from engine.knowledge.vocabulary import Vocabulary
from engine.reasoning.assessment import Assessment, Referral, Withheld
from engine.reports.markdown import untrusted_markdown
from engine.service.cds_models import Card

OVERRIDE_SYSTEM = "https://kinetic-chain-cds.org/fhir/CodeSystem/override-reason"
OVERRIDES = {
    "referral": [
        ("already-referred", "Already referred or seen for this today"),
        ("patient-declined", "Patient declined the referral"),
        ("clinical-judgement", "Red flag judged not present on re-examination"),
    ],
    "screen": [
        ("screen-done", "Screen already done; result recorded elsewhere"),
        ("not-indicated", "Screen not indicated in this presentation"),
    ],
    "held": [
        ("cleared", "Patient already medically cleared"),
        ("clinical-judgement", "Clinical judgement: item safe for this patient"),
    ],
    "plan": [
        ("patient-preference", "Patient prefers another programme"),
        ("existing-plan", "Patient already follows a programme for this"),
        ("clinical-judgement", "Clinical judgement: plan not appropriate now"),
    ],
}


@dataclass(frozen=True)
class CardContext:
    """What every card of one hook call shares."""

    assessment: Assessment
    vocabulary: Vocabulary
    patient_reference: str
    report_url: str | None
    issues: tuple[Issue, ...] = ()


def _uuid() -> str:
    return str(uuid.uuid4())


def short(text: str, limit: int = 139) -> str:
    return text if len(text) <= limit else text[: limit - 3].rstrip(" ,;-") + "..."


def _source(ctx: CardContext) -> dict[str, Any]:
    rb = ctx.assessment.rulebase
    return {
        "label": short(f"{rb.name} v{rb.version}", 200),
        "topic": {
            "system": OVERRIDE_SYSTEM.replace("override-reason", "card-topic"),
            "code": "kinetic-chain",
            "display": "runner kinetic-chain assessment",
        },
    }


def _card(
    ctx: CardContext,
    indicator: str,
    summary: str,
    detail: str,
    reasons: str | None,
    suggestions: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    card: dict[str, Any] = {
        "uuid": _uuid(),
        "summary": short(summary),
        "detail": detail,
        "indicator": indicator,
        "source": _source(ctx),
    }
    if suggestions:
        card["suggestions"] = suggestions
        card["selectionBehavior"] = "at-most-one"
    if reasons:
        card["overrideReasons"] = [{"system": OVERRIDE_SYSTEM, "code": c, "display": d} for c, d in OVERRIDES[reasons]]
    if ctx.report_url:
        card["links"] = [{"label": "Full kinetic-chain report", "url": ctx.report_url, "type": "absolute"}]
    Card.model_validate(card)
    return card


def _status_line(a: Assessment) -> str:
    return f"Status: **{a.status}**" + (f" - {a.status_text}" if getattr(a, "status_text", None) else "")


def _why(item: Any) -> str:
    return f"rules {', '.join(f'`{r}`' for r in item.rules)}; {item.source} (grade {item.grade})"


def referral_card(ctx: CardContext, referral: Referral) -> dict[str, Any]:
    labels = flag_labels(ctx.vocabulary)
    scope = "whole patient" if getattr(referral, "whole_patient", False) else referral.side
    words = ", ".join(f.replace("_", " ") for f in referral.red_flags) or "none named"
    summary = f"Refer {scope}: {referral.label} - red flags: {words}"
    held = [w for w in ctx.assessment.withheld if set(w.red_flags) & set(referral.red_flags)]
    lines = [
        f"**{referral.label}** - {scope}, urgency **{referral.urgency}**",
        "",
        _status_line(ctx.assessment),
        "",
        "Red flags:",
        *[f"- {labels.get(f, f)} (`{f}`)" for f in referral.red_flags],
        "",
        f"Why: {_why(referral)}.",
    ]
    if held:
        lines += ["", "Withheld until cleared:", *[f"- {w.label} - {w.side}" for w in held]]
    resource = service_request(
        ctx.assessment,
        referral,
        {"reference": ctx.patient_reference},
        status="draft",
        intent="proposal",
        vocabulary=ctx.vocabulary,
    )
    suggestion = {
        "label": short(f"Order: {referral.label} ({referral.urgency})", 200),
        "uuid": _uuid(),
        "isRecommended": True,
        "actions": [
            {"type": "create", "description": f"Create a ServiceRequest: {referral.label}", "resource": resource}
        ],
    }
    return _card(ctx, "critical", summary, "\n".join(lines), "referral", [suggestion])


def _questions_of(item: Withheld) -> list[str]:
    """The screen questions an item waits for (case-format v2 `questions`; older results had one `question`)."""
    many = getattr(item, "questions", None)
    one = getattr(item, "question", None)
    return list(many) if many else ([one] if one else [])


def _held_line(item: Withheld, extra: str = "") -> str:
    return f"- {item.label} - {item.side}{extra}"


def _sides(items: list[Withheld]) -> str:
    return ", ".join(sorted({i.side for i in items}))


def _screen_kind(ctx: CardContext, question_id: str) -> str | None:
    """'required' (a screen before any plan), 'advisory', or None for a question that is no screen."""
    spec = ctx.vocabulary.data.get("questions", {}).get(question_id)
    kind = spec.get("screen") if isinstance(spec, dict) else None
    return kind or ("required" if question_id.startswith("screen_") else None)


def _question_label(ctx: CardContext, question_id: str) -> str:
    spec = ctx.vocabulary.data.get("questions", {}).get(question_id)
    return str(spec.get("label", question_id)) if isinstance(spec, dict) else question_id


def screen_cards(ctx: CardContext) -> list[dict[str, Any]]:
    """One card per screen question: a warning when the screen is required before a plan or holds items (info for
    an advisory screen that holds nothing), listing the items it holds and their side. A screen that holds items
    but is not asked here (another side's question) still gets its own warning card."""
    a = ctx.assessment
    pending = [w for w in a.withheld if getattr(w, "reason", None) == "pending"]
    asked = {q.id: q for q in a.questions if _screen_kind(ctx, q.id)}
    order = list(asked) + [q for w in pending for q in _questions_of(w) if q not in asked]
    out = []
    for question_id in dict.fromkeys(order):
        question = asked.get(question_id)
        held = [w for w in pending if question_id in _questions_of(w)]
        required = _screen_kind(ctx, question_id) == "required"
        label = question.label if question else _question_label(ctx, question_id)
        side = question.side if question else _sides(held)
        lines = [f"**{'Screen first' if required else 'Advisory screen'}: {label}** - {side}", "", _status_line(a)]
        if question:
            lines += ["", f"Why: {_why(question)}."]
        if held:
            lines += ["", "Held until this screen is recorded:", *[_held_line(w) for w in held]]
        if required or held:
            held_note = f"; holds {len(held)} item(s)" if held else ""
            summary = f"Screen first ({side}{held_note}): {label}"
            out.append(_card(ctx, "warning", summary, "\n".join(lines), "screen"))
        else:
            out.append(_card(ctx, "info", f"Consider: {label} ({side})", "\n".join(lines), "screen"))
    return out


def _flag_note(item: Withheld) -> str:
    """The red flags holding an item, and the screens it will still wait for once they are cleared."""
    screens = _questions_of(item)
    return f" ({', '.join(item.red_flags)}" + (f"; then pending {', '.join(screens)})" if screens else ")")


def held_cards(ctx: CardContext) -> list[dict[str, Any]]:
    """One warning card per hold that is not a screen: the items a limb red flag holds until its referral clears
    the limb, and the items held until the runner is medically cleared (a whole-patient red flag)."""
    a = ctx.assessment
    labels = flag_labels(ctx.vocabulary)
    out = []
    for reason, title in (
        ("red_flag", "until the referral clears the limb"),
        ("medical_clearance", "until medically cleared"),
    ):
        items = [w for w in a.withheld if getattr(w, "reason", None) == reason]
        if not items:
            continue
        flags = sorted({f for w in items for f in w.red_flags})
        lines = [f"**Held {title}** - {_sides(items)}", "", _status_line(a), "", "Red flags:"]
        lines += [f"- {labels.get(f, f)} (`{f}`)" for f in flags]
        lines += ["", "Held items:", *[_held_line(w, _flag_note(w)) for w in items]]
        summary = f"Held {title}: {len(items)} item(s) ({_sides(items)})"
        out.append(_card(ctx, "warning", summary, "\n".join(lines), "held"))
    return out


def plan_card(ctx: CardContext) -> dict[str, Any] | None:
    a = ctx.assessment
    if not a.recommendations:
        return None
    plan = ordered_plan(a)
    summary = f"Plan: {len(plan)} items, starting with {plan[0].label} ({plan[0].side})"
    has_core = any(getattr(r, "core", None) is not None for r in plan)
    rows = [
        "| # | intervention | side | dose | grade |" + (" core |" if has_core else ""),
        "|---|---|---|---|---|" + ("---|" if has_core else ""),
    ]
    for item in plan:
        core = (" yes |" if item.core else " optional |") if has_core else ""
        dose = item.dose.replace("|", "/")
        warn = "".join(f"<br>WARNING: {w}" for w in item.warnings)
        rows.append(f"| {item.priority} | {item.label} | {item.side} | {dose}{warn} | {item.grade} |{core}")
    lines = [_status_line(a), ""]
    presentations = getattr(a, "presentations", None) or []
    if presentations:
        lines += ["Working diagnoses:", *[f"- {p.label} - {p.side} (grade {p.grade})" for p in presentations], ""]
    lines += rows
    if a.blocked:
        lines += [
            "",
            "Not recommended:",
            *[f"- {b.label} - {b.side}: blocked by {', '.join(b.conditions)}" for b in a.blocked],
        ]
    resource = care_plan(a, {"reference": ctx.patient_reference}, status="draft", intent="proposal")
    suggestion = {
        "label": "Create the home programme as a care plan",
        "uuid": _uuid(),
        "isRecommended": True,
        "actions": [
            {"type": "create", "description": f"Create a CarePlan with {len(plan)} activities", "resource": resource}
        ],
    }
    return _card(ctx, "info", summary, "\n".join(lines), "plan", [suggestion])


def questions_card(ctx: CardContext) -> dict[str, Any] | None:
    questions = [q for q in ctx.assessment.questions if not q.id.startswith("screen_")]
    if not questions:
        return None
    lines = ["To complete the assessment:", *[f"- {q.label} - {q.side}" for q in questions]]
    return _card(
        ctx, "info", f"Complete the assessment: {len(questions)} measurement(s) or question(s)", "\n".join(lines), None
    )


def issues_card(ctx: CardContext) -> dict[str, Any] | None:
    shown = [i for i in ctx.issues if i.severity != "information"]
    if not shown:
        return None
    lines = [
        "The engine did not use this EHR data; check it before relying on the advice:",
        *[f"- {untrusted_markdown(i.line())}" for i in shown],
    ]
    return _card(ctx, "warning", f"{len(shown)} item(s) of the EHR data could not be used", "\n".join(lines), None)


def build_cards(ctx: CardContext) -> list[dict[str, Any]]:
    """Every card for an assessment, most urgent first; an empty list when there is nothing to say."""
    cards = [referral_card(ctx, r) for r in ctx.assessment.referrals]
    cards += screen_cards(ctx) + held_cards(ctx)
    cards += [c for c in (plan_card(ctx), questions_card(ctx), issues_card(ctx)) if c]
    return cards
