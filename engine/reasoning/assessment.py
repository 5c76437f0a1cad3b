"""The assessment an integrator receives: typed, JSON-serialisable, and the same bytes for the same input."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from engine.categories import ACTING_KINDS, Comparison, key_parts
from engine.numbers import number_text

Grade = Literal["A", "B", "C"]
ItemSide = Literal["left", "right", "both"]
Status = Literal["refer_urgently", "screen_first", "refer", "plan", "no_action"]
Urgency = Literal["emergency", "same_day", "soon", "routine"]


#: The Assessment's lists of items, in report order.
ITEM_LAYERS = (
    "referrals", "presentations", "findings", "compensations", "risks", "recommendations", "withheld", "blocked",
    "questions",
)  # fmt: skip


#: Left out of the JSON unless it is asked for with explain: the explanation material, which a report needs
#: and a record of the conclusions does not (the case facts with their labels and units, the fact each
#: firing concluded, the reference list with its citations, the text of every rule that fired, the firings
#: into facts that are not items, the graph). Without it the JSON still carries every conclusion, its
#: reasons (rule, grade and premises by key), the thresholds that fired with the values measured, and the
#: case as it was read; the in-memory Assessment always has everything, so every report renders from it.
COMPACT_EXCLUDE: dict[str, Any] = {
    **{layer: {"__all__": {"because": {"__all__": {"fact"}}}} for layer in ITEM_LAYERS},
    "facts": True,
    "references": True,
    "rules": True,
    "explanation": True,
    "derived": True,
}


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, defer_build=True)


class Evidence(_Frozen):
    """A case fact an item rests on, e.g. lunge_distance_cm on the left = 6.5, with its key and label."""

    key: str  # kind:name[:side], see categories.fact_key
    label: str
    value: int | float | str | None = None  # whole numbers stay whole; a screen's result is a word
    unit: str | None = None

    @property
    def kind(self) -> str:
        return key_parts(self.key)[0]

    @property
    def name(self) -> str:
        return key_parts(self.key)[1]

    @property
    def side(self) -> str:
        return key_parts(self.key)[2]


class Reason(_Frozen):
    """One rule firing behind an item: the rule, its grade, the facts it matched (by key: case facts are in
    Assessment.facts, concluded facts are reasons' `fact`) and the fact it concluded (which side, or which
    form of the item; in JSON only with explain, so None in an assessment read back from the compact JSON)."""

    rule: str
    grade: Grade
    fact: str | None = None
    premises: list[str]


class RuleText(_Frozen):
    """What a clinician reads about a rule that fired, once per assessment (items refer to it by id)."""

    grade: Grade
    source: str
    rationale: str
    contradicted_by: list[str] = []


class Item(_Frozen):
    """Fields every conclusion carries, so a clinician can check it."""

    id: str
    label: str
    side: ItemSide
    grade: Grade
    chain_grade: Grade
    source: str
    because: list[Reason]
    contradicted_by: list[str] = []  # sources that found against a link this item rests on

    @property
    def rules(self) -> list[str]:
        """The ids of the rules behind the item, sorted."""
        return sorted({reason.rule for reason in self.because})


class Threshold(_Frozen):
    """A cut-off a finding's rule tested, with the value measured: e.g. lunge_distance_cm (left) 6.5 below 9."""

    measurement: str
    side: str
    value: int | float
    test: Comparison
    threshold: int | float
    rule: str


class Finding(Item):
    qualifiers: list[str] = []
    thresholds: list[Threshold] = []


class Compensation(Item):
    observed: bool


class Risk(Item):
    pass


class Presentation(Item):
    """A working diagnosis: a symptom with a consistent pattern on this side (not a risk)."""


class Recommendation(Item):
    family: str
    dose: str
    dose_source: str
    priority: int
    warnings: list[str] = []
    role: str = "optional"
    core: bool = False


class Question(Item):
    pass


class Referral(Item):
    urgency: Urgency
    red_flags: list[str]
    whole_patient: bool = False
    notes: list[str] = []


class Withheld(Item):
    """An intervention held back on this limb: until medically cleared (a whole-patient red flag), until the
    referral has cleared the limb (a limb red flag), or pending a screen question not yet answered."""

    family: str
    reason: Literal["medical_clearance", "red_flag", "pending"]
    withheld_by: list[str]
    red_flags: list[str]
    questions: list[str] = []
    also_blocked_by: list[str] = []  # contraindications that will still apply once it is cleared


class Blocked(Item):
    """An intervention a contraindication blocks, with the conditions and an unblocked alternative."""

    family: str
    conditions: list[str]
    alternative: str | None


class RuleBaseIdentity(_Frozen):
    name: str
    version: str
    sha256: str


class Reference(_Frozen):
    """A source the assessment cites, numbered in order of first citation, with its full citation so that a
    report can end with a reference list without reading the rule base (None where the bibliography lacks it)."""

    number: int
    key: str
    citation: str | None = None  # (the compact JSON keeps numbers and keys; citations come with explain)
    design: str | None = None
    grade: Grade | None = None


class Assessment(_Frozen):
    """One case, assessed: conclusions by layer, the plan, and the graph that explains it."""

    case_id: str
    visit_date: str | None
    patient: dict[str, Any]
    engine_version: str
    rulebase: RuleBaseIdentity
    status: Status
    status_text: str
    referrals: list[Referral]
    presentations: list[Presentation] = []
    findings: list[Finding]
    compensations: list[Compensation]
    risks: list[Risk]
    recommendations: list[Recommendation]
    withheld: list[Withheld]
    blocked: list[Blocked]
    questions: list[Question]
    omitted: list[str] = []  # optional items beyond the four a plan shows (docs/clinical-basis.md section 9)
    case: dict[str, Any] = {}
    extensions: dict[str, Any] | None = None
    #: the facts read from the case (with their values and labels), in key order
    facts: list[Evidence] = []
    #: firings into facts that are not items (a derived patient condition such as age_under_16)
    derived: list[Reason] = []
    #: the label of every clinical word the items name besides their own (red flags, conditions, alternatives)
    labels: dict[str, str] = {}
    references: list[Reference] = []
    #: the text of every rule that fired, by id (in JSON only with explain: items carry the ids)
    rules: dict[str, RuleText] = {}
    #: the explanation graph as node-link JSON: only when asked for (`--explain`), built from the above
    explanation: dict[str, Any] | None = None

    def to_dict(self, explain: bool | None = None) -> dict[str, Any]:
        """The JSON form as Python values (the same content as to_json)."""
        source, exclude = self._serialised(explain)
        return source.model_dump(mode="json", exclude=exclude)

    def to_json(self, indent: int | None = 2, explain: bool | None = None) -> str:
        """Deterministic JSON: field order fixed by the model, lists sorted by the engine. The rule texts
        and the graph are included when the assessment was made with explain (or explain=True)."""
        source, exclude = self._serialised(explain)
        return source.model_dump_json(indent=indent, exclude=exclude)

    def _serialised(self, explain: bool | None) -> tuple[Assessment, dict[str, Any] | None]:
        """What to_dict and to_json write: this assessment (with its graph built now if explain asks for one
        it lacks) and what to leave out."""
        explain = self.explanation is not None if explain is None else explain
        if explain and self.explanation is None:
            from engine.reasoning.explanation import with_explanation

            return with_explanation(self), None
        return self, None if explain else COMPACT_EXCLUDE

    def all_reasons(self) -> list[Reason]:
        """Every firing behind the assessment once (items' reasons and the derived ones), sorted."""
        reasons = {(r.rule, r.fact, tuple(r.premises)): r for item in self.items() for r in item.because}
        reasons.update({(r.rule, r.fact, tuple(r.premises)): r for r in self.derived})
        return [reasons[key] for key in sorted(reasons)]

    def fact_label(self, key: str) -> str:
        """A fact as the reports print it: 'lunge_distance_cm = 6.5 (left)', 'withheld: calf_raises (left)'."""
        kind, name, side = key_parts(key)
        where = "" if side == "none" else f" ({side})"
        if kind in ACTING_KINDS:
            return f"{kind}: {name}{where}"
        fact = next((f for f in self.facts if f.key == key), None)
        if fact is None or fact.value is None:
            return f"{name}{where}"
        value = fact.value if isinstance(fact.value, str) else number_text(fact.value)
        return f"{name} = {value}{where}"

    def evidence(self, item: Item) -> list[Evidence]:
        """The case facts an item rests on, through every chain of reasons back to the case, in key order."""
        into: dict[str, list[Reason]] = {}
        for reason in self.all_reasons():
            into.setdefault(reason.fact, []).append(reason)
        case = {fact.key: fact for fact in self.facts}
        stack, seen = [reason.fact for reason in item.because], set()
        while stack:
            key = stack.pop()
            if key not in seen:
                seen.add(key)
                stack += [p for reason in into.get(key, ()) for p in reason.premises]
        return [case[key] for key in sorted(seen & case.keys())]

    def items(self) -> list[Item]:
        """Every conclusion, in report order."""
        return [item for layer in ITEM_LAYERS for item in getattr(self, layer)]

    def recommended(self, intervention: str, side: str | None = None) -> bool:
        """Whether an intervention is in the plan (for a side, 'both' counting for either)."""
        return any(r.id == intervention and (side is None or r.side in (side, "both")) for r in self.recommendations)
