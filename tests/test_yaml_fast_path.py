"""The case-file YAML fast path (issue 10 point 3): a short text without anchors, aliases or a second document
skips the first pass over the parser's events. A clinician or an integrator must not be able to tell: every
text gets the same data or the same refusal, word for word, with the fast path as with the first pass, on the
bad-input corpus, the hostile shapes and generated texts made of YAML's own indicators; and the bounds the fast
path relies on (values per character, one collection per indicator) hold on those texts."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_yaml_loaders import BAD_CASES, EXAMPLES, HOSTILE

from engine import safe_yaml
from engine.case._limits import MAX_VALUES
from engine.case.loader import parse_case_text
from engine.errors import CaseError

#: YAML's indicators and a few plain characters: texts made of these reach most of the parser's branches.
ALPHABET = "-?:,[]{}#'\"|>!%@`&*.~ \n\ta1b"


def outcome(text: str | bytes, source: str = "case.yaml") -> str:
    """What the loader makes of a case file: its data (repr: 1 and 1.0 differ) or its refusal."""
    data = text if isinstance(text, bytes) else text.encode("utf-8", "surrogatepass")
    try:
        return "ACCEPTED " + repr(parse_case_text(data, source))
    except CaseError as error:
        return f"REFUSED {error}"


def both_ways(text: str | bytes, monkeypatch: pytest.MonkeyPatch, loader: type) -> tuple[str, str]:
    monkeypatch.setattr(safe_yaml, "LOADERS", [loader])
    fast = outcome(text)
    with monkeypatch.context() as forced:
        forced.setattr(safe_yaml, "_passes_first", lambda *_: False)
        full = outcome(text)
    return fast, full


@pytest.mark.parametrize("loader", safe_yaml.LOADERS, ids=lambda loader: loader.__name__)
def test_corpus_and_hostile_texts_get_the_same_outcome_with_the_fast_path(
    loader: type, monkeypatch: pytest.MonkeyPatch
) -> None:
    for text in [p.read_bytes() for p in [*BAD_CASES, *EXAMPLES]] + list(HOSTILE.values()):
        fast, full = both_ways(text, monkeypatch, loader)
        assert fast == full, text[:200]
    taken = [p.name for p in EXAMPLES if safe_yaml._passes_first(p.read_text(encoding="utf-8"), MAX_VALUES)]
    assert len(taken) == len(EXAMPLES), "the examples are plain case files: the fast path must take them"


@pytest.mark.parametrize("loader", safe_yaml.LOADERS, ids=lambda loader: loader.__name__)
@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(alphabet=ALPHABET, max_size=60))
def test_generated_texts_get_the_same_outcome_with_the_fast_path(
    loader: type, text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    fast, full = both_ways(f"case_id: R\n{text}", monkeypatch, loader)
    assert fast == full


@settings(max_examples=600, deadline=None)
@given(text=st.text(alphabet=ALPHABET.replace("&", "").replace("*", ""), max_size=40))
def test_values_and_collections_stay_within_what_the_fast_path_assumes(text: str) -> None:
    """Without aliases, fewer values than VALUES_PER_CHARACTER per character, and no more collections than
    indicators: what lets the fast path know the first pass could not refuse a text."""
    values = collections = 0
    try:
        for event in yaml.parse(text, Loader=safe_yaml.LOADERS[0]):
            collections += isinstance(event, yaml.CollectionStartEvent)
            values += isinstance(event, yaml.CollectionStartEvent | yaml.ScalarEvent)
    except yaml.YAMLError:
        pass  # the events before the error count: the first pass would have counted them too
    assert values < safe_yaml.VALUES_PER_CHARACTER * (len(text) + 1)
    assert collections <= sum(text.count(c) for c in safe_yaml.COLLECTION_INDICATORS)


def test_the_limits_still_refuse_what_the_fast_path_hands_back(tmp_path: Path) -> None:
    """Texts near each limit leave the fast path: too many values, too deep, an alias, a second document."""
    assert not safe_yaml._passes_first("x: [" + ",".join(["1"] * 3000) + "]\n", MAX_VALUES)
    assert not safe_yaml._passes_first("x: " + "[" * 200 + "]" * 200, None)
    assert not safe_yaml._passes_first("a: &x 1\nb: *x\n", None)
    assert not safe_yaml._passes_first("a: 1\n---\nb: 2\n", None)
    assert "too deeply nested" in outcome("case_id: D\nx: " + "[" * 250 + "]" * 250 + "\n")
    assert "anchors and aliases" in outcome("case_id: &x R\n")
