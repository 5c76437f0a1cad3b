"""The one YAML loader the project uses: safe (no object construction), dates left as text, no anchors or
aliases, and strict about duplicate keys, which are reported with their path (a repeated measurement must
not silently win).

Anchors and aliases are refused in case files (nobody writes them there) and bounded elsewhere: they are
what turns a few hundred bytes into billions of nodes (an "alias bomb"). Without them every parsed value is a
tree with as many nodes as the text has; with them (rule files, where PyYAML's own dumper writes them for a
repeated object) the size they expand to is counted before anything is built and refused beyond a bound.
The duplicate-key check visits each node once either way, so it is linear.

libyaml (PyYAML's C parser) is used when it is installed, else PyYAML's pure-Python parser; both get the
same resolvers and constructors, and a first pass over the parser's events refuses anchors and aliases, more
(expanded) nodes than a caller allows, or nesting deeper than MAX_DEPTH, before anything is built (below
both libyaml's own limit of 1000 levels and the depth at which the pure-Python composer exhausts Python's
stack, so both refuse at the same depth with the same message). The two parsers word some syntax errors
differently ("did not find expected ',' or '}'" and "expected ',' or '}', but got ':'"); every YAML error
leaves here said one way, with its line and column and without the parser's own excerpt, so a message does not
depend on which parser is installed (tests/test_yaml_loaders.py holds both to that on the bad-input corpus).
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

import yaml

TIMESTAMP = "tag:yaml.org,2002:timestamp"
ALIASES_REFUSED = "YAML anchors and aliases are not allowed"
#: Deepest nesting of collections any YAML file may have (a case is 4-5 levels deep, a rule file 6-7).
MAX_DEPTH = 200
TOO_DEEP = f"exceeded maximum nesting depth ({MAX_DEPTH} levels)"


class Mapping(dict):
    """A parsed mapping that remembers which of its keys were repeated in the source."""

    duplicates: tuple[Any, ...] = ()


class DuplicateKeyError(ValueError):
    def __init__(self, path: str, key: Any) -> None:
        self.path = path
        super().__init__(f"duplicate key '{key}'")


_RESOLVERS = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != TIMESTAMP]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _construct_strict_map(self: Any, node: yaml.MappingNode) -> Any:
    data = Mapping()
    yield data
    data.update(self.construct_mapping(node))
    if len(data) < len(node.value):  # only a repeated key makes fewer entries than pairs
        keys = Counter(self.construct_object(key_node) for key_node, _ in node.value)
        data.duplicates = tuple(key for key, count in keys.items() if count > 1)


class StrictSafeLoader(yaml.SafeLoader):
    """PyYAML's pure-Python SafeLoader whose mappings record repeated keys; dates stay text so the contract
    checks them."""

    yaml_implicit_resolvers = _RESOLVERS


StrictSafeLoader.add_constructor("tag:yaml.org,2002:map", _construct_strict_map)
LOADERS: list[type] = [StrictSafeLoader]

if getattr(yaml, "__with_libyaml__", False):

    class StrictCSafeLoader(yaml.CSafeLoader):
        """The same loader on libyaml's C parser (about ten times faster)."""

        yaml_implicit_resolvers = _RESOLVERS

    StrictCSafeLoader.add_constructor("tag:yaml.org,2002:map", _construct_strict_map)
    LOADERS.insert(0, StrictCSafeLoader)


def json_mapping(pairs: list[tuple[str, Any]]) -> Mapping:
    """object_pairs_hook for json.loads that records repeated keys the same way."""
    data = Mapping(pairs)
    data.duplicates = tuple(key for key, count in Counter(key for key, _ in pairs).items() if count > 1)
    return data


def check_duplicates(data: Any) -> None:
    """Raise DuplicateKeyError for the first repeated key (depth first), naming its dotted path.

    Iterative, and each container is visited once even if it is shared, so the check is linear in the
    number of distinct nodes whatever the shape (and cannot exhaust the stack)."""
    if not isinstance(data, dict | list):
        return
    seen: set[int] = set()
    stack: list[tuple[Any, Any]] = [(data, None)]  # (node, (parent trail, key)): paths built only on error
    while stack:
        node, trail = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, Mapping) and node.duplicates:
            key = node.duplicates[0]
            raise DuplicateKeyError(".".join(map(str, (*_path(trail), key))), key)
        children = node.items() if isinstance(node, dict) else enumerate(node)
        containers = [(value, (trail, key)) for key, value in children if isinstance(value, dict | list)]
        stack.extend(reversed(containers))


def _path(trail: Any) -> list[Any]:
    parts = []
    while trail is not None:
        trail, key = trail
        parts.append(key)
    return parts[::-1]


def _first_pass(text: str, loader: type, max_nodes: int | None, aliases: bool) -> None:
    """From the parser's events, before anything is composed: refuse anchors and aliases (unless `aliases`),
    and more than `max_nodes` nodes counting every alias as the whole node it repeats (the expanded size)."""
    anchored: dict[str, int] = {}  # expanded size of each anchored node
    sizes: list[int] = [0]  # expanded size so far of each open collection (the document at the bottom)
    anchors: list[str | None] = [None]
    total = 0
    for event in yaml.parse(text, Loader=loader):
        anchor = getattr(event, "anchor", None)
        if not aliases and (isinstance(event, yaml.AliasEvent) or anchor is not None):
            raise yaml.composer.ComposerError(None, None, ALIASES_REFUSED, event.start_mark)
        if isinstance(event, yaml.CollectionStartEvent):
            if len(sizes) > MAX_DEPTH:  # no mark: libyaml's scanner may find its own limit first, further on
                raise yaml.composer.ComposerError(None, None, TOO_DEEP, None)
            sizes.append(1)
            anchors.append(anchor)
            total += 1
        elif isinstance(event, yaml.CollectionEndEvent):
            size, anchor = sizes.pop(), anchors.pop()
            sizes[-1] += size
        elif isinstance(event, yaml.AliasEvent | yaml.ScalarEvent):
            size = anchored.get(event.anchor, 1) if isinstance(event, yaml.AliasEvent) else 1
            anchor = None if isinstance(event, yaml.AliasEvent) else anchor
            sizes[-1] += size
            total += size
        if anchor is not None and isinstance(event, yaml.CollectionEndEvent | yaml.ScalarEvent):
            anchored[anchor] = size
        if max_nodes is not None and total > max_nodes:
            raise yaml.composer.ComposerError(None, None, f"more than {max_nodes} values", event.start_mark)


#: Every value YAML builds opens at a character of its own or at an indicator ('-', '?', ':', ',', '[', '{'),
#: and an indicator opens at most a collection and two empty values: without aliases a text holds fewer
#: than this many values per character (tests/test_yaml_loaders.py checks the bound on generated texts).
VALUES_PER_CHARACTER = 4
#: Every collection opens at one of these indicators (a block mapping at the ':' or '?' of its first key).
COLLECTION_INDICATORS = "[{-?:"
#: A second document, or a directive, starts at one of these at the start of a line.
_DOCUMENT_MARKER = re.compile(r"^(?:---|\.\.\.|%)", re.MULTILINE)


def _passes_first(text: str, max_nodes: int | None) -> bool:
    """True when the first pass cannot refuse `text` (with aliases refused), read from its characters: no
    anchor or alias (no '&' or '*' at all), one document, fewer collections than MAX_DEPTH could nest and fewer
    values than `max_nodes`. The parser then raises exactly what the first pass would: it reads the same
    events in the same order, and nothing else refuses a single document before it is fully composed."""
    if "&" in text or "*" in text or "\ufeff" in text or _DOCUMENT_MARKER.search(text):
        return False
    if max_nodes is not None and VALUES_PER_CHARACTER * (len(text) + 1) > max_nodes:
        return False
    return sum(text.count(indicator) for indicator in COLLECTION_INDICATORS) < MAX_DEPTH


def parse_yaml(text: str, max_nodes: int | None = None, loader: type | None = None, aliases: bool = False) -> Any:
    """Parse without judging duplicates, so a caller can name where a repeated key sits. Anchors and aliases
    are refused unless `aliases`; then `max_nodes` bounds the size they expand to. A short plain text (a
    typical case file) skips the first pass, which could not refuse it (see _passes_first)."""
    loader = loader or LOADERS[0]
    try:
        if aliases or not _passes_first(text, max_nodes):
            _first_pass(text, loader, max_nodes, aliases)
        return yaml.load(text, Loader=loader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as error:
        raise _said_one_way(error, text) from None
    except yaml.reader.ReaderError as error:
        reason = "special characters are not allowed"  # libyaml: "control characters are not allowed"
        raise yaml.reader.ReaderError(error.name, error.position, error.character, error.encoding, reason) from None
    except UnicodeEncodeError as error:  # libyaml is handed UTF-8: a lone surrogate fails before it reads
        character = ord(text[error.start])
        reason = "special characters are not allowed"
        raise yaml.reader.ReaderError("<unicode string>", error.start, character, "unicode", reason) from None


def load_yaml(text: str, max_nodes: int | None = None, loader: type | None = None) -> Any:
    data = parse_yaml(text, max_nodes, loader)
    check_duplicates(data)
    return data


#: libyaml's and PyYAML's wordings of one problem, said one way once "did not find expected X" has become
#: "expected X" and PyYAML's ", but found Y" is dropped (the line and column say where).
SAME_PROBLEM = {
    "mapping values are not allowed in this context": "mapping values are not allowed here",
    "block sequence entries are not allowed in this context": "sequence entries are not allowed here",
    "expected the node content": "expected node content",
    "expected '<document start>'": "expected <document start>",
    "expected a comment or a line break": "expected comment or line break",
    "expected chomping or indentation indicators": "expected comment or line break",
    "expected ' '": "expected whitespace or line break",
    "expected tag URI": "expected URI",
}
#: PyYAML's "expected <block end>" names what libyaml names by the collection being parsed.
BLOCK_END = {
    "while parsing a block mapping": "expected key",
    "while parsing a block collection": "expected '-' indicator",
}
_CANNOT_START = re.compile(r"found character (.* )?that cannot start any token")


def _problem(text: str | None, context: str | None, source: str, mark: Any) -> str | None:
    if text is None:
        return None
    text = re.sub(r"^(did not|could not) find expected ", "expected ", text)
    text = re.sub(r", but (found|got) .*$", "", text, flags=re.DOTALL)
    text = SAME_PROBLEM.get(text, text)
    if text == "expected <block end>" and context in BLOCK_END:
        text = BLOCK_END[context]
    if _CANNOT_START.fullmatch(text) and mark is not None and 0 <= mark.index < len(source):
        text = f"found character {source[mark.index]!r} that cannot start any token"
    return text


def _mark(mark: Any) -> Any:
    """The mark without the parser's excerpt (libyaml has none): name, line and column."""
    return None if mark is None else yaml.Mark(mark.name, mark.index, mark.line, mark.column, None, None)


def _said_one_way(error: yaml.MarkedYAMLError, source: str) -> yaml.MarkedYAMLError:
    """The same error class with its problem and context in one wording whichever parser raised it."""
    if error.problem is not None and error.problem.startswith("exceeded maximum nesting depth"):
        return yaml.composer.ComposerError(None, None, TOO_DEEP, None)  # libyaml's own limit, 1000 levels
    return type(error)(
        _problem(error.context, None, source, error.context_mark),
        _mark(error.context_mark),
        _problem(error.problem, error.context, source, error.problem_mark),
        _mark(error.problem_mark),
        error.note,
    )
