"""Plan composition (docs/clinical-basis.md, section 9): a home programme a runner will follow.

The core programme holds at most four items: stopping and offloading if the case needs it, then the
first-line treatment of the working diagnoses (strongest evidence first), one load item, and one ankle item
matched to the restriction's pattern; with no presentation, one mobility and one preventive strength item.
Everything else is optional, at most four, and re-tests come last, never counted. Priorities run 1..n with
no gaps. Each rule names its item's role (data in rules/), so this module holds no clinical knowledge.
"""

from __future__ import annotations

from collections.abc import Sequence

from engine.categories import GRADE_ORDER
from engine.reasoning.assessment import Recommendation

#: Roles in the order the core programme is filled (the strongest claim to a place first).
ROLES = ("offload", "first_line", "load", "ankle", "preventive", "optional", "retest")
CORE_SIZE = 4
OPTIONAL_SIZE = 4


def _rank(item: Recommendation) -> tuple[int, int, str, str]:
    return (ROLES.index(item.role), GRADE_ORDER.index(item.grade), f"{item.priority:02d}", item.id)


def _core_ids(items: Sequence[Recommendation]) -> list[str]:
    """Ids of the core programme, in order: every offload item, first-line items by grade, then one load
    item and one ankle item (or, with no first-line item at all, one ankle and one preventive item)."""
    chosen: list[str] = []
    ranked = sorted(items, key=_rank)
    first_line = [i for i in ranked if i.role == "first_line"]
    wanted = ["offload", "first_line", "load", "ankle"] if first_line else ["offload", "load", "ankle", "preventive"]
    for role in wanted:
        ids = list(dict.fromkeys(i.id for i in ranked if i.role == role and i.id not in chosen))
        chosen += ids if role in ("offload", "first_line") else ids[:1]
    return chosen[:CORE_SIZE]


def compose(items: Sequence[Recommendation]) -> tuple[list[Recommendation], list[str]]:
    """The plan in order with core flags and contiguous priorities, and the ids of optional items left out."""
    core = _core_ids(items)
    retests = [i for i in items if i.role == "retest"]
    rest = sorted((i for i in items if i.id not in core and i.role != "retest"), key=_rank)
    optional_ids = list(dict.fromkeys(i.id for i in rest))[:OPTIONAL_SIZE]
    omitted = sorted({i.id for i in rest if i.id not in optional_ids})
    ordered = sorted((i for i in items if i.id in core), key=lambda i: (core.index(i.id), i.side))
    ordered += [i for i in rest if i.id in optional_ids]
    ordered += sorted(retests, key=_rank)
    numbers = {item_id: n for n, item_id in enumerate(dict.fromkeys(i.id for i in ordered), start=1)}
    plan = [i.model_copy(update={"priority": numbers[i.id], "core": i.id in core}) for i in ordered]
    return plan, omitted
