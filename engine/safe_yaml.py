"""The one YAML loader the project uses: safe (no object construction), dates left as text, and strict
about duplicate keys, which are reported with their path (a repeated measurement must not silently win)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

import yaml

TIMESTAMP = "tag:yaml.org,2002:timestamp"


class Mapping(dict):
    """A parsed mapping that remembers which of its keys were repeated in the source."""

    duplicates: tuple[Any, ...] = ()


class DuplicateKeyError(ValueError):
    def __init__(self, path: str, key: Any) -> None:
        self.path = path
        super().__init__(f"duplicate key '{key}'")


class StrictSafeLoader(yaml.SafeLoader):
    """SafeLoader whose mappings record repeated keys; dates stay text so the contract checks them."""

    yaml_implicit_resolvers = {  # noqa: RUF012 - PyYAML's class-level resolver table
        first: [(tag, regexp) for tag, regexp in resolvers if tag != TIMESTAMP]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }

    def construct_strict_map(self, node: yaml.MappingNode) -> Iterator[Mapping]:
        data = Mapping()
        yield data
        data.update(self.construct_mapping(node))
        keys = Counter(self.construct_object(key_node) for key_node, _ in node.value)
        data.duplicates = tuple(key for key, count in keys.items() if count > 1)


StrictSafeLoader.add_constructor("tag:yaml.org,2002:map", StrictSafeLoader.construct_strict_map)


def json_mapping(pairs: list[tuple[str, Any]]) -> Mapping:
    """object_pairs_hook for json.loads that records repeated keys the same way."""
    data = Mapping(pairs)
    data.duplicates = tuple(key for key, count in Counter(key for key, _ in pairs).items() if count > 1)
    return data


def check_duplicates(data: Any, path: tuple[Any, ...] = ()) -> None:
    """Raise DuplicateKeyError for the first repeated key, naming its dotted path."""
    if isinstance(data, Mapping) and data.duplicates:
        key = data.duplicates[0]
        raise DuplicateKeyError(".".join(map(str, (*path, key))), key)
    children = data.items() if isinstance(data, dict) else enumerate(data) if isinstance(data, list) else ()
    for key, value in children:
        check_duplicates(value, (*path, key))


def parse_yaml(text: str) -> Any:
    """Parse without judging duplicates, so a caller can name where a repeated key sits."""
    return yaml.load(text, Loader=StrictSafeLoader)  # noqa: S506 - a SafeLoader subclass


def load_yaml(text: str) -> Any:
    data = parse_yaml(text)
    check_duplicates(data)
    return data
