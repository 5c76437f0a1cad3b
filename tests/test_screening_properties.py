"""Screen-before-you-plan invariants over cases generated from the v2 case schema (hypothesis).

Every judgement here is made from lists this test owns, written from docs/clinical-basis.md (sections 5-7) and
the case contract, never from what the engine says about itself (its families, its fact placement):
(1) no item gated by a missing screen is ever recommended on its limb;
(2) nothing at all (but stopping and offloading) under a whole-patient red flag;
(3) a sided red flag never withholds the other limb unless it is a whole-patient flag;
(4) the status is the highest that applies;
(5) nothing but stopping and offloading on a limb with a red flag, judged by an independent list of what is
    advice (an exercise, a treatment or a re-test) rather than by the engine's families.
"""

from __future__ import annotations

from typing import Any

from _support import case_strategy, sides_of
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import engine

CASES = case_strategy()
FAST = {"deadline": None, "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large]}
SIDES = ("left", "right")

OFFLOAD = "stop_running_and_offload"
#: Everything the engine may advise that is advice to do something to the leg (exercise, treatment, re-test):
#: all of it waits for a red flag to be cleared.
ADVICE = frozenset(
    {
        "kneeling_dorsiflexion_rocks", "ankle_wall_drill", "band_assisted_mobilization", "gastrocnemius_stretch",
        "plantar_fascia_stretch", "foam_rolling", "lacrosse_ball_massage", "sports_massage", "contrast_therapy",
        "calf_raises", "soleus_calf_raises", "single_leg_balance", "resisted_ankle_exercises",
        "kinetic_chain_strength", "achilles_loading_programme", "patellar_tendon_loading", "plantar_fascia_loading",
        "taping", "foot_orthoses", "heel_cups_and_activity_modification", "apophysis_load_management",
        "running_load_management", "cadence_retraining", "graded_return_to_run", "professional_movement_assessment",
        "reassess_dorsiflexion", "reassess_outcomes",
    }
)  # fmt: skip
HEAVY_LOADING = frozenset({"achilles_loading_programme", "patellar_tendon_loading", "plantar_fascia_loading"})
RUNNING = frozenset({"running_load_management", "graded_return_to_run", "cadence_retraining"})
LOADING = HEAVY_LOADING | {
    "single_leg_balance", "resisted_ankle_exercises", "kinetic_chain_strength", "soleus_calf_raises",
    "running_load_management", "graded_return_to_run", "cadence_retraining", "apophysis_load_management",
}  # fmt: skip
WHOLE_PATIENT = frozenset(
    {
        "calf_swelling_warmth", "dvt_wells_likely", "saddle_anaesthesia", "bladder_or_bowel_change",
        "chest_pain_or_breathlessness", "fever_or_systemic_illness", "unexplained_weight_loss",
    }
)  # fmt: skip
VTE_RISK = frozenset({"active_cancer", "prior_vte", "recent_travel_or_surgery", "postpartum", "pregnancy"})
ANKLE_SITES = ("anterior_ankle", "lateral_ankle", "medial_ankle")
BONE_SITES = ("shin", "groin", "hip", "plantar_heel", "posterior_heel", *ANKLE_SITES, "midfoot", "forefoot")
REQUIRED_SCREENS = frozenset(
    {"screen_dvt_wells", "screen_thompson", "screen_ottawa", "screen_bone_stress", "screen_neuro", "screen_scfe"}
)
URGENT = frozenset({"emergency", "same_day"})
RANK = {"refer_urgently": 5, "screen_first": 4, "refer": 3, "plan": 2, "no_action": 1}


def _symptoms(case: dict[str, Any]) -> list[tuple[str, str, str, float | None]]:
    """(site, side, onset as the contract reads it, weeks) for every site on every limb. As docs/case-format.md
    says, entries for one site and leg are one symptom: the most acute onset (injury, sudden, gradual; a missing
    onset read per entry) and the longest weeks."""
    acute = "acute_injury_72h" in case.get("conditions", [])
    order = ("gradual", "sudden", "injury")
    merged: dict[tuple[str, str], tuple[str, float | None]] = {}
    for s in case.get("symptoms", []):
        onset = s.get("onset") or ("sudden" if acute and s.get("weeks") == 0 else "gradual")
        for side in sides_of(s["side"]):
            known_onset, known_weeks = merged.get((s["site"], side), (onset, s.get("weeks")))
            weeks = max((w for w in (known_weeks, s.get("weeks")) if w is not None), default=None)
            merged[(s["site"], side)] = (max(known_onset, onset, key=order.index), weeks)
    return [(site, side, onset, weeks) for (site, side), (onset, weeks) in merged.items()]


def _screened(case: dict[str, Any], screen: str, side: str) -> bool:
    value = (case.get("screening") or {}).get(screen)
    return value is not None and (not isinstance(value, dict) or side in value)


def _gates(case: dict[str, Any]) -> dict[str, set[str]]:
    """Per limb, the advice a missing required screen holds (docs/clinical-basis.md section 7)."""
    held: dict[str, set[str]] = {side: set() for side in SIDES}
    symptoms = _symptoms(case)
    conditions = set(case.get("conditions", []))
    age = (case.get("patient") or {}).get("age")
    signs = case.get("signs") or {}
    for site, side, onset, weeks in symptoms:
        if site == "calf" and not _screened(case, "wells_score", side):
            for limb in SIDES if conditions & VTE_RISK else (side,):
                held[limb] |= ADVICE
        if (
            onset == "sudden"
            and site in ("achilles", "posterior_heel", "calf")
            and not _screened(case, "thompson_test", side)
        ):
            held[side] |= ADVICE
        acute_ankle = onset == "injury" and site in (*ANKLE_SITES, "midfoot") and weeks is not None and weeks <= 1
        if acute_ankle and not _screened(case, "ottawa_rules", side):
            held[side] |= ADVICE
        bone_screened = _screened(case, "hop_test", side) and _screened(case, "focal_bone_tenderness", side)
        if onset == "gradual" and site in BONE_SITES and not bone_screened:
            held[side] |= HEAVY_LOADING | RUNNING  # running, hopping, heavy loading (clinical-basis section 7)
        if age is not None and age <= 16 and site in ("anterior_knee", "lateral_knee", "hip", "groin"):
            held[side] |= LOADING
    for side in sides_of(signs["radiating_leg_pain"]) if "radiating_leg_pain" in signs else ():
        if not _screened(case, "neuro_screen", side):
            held[side] |= ADVICE
    return held


def _flags(case: dict[str, Any]) -> dict[str, str | None]:
    flags = case.get("red_flags") or []
    return dict(flags) if isinstance(flags, dict) else dict.fromkeys(flags)


def _given_on(result: engine.Assessment, side: str) -> set[str]:
    return {r.id for r in result.recommendations if side in sides_of(r.side)}


@settings(max_examples=800, **FAST)
@given(case=CASES)
def test_no_item_gated_by_a_missing_screen_is_recommended_on_its_limb(case: dict[str, Any]) -> None:
    result = engine.default_engine().assess(case)
    for side, held in _gates(case).items():
        given_there = _given_on(result, side) & held
        assert not given_there, f"{sorted(given_there)} given on the {side} leg before its screen"


@settings(max_examples=550, **FAST)
@given(case=CASES, flag=st.sampled_from(sorted(WHOLE_PATIENT)), side=st.sampled_from(["left", "right", "both"]))
def test_nothing_is_given_under_a_whole_patient_flag(case: dict[str, Any], flag: str, side: str) -> None:
    flags = _flags(case)
    case = {**case, "red_flags": {**{f: s or "both" for f, s in flags.items()}, flag: side}}
    if "screening" in case and flag == "dvt_wells_likely":
        case["screening"] = {k: v for k, v in case["screening"].items() if k != "wells_score"}
    result = engine.default_engine().assess(case)
    assert {r.id for r in result.recommendations} <= {OFFLOAD}, f"given under {flag}: {result.recommendations}"
    assert result.status in ("refer_urgently", "screen_first", "refer"), result.status  # screen_first outranks refer


@settings(max_examples=550, **FAST)
@given(case=CASES, side=st.sampled_from(SIDES), data=st.data())
def test_a_sided_flag_never_withholds_the_other_limb(case: dict[str, Any], side: str, data: Any) -> None:
    local = sorted(set(engine.default_engine().rulebase.vocabulary.words("red_flags")) - WHOLE_PATIENT)
    flag = data.draw(st.sampled_from(local))
    case = {**case, "red_flags": {flag: side}}
    case["screening"] = {}  # no screen may contradict the flag; the other limb is judged on its own facts
    other = "right" if side == "left" else "left"
    result = engine.default_engine().assess(case)
    assert OFFLOAD in _given_on(result, side) or not _given_on(result, side) & ADVICE
    flagged_there = [w for w in result.withheld if other in sides_of(w.side) and w.reason != "pending"]
    assert not flagged_there, f"{flag} on the {side} leg withheld on the {other}: {[w.id for w in flagged_there]}"


@settings(max_examples=600, **FAST)
@given(case=CASES)
def test_status_is_the_highest_that_applies(case: dict[str, Any]) -> None:
    result = engine.default_engine().assess(case)
    applies = {"no_action"}
    if any(r.urgency in URGENT for r in result.referrals):
        applies.add("refer_urgently")
    if REQUIRED_SCREENS & {q.id for q in result.questions}:
        applies.add("screen_first")
    if result.referrals and not any(r.urgency in URGENT for r in result.referrals):
        applies.add("refer")
    if result.recommendations or result.questions:
        applies.add("plan")
    assert result.status == max(applies, key=RANK.__getitem__), (result.status, applies)
    for flag, side in _flags(case).items():  # a recorded red flag always refers
        assert result.referrals, f"{flag} ({side}) recorded but no referral"
    for side in SIDES:  # a missing screen that holds a whole limb never leaves a plain plan
        if _gates(case)[side] == ADVICE:
            assert result.status in ("refer_urgently", "screen_first", "refer"), (side, result.status)


@settings(max_examples=500, **FAST)
@given(case=CASES, flag=st.sampled_from(["focal_bone_tenderness", "positive_thompson_test", "ottawa_positive"]))
def test_a_flagged_limb_gets_no_advice_only_offloading(case: dict[str, Any], flag: str) -> None:
    case = {**case, "red_flags": {flag: "left"}, "screening": {}}
    result = engine.default_engine().assess(case)
    given_left = _given_on(result, "left")
    assert not given_left & ADVICE, f"advice on a flagged leg: {sorted(given_left & ADVICE)}"
    assert OFFLOAD in given_left, "a possible fracture or rupture is offloaded at priority 1"
    assert next(r for r in result.recommendations if r.id == OFFLOAD).priority == 1
