"""Checks on a loaded rule base. Errors stop loading; warnings are shown by `rules validate`."""

from __future__ import annotations

import itertools
import math

from engine.knowledge.base import RuleBase
from engine.knowledge.bibliography import unresolved_sources
from engine.knowledge.graph import has_cycle, live_rules, rulebase_graph
from engine.knowledge.rule import ACTING_KINDS, ANY, CASE_KINDS, UNSIDED_KINDS, Condition, Rule
from engine.knowledge.vocabulary import KIND_SECTIONS, Vocabulary
from engine.numbers import number_text
from engine.reasoning.compiler import KIND_BUDGET, rule_weight, ruleset_problem
from engine.workflow.follow_up import follow_up_problems

#: Cycles reported at most; they are taken as found, never all enumerated (a dense rule base has millions).
MAX_CYCLES_SHOWN = 10
CONCLUSIONS_OF_LAYER = {
    "patient": {"condition"},
    "findings": {"finding"},
    "compensations": {"compensation"},
    "presentations": {"presentation"},
    "risks": {"risk"},
    "interventions": {"recommendation"},
    "questions": {"question"},
    "safety": {"referral", "withheld", "pending", "blocked", "warning"},
}
#: Which vocabulary sections a rule base is expected to use, and how (for the unused-word warning).
CONSUMED_SECTIONS = ("measurements", "signs", "symptom_sites", "red_flags", "conditions", "screening")
PRODUCED_SECTIONS = ("findings", "compensations", "risks", "presentations", "interventions", "questions", "referrals")


def _where(rulebase: RuleBase, rule: Rule) -> str:
    return f"{rulebase.file_of[rule.id]}: {rule.id}"


def _vocabulary_problems(rulebase: RuleBase, rule: Rule) -> list[str]:
    vocabulary = rulebase.vocabulary
    problems = []
    for condition in rule.when:
        known = vocabulary.words_of_kind(condition.kind)
        problems += [
            f"unknown {condition.kind} '{name}' in a condition"
            for name in condition.names
            if name not in known and name != ANY
        ]
        excluded = condition.not_family if isinstance(condition.not_family, list) else [condition.not_family]
        named = [*(condition.families or []), *(excluded if condition.not_family is not None else [])]
        problems += [f"unknown family '{f}'" for f in named if f not in vocabulary.words("families")]
        problems += _where_problems(vocabulary, condition)
    then = rule.then
    if then.pending is not None and (
        then.pending not in vocabulary.questions or not vocabulary.questions[then.pending].screen
    ):
        problems.append(f"pending '{then.pending}' is not a screen question of the vocabulary")
    if then.name is not None and then.name not in vocabulary.words_of_kind(then.kind):
        problems.append(f"unknown {then.kind} '{then.name}' in the conclusion")
    return problems


def _where_problems(vocabulary: Vocabulary, condition: Condition) -> list[str]:
    where = condition.where
    if where is None:
        return []
    problems = []
    onsets = where.onset if isinstance(where.onset, list) else [where.onset] if where.onset else []
    problems += [f"unknown onset '{o}'" for o in onsets if o not in vocabulary.onsets]
    results = where.result if isinstance(where.result, list) else [where.result] if where.result else []
    for name in condition.names if condition.kind == "screen" else []:
        screen = vocabulary.screening.get(name)
        known = (screen.results or []) if screen else []
        problems += [f"screen {name} has no result '{r}'" for r in results if r not in known]
    return problems


def _shape_problems(rulebase: RuleBase, rule: Rule, derived: set[tuple[str, str | None]]) -> list[str]:
    """`derived`: the case-kind words some rule concludes (derived conditions), which `absent` cannot judge."""
    problems = []
    if rule.then.kind not in CONCLUSIONS_OF_LAYER[rulebase.layer_of[rule.id]]:
        problems.append(f"a {rule.then.kind} conclusion does not belong in the {rulebase.layer_of[rule.id]} layer")
    anchors = [c for c in rule.positive if c.kind not in UNSIDED_KINDS and c.side == "same"]
    if not anchors:
        problems.append("needs at least one condition on a limb (not only patient conditions)")
    problems += [
        f"'absent' works only on case facts ({', '.join(CASE_KINDS)}), not on a {c.kind}"
        for c in rule.when
        if c.absent and c.kind not in CASE_KINDS
    ]
    problems += [
        f"'absent' cannot judge {c.kind} {n}: a rule concludes it, so it may arrive after the check"
        for c in rule.when
        if c.absent
        for n in c.names
        if (c.kind, n) in derived
    ]
    if rule.then.kind in ACTING_KINDS and rule.target is None:
        problems.append(f"a {rule.then.kind} rule must match the recommendation it acts on")
    if rule_weight(rule) > KIND_BUDGET:
        problems.append(
            f"has {rule_weight(rule)} tests on one kind (alternative names times families); durable-rules "
            f"takes at most {KIND_BUDGET}: split it into several rules"
        )
    elif anchors and (limit := ruleset_problem(rule)) is not None:  # without an anchor it cannot be compiled
        problems.append(f"durable-rules cannot run it even alone: {limit}; split it into several rules")
    return problems


def _interval(conditions: list[Condition]) -> tuple[float, bool, float, bool]:
    low, low_open, high, high_open = -math.inf, False, math.inf, False
    for condition in conditions:
        for key, value in condition.bounds().items():
            if key in ("at_least", "above") and (value > low or (value == low and key == "above")):
                low, low_open = value, key == "above"
            if key in ("at_most", "below") and (value < high or (value == high and key == "below")):
                high, high_open = value, key == "below"
    return low, low_open, high, high_open


def threshold_range(rulebase: RuleBase, name: str) -> tuple[float, float]:
    """Where a threshold on this measurement may lie: its vocabulary range; a derived measurement (a
    difference of two measurements) within plus or minus the widest range of a measured one."""
    measurements = rulebase.vocabulary.measurements
    if name in measurements:
        return measurements[name].min, measurements[name].max
    span = max((spec.max - spec.min for spec in measurements.values()), default=0.0)
    return -span, span


def _threshold_problems(rulebase: RuleBase, rule: Rule) -> list[str]:
    problems = []
    for condition in rule.when:
        for key, value in condition.bounds().items():
            for name in condition.names:
                low, high = threshold_range(rulebase, name)
                if not low <= value <= high:
                    problems.append(
                        f"threshold {key} {number_text(value)} on {name} lies outside its range {low:g}..{high:g}"
                    )
    return problems


def contradiction_problems(rulebase: RuleBase, rule: Rule) -> list[str]:
    """Conditions that can never hold together, e.g. x < 5 and x > 10, or outside the measurement's range."""
    problems = _threshold_problems(rulebase, rule)
    groups: dict[tuple[str, str], list[Condition]] = {}
    for condition in rule.positive:
        if condition.kind == "measurement" and len(condition.names) == 1:
            groups.setdefault((condition.names[0], condition.side), []).append(condition)
    measurements = rulebase.vocabulary.measurements
    for (name, _side), conditions in sorted(groups.items()):
        low, low_open, high, high_open = _interval(conditions)
        if low > high or (low == high and (low_open or high_open)):
            problems.append(f"conditions on {name} can never hold together ({low:g} .. {high:g})")
        elif name in measurements and (high < measurements[name].min or low > measurements[name].max):
            spec = measurements[name]
            problems.append(f"condition on {name} lies outside its range {spec.min:g}..{spec.max:g}")
    problems += [
        f"threshold {number_text(value)} on {'/'.join(c.names)} is finer than 0.001; use 0 or a value of at least 0.001"
        for c in rule.when
        for value in c.bounds().values()
        if value != 0 and abs(value) < 0.001
    ]
    present = {(c.kind, n, c.side) for c in rule.positive for n in c.names}
    problems += [
        f"{c.kind} {n} is required both present and absent"
        for c in rule.when
        if c.absent and c.where is None
        for n in c.names
        if (c.kind, n, c.side) in present
    ]
    return problems


def load_errors(rulebase: RuleBase) -> list[str]:
    """Everything that makes the rule base untrustworthy; each line names the file and rule id."""
    derived = {(r.then.kind, r.then.name) for r in rulebase.rules if r.then.kind in CASE_KINDS}
    enforced = rulebase.bibliography is not None and rulebase.bibliography.enforced
    problems = unresolved_sources(rulebase) if enforced else []
    problems += follow_up_problems(rulebase.vocabulary)
    for rule in rulebase.rules:
        for problem in _vocabulary_problems(rulebase, rule) + _shape_problems(rulebase, rule, derived):
            problems.append(f"{_where(rulebase, rule)}: {problem}")
        problems += [f"{_where(rulebase, rule)}: {p}" for p in contradiction_problems(rulebase, rule)]
    if problems:
        return problems
    live = live_rules(rulebase)
    for rule in rulebase.rules:
        if rule.id not in live:
            needs = [f"{c.kind} {'/'.join(c.names)}" for c in rule.positive if c.kind not in CASE_KINDS]
            problems.append(
                f"{_where(rulebase, rule)}: can never fire, so its {rule.then.kind} is unreachable "
                f"(no rule concludes {' or '.join(needs)})"
            )
    if not has_cycle(rulebase):  # the usual case, decided without networkx (which is slow to import)
        return problems
    import networkx as nx

    graph = nx.DiGraph(rulebase_graph(rulebase))
    for cycle in sorted(itertools.islice(nx.simple_cycles(graph), MAX_CYCLES_SHOWN), key=sorted):
        loop = " -> ".join([*cycle, cycle[0]])
        rules = sorted({graph.edges[a, b]["rule"] for a, b in zip(cycle, [*cycle[1:], cycle[0]], strict=True)})
        problems += [f"{_where(rulebase, rulebase.by_id[rule_id])}: part of a cycle {loop}" for rule_id in rules]
    return problems


def unused_words(rulebase: RuleBase) -> list[str]:
    """Vocabulary words no rule consumes (case words) or produces (conclusions): gaps in the knowledge."""
    graph = rulebase_graph(rulebase)
    used = {(data["kind"], data["name"]) for _, data in graph.nodes(data=True)}
    section_kind = {section: kind for kind, section in KIND_SECTIONS.items()}
    vocabulary = rulebase.vocabulary
    return [
        f"vocabulary {section}: '{word}' is used by no rule"
        for section in CONSUMED_SECTIONS + PRODUCED_SECTIONS
        for word in vocabulary.live_words(section)
        if (section_kind[section], word) not in used
    ]
