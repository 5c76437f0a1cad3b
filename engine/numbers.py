"""How every report prints a number: short (6 significant digits, no float noise such as 0.30000000000000004),
zero as "0" never "-0", and a subnormal value (below 2.2e-308, e.g. 1e-320) as written rather than as
its inexact binary expansion (9.99989e-321)."""

from __future__ import annotations

import sys


def number_text(value: float, signed: bool = False) -> str:
    if value == 0:
        return "0"
    if isinstance(value, float) and abs(value) < sys.float_info.min:
        text = repr(value)
        return f"+{text}" if signed and value > 0 else text
    return f"{value:+g}" if signed else f"{value:g}"
