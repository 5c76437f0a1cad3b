"""The bibliography (rules/bibliography.yaml): typed entries, source resolution, and what an assessment cites.

A grade is only as honest as the source behind it. Resolving every cited source to a full citation when the
rule base loads stops a vague, misspelt or uncitable source ("Rao et al. gait studies") from reaching a
clinician's report, and lets each report end with the full references it relies on.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

BIBLIOGRAPHY = "bibliography.yaml"
#: The rulebase.yaml key that names the bibliography and switches the source check on for that rule base.
MANIFEST_KEY = "bibliography"
SEPARATOR = "; "
#: Annotations a source part may carry that are not part of the key: a rule's "contradicted: <source>"
#: (section 0) and a dose source's "(grade X)".
_CONTRADICTED = "contradicted: "
_GRADE_NOTE = re.compile(r"\s*\(grade [ABC]\)$")


class Entry(BaseModel):
    """One bibliography entry; typed so that a missing citation is a load error, not an empty reference."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)
    citation: str
    design: str
    grade: Literal["A", "B", "C"] | None = None

    @field_validator("citation", "design")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be empty")
        return value


@dataclass(frozen=True)
class Bibliography:
    """The entries of one rule base, and whether its sources must all resolve (the manifest names the file)."""

    file: str
    entries: dict[str, Entry]
    enforced: bool

    def entry(self, part: str) -> Entry | None:
        return self.entries.get(source_key(part))

    def hint(self, part: str) -> str:
        import difflib  # only for an unresolved source, never on a sound load

        by_lower = {key.lower(): key for key in self.entries}
        close = difflib.get_close_matches(source_key(part).lower(), list(by_lower), n=1, cutoff=0.6)
        return f", did you mean '{by_lower[close[0]]}'?" if close else ""


def split_sources(text: str) -> list[str]:
    return [part.strip() for part in text.split(SEPARATOR) if part.strip()]


def source_key(part: str) -> str:
    """The bibliography key a source part cites: annotations removed, nothing else guessed."""
    part = part.strip()
    part = part.removeprefix(_CONTRADICTED)
    return _GRADE_NOTE.sub("", part).strip()


def bibliography_file(manifest: dict[str, Any]) -> tuple[str, bool, str | None]:
    """(file name, enforced, problem): the manifest's `bibliography` file enforces the check; without the key
    the default file is still read (for references) but unresolved sources are only warnings."""
    named = manifest.get(MANIFEST_KEY)
    if named is None:
        return BIBLIOGRAPHY, False, None
    if not isinstance(named, str) or not named.endswith(".yaml") or Path(named).name != named:
        return BIBLIOGRAPHY, True, f"rulebase.yaml: {MANIFEST_KEY}: expected a .yaml file name in this folder"
    return named, True, None


def parse_bibliography(data: object, file: str, enforced: bool, problems: list[str]) -> Bibliography | None:
    """Validate the parsed file; every problem names the file and the key."""
    if not isinstance(data, dict):
        problems.append(f"{file}: expected a mapping from source key to entry")
        return None
    entries: dict[str, Entry] = {}
    for key, raw in data.items():
        if not isinstance(key, str) or not key.strip() or key != source_key(key) or SEPARATOR.strip() in key:
            problems.append(f"{file}: {key!r}: a key is the source as rules cite it (text, no ';', no annotation)")
            continue
        try:
            entries[key] = Entry.model_validate(raw)
        except ValidationError as error:
            details = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'entry'}: {e['msg']}" for e in error.errors())
            problems.append(f"{file}: {key}: {details}")
    return Bibliography(file=file, entries=entries, enforced=enforced)


def unresolved_sources(rulebase: Any) -> list[str]:
    """Every rule source and intervention dose source part that is not a bibliography key, naming where."""
    bibliography = rulebase.bibliography
    if bibliography is None:
        return []
    problems = []
    for rule in rulebase.rules:
        problems += [
            f"{rulebase.file_of[rule.id]}: {rule.id}: source '{part}' is not in {bibliography.file}"
            f"{bibliography.hint(part)}"
            for part in [*split_sources(rule.source), *rule.contradicted_by]
            if bibliography.entry(part) is None
        ]
    for name, spec in rulebase.vocabulary.interventions.items():
        problems += [
            f"vocabulary.yaml: interventions.{name}.dose_source: '{part}' is not in {bibliography.file}"
            f"{bibliography.hint(part)}"
            for part in split_sources(spec.dose_source)
            if bibliography.entry(part) is None
        ]
    follow_up = rulebase.vocabulary.data.get("follow_up") or {}
    cited = {f"outcomes.{name}.source": spec.get("source", "") for name, spec in follow_up.get("outcomes", {}).items()}
    cited |= {key: follow_up.get(key, "") for key in ("measurement_source", "left_right_source")}
    families = (follow_up.get("escalation") or {}).get("families") or {}
    cited |= {f"escalation.families.{name}.source": spec.get("source", "") for name, spec in families.items()}
    problems += [
        f"vocabulary.yaml: follow_up.{where}: '{part}' is not in {bibliography.file}{bibliography.hint(part)}"
        for where, text in cited.items()
        for part in split_sources(str(text))
        if bibliography.entry(part) is None
    ]
    return problems


@lru_cache(maxsize=4096)
def _cited_keys(text: str) -> tuple[str, ...]:
    """The bibliography keys a source text cites (the same few texts recur in every assessment)."""
    return tuple(source_key(part) for part in split_sources(text))


def cited_references(items: Iterable[Mapping[str, Any]], bibliography: Bibliography | None) -> list[dict[str, Any]]:
    """The sources the items cite (item source, then a recommendation's dose source), numbered in order of
    first citation, as the fields of a Reference; a source the bibliography does not know is listed as such
    rather than dropped. Items are mappings of their fields (the Assessment's items under construction)."""
    keys: dict[str, None] = {}
    for item in items:
        keys.update(dict.fromkeys(_cited_keys(item["source"])))
        keys.update(dict.fromkeys(_cited_keys(item.get("dose_source") or "")))
    references = []
    for number, key in enumerate(keys, start=1):
        entry = bibliography.entries.get(key) if bibliography else None
        references.append(
            {
                "number": number,
                "key": key,
                "citation": entry.citation if entry else None,
                "design": entry.design if entry else None,
                "grade": entry.grade if entry else None,
            }
        )
    return references
