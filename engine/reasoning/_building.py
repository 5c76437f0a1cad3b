"""Building the Assessment's items: one builder over an indexed derivation, items as plain data until the
Assessment is validated once, sides merged and layers ordered without regard to firing order."""

from __future__ import annotations

from collections import Counter
from typing import Any

from pydantic import BaseModel

from engine.categories import fact_key, strongest
from engine.knowledge.rule import Rule
from engine.knowledge.rulebase import RuleBase
from engine.reasoning.reasoner import Derivation
from engine.reasoning.trace import Trace


class Builder:
    """Holds one indexed derivation while the items are built, and which facts the items stand for."""

    def __init__(self, derivation: Derivation, rulebase: RuleBase) -> None:
        self.trace = Trace(derivation, rulebase)
        self.rulebase = rulebase
        self.vocabulary = rulebase.vocabulary

    def facts(self, kind: str) -> list[dict[str, Any]]:
        return self.trace.of_kind(kind)

    def rules_of(self, key: str) -> list[Rule]:
        return self.trace.rules_of(key)

    def premises_of(self, key: str, *kinds: str) -> list[str]:
        return self.trace.premise_names(key, *kinds)

    def common(self, fact: dict[str, Any], label: str | None = None, keys: tuple[str, ...] = ()) -> dict[str, Any]:
        """The fields every item has, for the item that stands for `keys` (default: the fact itself)."""
        keys = keys or (fact["key"],)
        rules = self.trace.rules_of(*keys)
        sources = list(dict.fromkeys(part for rule in rules for part in rule.source.split("; ")))
        return {
            "id": fact["name"],
            "label": label or self.vocabulary.label(fact["kind"], fact["name"]),
            "side": fact["side"],
            "grade": strongest(*(rule.grade for rule in rules)),
            "chain_grade": strongest(*(self.trace.chain(key) for key in keys)),
            "source": "; ".join(sources),
            "because": self.trace.reasons(*keys),
            "contradicted_by": sorted({source for rule in rules for source in rule.contradicted_by}),
        }

    def has(self, kind: str, name: str, side: str) -> bool:
        return fact_key(kind, name, side) in self.trace.facts


class Item(dict):
    """An item under construction: plain data read like the model it becomes (the whole Assessment is
    validated once at the end, which costs less than building every item and reason as a model)."""

    __slots__ = ()

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None

    def model_copy(self, update: dict[str, Any]) -> Item:
        return Item({**self, **update})


def make(model: type[BaseModel], fields: dict[str, Any]) -> Any:
    """An item of the given model's shape, as plain data (see Item)."""
    del model  # the Assessment's field types say which model each list holds
    return Item(fields)


def reason_order(reason: dict[str, Any]) -> tuple[Any, ...]:
    return (reason["rule"], reason["fact"], reason["premises"])


def merge_sides(items: list[Any]) -> list[Any]:
    """One item for 'both' where left and right say the same thing; reasons and sources are pooled."""
    merged: list[Any] = []
    pending: dict[tuple[Any, ...], Any] = {}
    shared = {id_ for id_, count in Counter(item["id"] for item in items).items() if count > 1}
    for item in items:
        if item["id"] not in shared:  # no other item has its id, so none can have its signature
            merged.append(item)
            continue
        signature = tuple((k, repr(v)) for k, v in sorted(item.items()) if k not in ("side", "because", "source"))
        other = pending.pop(signature, None)
        if other is None or other["side"] == item["side"]:
            pending[signature] = item
            merged.append(item)
            continue
        both = other.model_copy(
            update={
                "side": "both",
                "because": sorted([*other["because"], *item["because"]], key=reason_order),
                "source": "; ".join(dict.fromkeys([*other["source"].split("; "), *item["source"].split("; ")])),
            }
        )
        merged[merged.index(other)] = both
    return merged


def order_by(vocabulary_words: list[str]) -> Any:
    position = {word: index for index, word in enumerate(vocabulary_words)}
    return lambda item: (position.get(item["id"], len(position)), item["side"])
