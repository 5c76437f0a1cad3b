"""Checks on the parsed values of a case before the contract sees them, whatever the source (file, dict or
API): bounded nesting and size, and one zero.

A real case is four or five levels deep; anything nested deeper than MAX_DEPTH is refused here, iteratively,
so nothing later (validation, error messages) can exhaust the stack. -0.0 is the number 0 and becomes 0.0,
so no report or JSON line shows "-0" (engine.numbers prints every number).
"""

from __future__ import annotations

from typing import Any

from engine.errors import CaseError

MAX_DEPTH = 32
#: Values (keys, scalars, lists and mappings) a case may hold; a real case has a few hundred. YAML parsing is
#: refused as soon as this is passed, so any file under the size limit is decided within a second.
MAX_VALUES = 20_000


def _check(raw: Any, source: str) -> bool:
    """Raise CaseError for too deep or too large a structure; True when a -0.0 needs replacing."""
    negative_zero, count = False, 0
    stack: list[tuple[Any, int]] = [(raw, 0)]
    while stack:
        node, depth = stack.pop()
        count += 1
        if count > MAX_VALUES:
            raise CaseError(source, None, f"too many values for a case file (more than {MAX_VALUES})")
        if isinstance(node, float):
            negative_zero = negative_zero or (node == 0 and str(node).startswith("-"))
            continue
        if not isinstance(node, dict | list | tuple):
            continue
        if depth >= MAX_DEPTH:
            raise CaseError(source, None, f"too deeply nested for a case file (more than {MAX_DEPTH} levels)")
        if isinstance(node, dict):
            count += len(node)  # keys count as values, as YAML counts them (so YAML and JSON agree)
        stack.extend((value, depth + 1) for value in (node.values() if isinstance(node, dict) else node))
    return negative_zero


def _without_negative_zero(node: Any) -> Any:
    if isinstance(node, float) and node == 0:
        return 0.0
    if isinstance(node, dict):
        return {key: _without_negative_zero(value) for key, value in node.items()}
    if isinstance(node, list | tuple):
        return [_without_negative_zero(value) for value in node]
    return node


def checked_values(raw: Any, source: str) -> Any:
    """`raw` itself, or a copy with -0.0 as 0.0; CaseError for nesting beyond MAX_DEPTH or more than
    MAX_VALUES values."""
    return _without_negative_zero(raw) if _check(raw, source) else raw
