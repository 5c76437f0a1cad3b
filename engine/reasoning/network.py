"""The alpha network durable-rules 2.0.28 builds from a ruleset definition, counted against its fixed limits.

Read from durable-rules 2.0.28's C source (github.com/jruizgit/rules, src/rules: unchanged from the 2.0.28
release commit 4ab1896 to the last commit): rete.c `createAlpha`, `findAlpha`, `linkAlpha`; events.c
`handleAlpha`; the sizes in rules.h and events.c.

Layout. Each pattern is a chain of alpha nodes below the root, one node per term, in the order written:
`$and` chains its terms; a literal term (`name = x`, `value < 7.1`, `$neq`, `$ex`) is shared with any
identical term (same field, operator, type and value) under the same parent; a term comparing with another
fact (`side = p0.side`) is a new node every time; `$nex` is a listed child; `$or` hangs each alternative
under the parent and gives every one of them a new listed "forward" node, below which the rest of the
pattern continues. The last node links the pattern's beta node. A node keeps its hashed children in an
open-addressing table of NEXT_BUCKET_LENGTH slots that never grows: with every slot taken, looking up a new
term (ruleset creation) and walking the table for a fact (assert) both loop forever. Listed children and
linked patterns are zero-terminated lists of NEXT_LIST_LENGTH and BETA_LIST_LENGTH entries: a full list
is walked past its end. Hence the caps below are one less than the sizes.

Matching one fact is a depth-first walk with an explicit stack of MAX_STACK_SIZE pending nodes (error 303
when a push finds it full): a node taken off the stack pushes every child the fact passes. A node passed
by the fact can push at most: every child comparing with another fact (pushed untested), every listed
child (`$nex` on a field the fact lacks, every `$or` forward node), every non-equality test, and one
equality test per field and value type (a fact holds one value per field; equal values of two types, 1
and 1.0 or "true" and true, are two nodes that can both match). Call that the node's width w. While the
walk is below a node with width w, at most w - 1 of its children wait on the stack, so the stack never
holds more than depth(root), where depth(node) = max(w, w - 1 + the largest depth of its children)
(0 for a node without children). That is an upper bound for every fact whatever its values.

A rule firing holds at most MAX_MESSAGE_FRAMES facts (state.c `setMessageInFrame`, error 304), so a rule
has at most that many patterns; a ruleset has at most MAX_ACTIONS rules (error 106 at creation).
"""

from __future__ import annotations

from typing import Any

NEXT_BUCKET_LENGTH = 512
NEXT_LIST_LENGTH = 128
BETA_LIST_LENGTH = 256
MAX_STACK_SIZE = 64
MAX_ACTIONS = 4096
MAX_MESSAGE_FRAMES = 16  # state.h: facts one rule firing holds

#: What one ruleset may hold, proven safe (see the module docstring).
HASHED_CAP = NEXT_BUCKET_LENGTH - 1
LISTED_CAP = NEXT_LIST_LENGTH - 1
PATTERNS_CAP = BETA_LIST_LENGTH - 1
PENDING_CAP = MAX_STACK_SIZE
RULES_CAP = MAX_ACTIONS
CONDITIONS_CAP = MAX_MESSAGE_FRAMES

_TESTS = ("$lt", "$lte", "$gt", "$gte", "$eq", "$neq", "$ex", "$nex")


def _json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    return {int: "int", float: "double", str: "string"}.get(type(value), "other")


class _Node:
    __slots__ = (
        "below",
        "depth",
        "equalities",
        "forwards",
        "hashed",
        "joined",
        "listed",
        "parents",
        "patterns",
        "width",
    )  # fmt: skip

    def __init__(self, parent: _Node | None = None) -> None:
        self.hashed: dict[tuple[str, str, str, Any], _Node] = {}
        self.joined: list[_Node] = []  # hashed too: tests against another fact, never shared, pushed untested
        self.listed: dict[tuple[str, str, str, Any], _Node] = {}
        self.forwards: list[_Node] = []  # listed: the forward node of every `$or` alternative
        self.patterns = 0
        self.equalities: set[tuple[str, str]] = set()
        self.width = self.below = self.depth = 0
        self.parents: list[_Node] = [] if parent is None else [parent]


class Network:
    """The alpha network of one ruleset, built rule by rule; `overflow` names the first cap it breaks."""

    def __init__(self) -> None:
        self.root = _Node()
        self.rules = 0
        self._overflow: str | None = None

    def overflow(self) -> str | None:
        return self._overflow

    def add(self, body: dict[str, Any]) -> str | None:
        """Add one compiled rule ({"all": [{alias: pattern}, ...]}); returns the first limit the ruleset
        breaks so far (None: within every limit)."""
        self.rules += 1
        if len(body["all"]) > CONDITIONS_CAP and self._overflow is None:
            self._overflow = f"more than {CONDITIONS_CAP} patterns in one rule (its conditions, and the gate)"
        trail: list[_Node] = [self.root]
        for named in body["all"]:
            ((_alias, pattern),) = named.items()
            self._term(pattern, self.root, trail).patterns += 1
        for node in reversed(trail):
            node.depth = max(node.width, node.width - 1 + node.below)
            for parent in node.parents:
                parent.below = max(parent.below, node.depth)
        if self._overflow is None:
            self._overflow = self._check(trail)
        return self._overflow

    def peaks(self) -> dict[str, int]:
        """The largest count of each limited thing anywhere in the network, and the stack bound."""
        peaks = {"hashed": 0, "listed": 0, "patterns": 0}
        seen: set[int] = set()
        todo = [self.root]
        while todo:
            node = todo.pop()
            if id(node) in seen:
                continue
            seen.add(id(node))
            peaks["hashed"] = max(peaks["hashed"], len(node.hashed) + len(node.joined))
            peaks["listed"] = max(peaks["listed"], len(node.listed) + len(node.forwards))
            peaks["patterns"] = max(peaks["patterns"], node.patterns)
            todo += [*node.hashed.values(), *node.joined, *node.listed.values(), *node.forwards]
        return {**peaks, "pending": self.root.depth, "rules": self.rules}

    def _term(self, term: dict[str, Any], parent: _Node, trail: list[_Node]) -> _Node:
        if len(term) != 1:
            raise ValueError(f"a durable-rules term has one operator, not {sorted(term)}")
        ((name, value),) = term.items()
        if name == "$and":
            node = parent
            for sub in value:
                node = self._term(sub, node, trail)
            return node
        if name == "$or":
            forward = _Node()
            for sub in value:
                alternative = self._term(sub, parent, trail)
                alternative.forwards.append(forward)
                alternative.width += 1
                forward.parents.append(alternative)
            trail.append(forward)
            return forward
        if name.startswith("$") and name not in _TESTS:  # $mt, $iall, ...: not modelled, so nothing is proven
            raise ValueError(f"the durable-rules limits are not modelled for {name}")
        operator, (field, operand) = ("$eq", (name, value)) if name not in _TESTS else (name, *value.items())
        return self._child(parent, field, operator, operand, trail)

    def _child(self, parent: _Node, field: str, operator: str, operand: Any, trail: list[_Node]) -> _Node:
        if isinstance(operand, dict):  # compares with another fact's field: a new node, pushed untested
            node = _Node(parent)
            parent.joined.append(node)
            parent.width += 1
        else:
            # the same value to durable-rules: the same JSON type and text (repr of a float is its JSON text)
            key = (field, operator, _json_type(operand), operand)
            children = parent.listed if operator == "$nex" else parent.hashed
            node = children.get(key)  # type: ignore[assignment]
            if node is None:
                node = children[key] = _Node(parent)
                if operator != "$eq" or (field, key[2]) not in parent.equalities:
                    parent.width += 1
                if operator == "$eq":
                    parent.equalities.add((field, key[2]))
        trail.append(node)
        return node

    def _check(self, trail: list[_Node]) -> str | None:
        if self.rules > RULES_CAP:
            return f"more than {RULES_CAP} rules in one durable-rules ruleset"
        for node in trail:
            if len(node.hashed) + len(node.joined) > HASHED_CAP:
                return f"more than {HASHED_CAP} different tests follow one test (durable-rules takes {HASHED_CAP})"
            if len(node.listed) + len(node.forwards) > LISTED_CAP:
                return f"more than {LISTED_CAP} alternatives and 'absent' details follow one test"
            if node.patterns > PATTERNS_CAP:
                return f"more than {PATTERNS_CAP} conditions end on the same tests"
        if self.root.depth > PENDING_CAP:
            return (
                f"one fact could pass {self.root.depth} of its tests at once; durable-rules takes at most "
                f"{PENDING_CAP} (thresholds on one measurement, alternatives, conditions on the same kind)"
            )
        return None
