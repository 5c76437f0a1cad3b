"""The numbered reference list every assessment report ends with, in text, Markdown and HTML.

Built from the Assessment's own `references` (resolved at assembly), so reports stay pure functions of the
Assessment. A source the bibliography lacks is printed as such: a clinician should see an unverified source,
not a silently dropped one.
"""

from __future__ import annotations

from html import escape

from engine.reasoning.assessment import Assessment, Reference

TITLE = "REFERENCES (sources this assessment cites, in order of first citation)"
MISSING = "not in the bibliography"


def reference_text(reference: Reference) -> str:
    """'Key - full citation [design; grade X]' or 'Key - not in the bibliography'."""
    if reference.citation is None:
        return f"{reference.key} - {MISSING}"
    grade = f"; grade {reference.grade}" if reference.grade else ""
    return f"{reference.key} - {reference.citation} [{reference.design}{grade}]"


def text_lines(assessment: Assessment, verbose: bool = True) -> list[str]:
    """The list with full citations (verbose), or the numbered keys on one wrapped paragraph, so a typical
    report still fits one screen (the full list is in --verbose, Markdown, HTML and JSON)."""
    if not assessment.references:
        return []
    if not verbose:
        keys = "; ".join(
            f"[{r.number}] {r.key}" + ("" if r.citation else f" ({MISSING})") for r in assessment.references
        )
        return ["", f"REFERENCES (full citations with --verbose): {keys}"]
    return ["", TITLE, *(f"  {r.number}. {reference_text(r)}" for r in assessment.references)]


def markdown_lines(assessment: Assessment) -> list[str]:
    if not assessment.references:
        return []
    lines = [f"{r.number}. {reference_text(r)}" for r in assessment.references]
    return ["", "## References", "", *lines]


def html_section(assessment: Assessment) -> str:
    if not assessment.references:
        return ""
    items = "".join(f'<li value="{r.number}">{escape(reference_text(r))}</li>' for r in assessment.references)
    return f'<section id="references"><h2>References</h2><ol class="small">{items}</ol></section>'
