"""Checks on the parsed values of a case before the contract sees them, whatever the source (file, dict or
API): bounded nesting, numbers the engine can hold and print exactly, and one zero.

A real case is four or five levels deep; anything nested deeper than MAX_DEPTH is refused here, iteratively,
so nothing later (validation, error messages) can exhaust the stack. A subnormal float (non-zero but below
2.2e-308) has lost precision already (1e-320 reads back as 9.99989e-321), so it is refused with its field;
-0.0 is the number 0 and becomes 0.0, so reports never print "-0".
"""

from __future__ import annotations

import sys
from typing import Any

from engine.errors import CaseError

MAX_DEPTH = 32
#: Values (scalars, lists and mappings) a case may hold; a real case has a few hundred. Parsing is refused
#: as soon as this is passed, so any file under the size limit is decided within a second.
MAX_VALUES = 20_000
SMALLEST_NORMAL = sys.float_info.min


def _dotted(trail: Any) -> str:
    parts = []
    while trail is not None:
        trail, key = trail
        parts.append(str(key))
    return ".".join(reversed(parts)) or "(top level)"


def _check(raw: Any, source: str) -> bool:
    """Raise CaseError for too deep a structure or a subnormal number; True when a -0.0 needs replacing."""
    negative_zero, count = False, 0
    stack: list[tuple[Any, Any, int]] = [(raw, None, 0)]
    while stack:
        node, trail, depth = stack.pop()
        count += 1
        if count > MAX_VALUES:
            raise CaseError(source, None, f"too many values for a case file (more than {MAX_VALUES})")
        if isinstance(node, float):
            if node == 0 and str(node).startswith("-"):
                negative_zero = True
            elif node != 0 and abs(node) < SMALLEST_NORMAL:
                raise CaseError(
                    source, _dotted(trail), f"the number {node!r} is too small to be held exactly; write 0 for zero"
                )
            continue
        if not isinstance(node, dict | list | tuple):
            continue
        if depth >= MAX_DEPTH:
            raise CaseError(source, None, f"too deeply nested for a case file (more than {MAX_DEPTH} levels)")
        children = node.items() if isinstance(node, dict) else enumerate(node)
        stack.extend((value, (trail, key), depth + 1) for key, value in children)
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
    """`raw` itself, or a copy with -0.0 as 0.0; CaseError for nesting beyond MAX_DEPTH, more than MAX_VALUES
    values or a subnormal number."""
    return _without_negative_zero(raw) if _check(raw, source) else raw
