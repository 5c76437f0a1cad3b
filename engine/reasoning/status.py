"""The assessment's status and its one-line text, derived from what the plan actually holds.

The highest-ranked status that applies wins (vocabulary `statuses`): refer_urgently (an emergency or
same-day referral) > screen_first (a required screen is missing) > refer (soon or routine) > plan >
no_action. The text is built from the items themselves, so it can never promise what the plan does not
hold: no "withheld" above a full plan, no referral label with nothing after it.
"""

from __future__ import annotations

from collections.abc import Sequence

from engine.knowledge.vocabulary import Vocabulary
from engine.reasoning.assessment import Question, Recommendation, Referral, Withheld

SIDE_TEXT = {"left": "the left leg", "right": "the right leg", "both": "both legs"}


def _applies(
    vocabulary: Vocabulary, referrals: Sequence[Referral], questions: Sequence[Question], plan: Sequence[Recommendation]
) -> list[str]:
    urgent = [r for r in referrals if vocabulary.urgencies[r.urgency].urgent]
    required = [q for q in questions if vocabulary.questions[q.id].screen == "required"]
    applies = ["refer_urgently"] if urgent else []
    applies += ["screen_first"] if required else []
    applies += ["refer"] if referrals and not urgent else []
    applies += ["plan"] if plan or questions else []
    return applies or ["no_action"]


def _holds(withheld: Sequence[Withheld]) -> list[str]:
    parts = []
    cleared = sorted({w.side for w in withheld if w.reason == "medical_clearance"})
    if cleared:
        parts.append("every item withheld on both legs until medically cleared")
    limb = sorted({w.side for w in withheld if w.reason == "red_flag"})
    if limb and not cleared:
        sides = "both" if "both" in limb or len(limb) == 2 else limb[0]
        parts.append(f"no advice for {SIDE_TEXT[sides]} until the referral has cleared it")
    pending = sorted({q for w in withheld if w.reason == "pending" for q in w.questions})
    if pending and not cleared:
        parts.append(f"items held pending {', '.join(pending)}")
    return parts


def judge_status(
    vocabulary: Vocabulary,
    referrals: Sequence[Referral],
    questions: Sequence[Question],
    plan: Sequence[Recommendation],
    withheld: Sequence[Withheld],
) -> tuple[str, str]:
    status = max(_applies(vocabulary, referrals, questions, plan), key=lambda s: vocabulary.statuses[s].rank)
    text = vocabulary.statuses[status].label
    if referrals and status in ("refer_urgently", "refer", "screen_first"):
        top = referrals[0]
        text += f" ({vocabulary.referrals[top.id]}, {vocabulary.urgencies[top.urgency].label})"
    if status == "screen_first":
        required = sorted({q.id for q in questions if vocabulary.questions[q.id].screen == "required"})
        text += f" (answer {', '.join(required)})"
    if status == "no_action":
        return status, text
    parts = _holds(withheld)
    if plan:
        sides = sorted({r.side for r in plan})
        where = "both legs" if "both" in sides or len(sides) == 2 else SIDE_TEXT[sides[0]]
        parts.append(f"{len(plan)} item{'s' if len(plan) > 1 else ''} given for {where}")
    elif withheld or referrals:
        parts.append("nothing given until then")
    elif questions:
        parts.append("nothing to give yet: answer the questions below")
    return status, text + (" - " + "; ".join(parts) if parts else "")
