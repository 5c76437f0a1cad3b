"""Reading case files safely: size limit before parsing, safe YAML only, duplicate keys refused,
and every problem reported as `file: field: what was expected`."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from engine._files import NotRegularFile, TooLarge, read_regular_file
from engine.case._limits import MAX_VALUES, checked_values
from engine.case.model import did_you_mean
from engine.errors import CaseError
from engine.safe_yaml import ALIASES_REFUSED, DuplicateKeyError, check_duplicates, json_mapping, load_yaml

#: Case files larger than this are refused before any parsing (a real case is a few kilobytes).
MAX_CASE_BYTES = 1024 * 1024
STDIN = "-"
BOM = "\ufeff"
TOO_LARGE = f"file is larger than the {MAX_CASE_BYTES // 1024} KiB limit for a case file"


def read_case_bytes(path: str | Path) -> bytes:
    """The raw bytes of a case file or of standard input ('-'), refusing oversize input unread and anything
    that is not a regular file (a FIFO or device would block or never end) before opening it for reading."""
    source = str(path)
    if source == STDIN:
        data = sys.stdin.buffer.read(MAX_CASE_BYTES + 1)
        if len(data) > MAX_CASE_BYTES:
            raise CaseError("<stdin>", None, TOO_LARGE)
        return data
    try:
        return read_regular_file(path, MAX_CASE_BYTES)
    except TooLarge:
        raise CaseError(source, None, TOO_LARGE) from None
    except NotRegularFile as error:
        raise CaseError(source, None, f"{error}; a case file must be a regular file or '-' for stdin") from None
    except OSError as error:
        raise CaseError(source, None, f"cannot read the file ({error.strerror or error})") from None


def _only_comments(text: str) -> bool:
    lines = (line.strip() for line in text.splitlines())
    return all(not line or line.startswith("#") or line in ("---", "...") for line in lines)


def parse_case_text(data: bytes, source: str) -> Any:
    """YAML or JSON (by the file ending; standard input is read as YAML, which also parses JSON)."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise CaseError(
            source, None, f"not UTF-8 text (bad byte at offset {error.start}); a case file is YAML or JSON"
        ) from None
    if "\x00" in text:
        raise CaseError(source, None, "contains NUL bytes; a case file is YAML or JSON text")
    text = text.removeprefix(BOM)  # a UTF-8 byte-order mark is accepted (and ignored) in YAML and JSON alike
    if not text.strip():
        raise CaseError(source, None, "file is empty; expected a case with at least case_id")
    is_json = source.lower().endswith(".json")
    try:
        if is_json:
            data = json.loads(text, object_pairs_hook=json_mapping)
            check_duplicates(data)
        else:
            data = load_yaml(text, MAX_VALUES)
    except DuplicateKeyError as error:
        raise CaseError(source, error.path, f"{error} (each field may appear once)") from None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        problem = error.problem or error.context or "invalid YAML"
        if "could not determine a constructor" in problem:
            problem = "YAML tags are not allowed in a case file"
        if problem == ALIASES_REFUSED:
            problem = f"{ALIASES_REFUSED} in case files"
        if "nesting depth" in problem:
            raise CaseError(source, None, "too deeply nested for a case file") from None
        if problem == f"more than {MAX_VALUES} values":
            raise CaseError(source, None, f"too many values for a case file (more than {MAX_VALUES})") from None
        raise CaseError(source, None, f"invalid YAML{where}: {problem}") from None
    except yaml.YAMLError as error:
        raise CaseError(source, None, f"invalid YAML: {error}") from None
    except json.JSONDecodeError as error:
        raise CaseError(
            source, None, f"invalid JSON (line {error.lineno}, column {error.colno}): {error.msg}"
        ) from None
    except RecursionError:
        raise CaseError(source, None, "too deeply nested for a case file") from None
    except ValueError as error:  # int() beyond Python's digit limit (4300), from either parser
        if "digits" not in str(error):
            raise
        raise CaseError(source, None, "a number has more digits than the 4300 a case file may use") from None
    if data is None:
        if not is_json and _only_comments(text):
            raise CaseError(source, None, "file is empty (only comments); expected a case with at least case_id")
        kind = "JSON null" if is_json else "YAML null"
        raise CaseError(source, None, f"the document is {kind}, not a case; expected a mapping with at least case_id")
    return data


def _is_branch(part: Any) -> bool:
    """A union branch pydantic names in a location (e.g. 'list[...]', 'RedFlagSides'), not a case field."""
    return isinstance(part, str) and ("[" in part or part[:1].isupper())


def _dotted(loc: tuple[Any, ...]) -> str:
    return ".".join(str(part) for part in loc if not _is_branch(part)) or "(top level)"


def _relevant(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """For a field that may take two shapes (a red-flag list or side map; one screen result or one per side),
    keep the errors of the shape the clinician wrote: a shape mismatch is dropped when the other shape
    reports a problem inside that field."""
    wrong_shape = ("list_type", "model_type", "dict_type", "model_attributes_type", "word")
    fields = [_dotted(e["loc"]) for e in errors]
    kept = []
    for error, field in zip(errors, fields, strict=True):
        branched = any(_is_branch(part) for part in error["loc"])
        deeper = any(other.startswith(field + ".") for other in fields)
        if branched and error["type"] in wrong_shape and deeper:
            continue
        if branched and field in {_dotted(e["loc"]) for e in kept}:
            continue
        kept.append(error)
    return list({(_dotted(e["loc"]), e["msg"]): e for e in kept}.values()) or errors


def _fields_at(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """The field names the contract allows at a location, for 'did you mean' on unknown keys."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        field = current.model_fields.get(part) if isinstance(current, type) else None
        if field is None:
            return []
        current = _model_inside(field.annotation)
    return list(current.model_fields) if isinstance(current, type) and issubclass(current, BaseModel) else []


def _model_inside(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _model_inside(arg)
        if found is not None:
            return found
    return None


def _message(model: type[BaseModel], error: dict[str, Any]) -> str:
    kind, loc, value = error["type"], error["loc"], error.get("input")
    if kind == "extra_forbidden":
        allowed = _fields_at(model, loc[:-1])
        hint = did_you_mean(str(loc[-1]), allowed)
        return f"unknown field '{loc[-1]}' is not allowed{hint}"
    if kind == "missing":
        return "required field is missing"
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return f"expected a mapping of fields, got {value!r:.40}"
    if kind == "list_type":
        return f"expected a list, got {value!r:.40}"
    if kind == "literal_error":
        return f"expected {error['ctx']['expected']}, got {value!r:.40}"
    if kind == "string_pattern_mismatch":
        return f"expected 1-64 letters, digits, '-', '_' or '.', got {value!r:.70}"
    return str(error["msg"])


def validate_case(model: type[BaseModel], raw: Any, source: str) -> BaseModel:
    """Validate parsed data against the contract; all problems are reported, one line each."""
    if not isinstance(raw, dict):
        raise CaseError(source, None, f"expected a mapping with case_id at the top level, got {type(raw).__name__}")
    raw = checked_values(raw, source)
    try:
        return model.model_validate(raw)
    except ValidationError as error:
        problems = [(_dotted(item["loc"]), _message(model, item)) for item in _relevant(error.errors())]
        raise CaseError(source, problems[0][0], problems[0][1], problems[1:]) from None
