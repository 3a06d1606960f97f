"""Strict YAML files: parse with line numbers, validate with pydantic, report every problem as
``path:line: field.path: message`` in words a county administrator understands.

Used by every file a user writes: lists, vendor whitelists, detection rules, settings, reviews.
``load_model`` is the short way for a single file; ``Report``/``read_doc``/``report_validation``
serve callers that check many files together (``nettsjekk.lists.catalog``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar, get_args

import yaml
from pydantic import BaseModel, ValidationError

from nettsjekk.core.errors import ListFileError

MAX_FILE_BYTES = 1_000_000
Loc = tuple[str | int, ...]
M = TypeVar("M", bound=BaseModel)


def load_model(path: Path, model: type[M], shown: str | None = None, error: type[ListFileError] = ListFileError) -> M:
    """Read ``path`` as one ``model``; raise ``error`` listing every problem with its line."""
    report = _Report()
    source = _Source(Path(path), shown or str(path), report.next_order())
    doc = _read(source, report)
    if doc is not None and not report.problems:
        try:
            return model.model_validate(doc.data)
        except ValidationError as exc:
            _report_validation(doc, model, exc, report)
    raise error(report.lines())


@dataclass(frozen=True)
class _Source:
    """One YAML file to read, with the path as the user should see it."""

    path: Path
    shown: str
    order: int
    role: str | None = None
    """``list`` or ``vendor`` when the caller says what the file is; None to tell by its content."""


@dataclass(order=True, frozen=True)
class _Problem:
    order: int
    line: int
    text: str


class _Report:
    """Collects problems; sorts them by file (in the order given) and line."""

    def __init__(self) -> None:
        self.problems: list[_Problem] = []
        self._orders = 0

    def next_order(self) -> int:
        """A sort key for the next file or argument, so problems keep the order files were given."""
        self._orders += 1
        return self._orders

    def add(self, source: _Source, line: int | None, field_path: str, message: str) -> None:
        """Record ``path:line: field: message`` (line and field may be left out)."""
        where = source.shown if line is None else f"{source.shown}:{line}"
        text = f"{where}: {field_path}: {message}" if field_path else f"{where}: {message}"
        self.problems.append(_Problem(source.order, line or 0, text))

    def lines(self) -> list[str]:
        """The problem lines, sorted by file and line."""
        return [p.text for p in sorted(self.problems)]


# ---------------------------------------------------------------- reading YAML


class _LineLoader(yaml.SafeLoader):
    """SafeLoader that keeps an impossible date such as ``2024-13-01`` as text for the models to report."""


def _timestamp_or_text(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Any:
    try:
        return yaml.constructor.SafeConstructor.construct_yaml_timestamp(loader, node)
    except ValueError:
        return loader.construct_scalar(node)


_LineLoader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp_or_text)


@dataclass
class _Doc:
    """A parsed YAML file: its data and the 1-based line of every key path."""

    source: _Source
    data: Any
    lines: dict[Loc, int]

    def line(self, loc: Loc) -> int:
        """The line of ``loc``, or of its nearest enclosing node that has one."""
        for end in range(len(loc), -1, -1):
            if loc[:end] in self.lines:
                return self.lines[loc[:end]]
        return 1


def _read(source: _Source, report: _Report) -> _Doc | None:
    """Parse ``source``; on any problem report it and return None."""
    text = _read_text(source, report)
    if text is None:
        return None
    try:
        node, data, lines, key_problems = _parse(text)
    except yaml.YAMLError as exc:
        _report_yaml_error(source, text, exc, report)
        return None
    except RecursionError:
        report.add(source, 1, "", "not valid YAML: nested too deeply")
        return None
    for loc, line, message in key_problems:
        report.add(source, line, _field_path(loc), message)
    if node is None:
        report.add(source, 1, "", "file is empty")
        return None
    return _Doc(source, data, lines)


def _read_text(source: _Source, report: _Report) -> str | None:
    try:
        raw = source.path.read_bytes()
    except OSError as exc:
        report.add(source, None, "", f"cannot read the file ({exc.strerror or exc})")
        return None
    if len(raw) > MAX_FILE_BYTES:
        report.add(source, 1, "", f"file is larger than {MAX_FILE_BYTES // 1_000_000} MB; is it the right file?")
        return None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        report.add(source, line, "", "not UTF-8 text; save the file as UTF-8")
        return None


_KeyProblems = list[tuple[Loc, int, str]]


def _parse(text: str) -> tuple[yaml.Node | None, Any, dict[Loc, int], _KeyProblems]:
    """Compose, map lines and check keys (before merge keys are flattened), then construct."""
    loader = _LineLoader(text)
    try:
        node = loader.get_single_node()
        lines: dict[Loc, int] = {}
        key_problems: _KeyProblems = []
        if node is not None:
            lines[()] = node.start_mark.line + 1
            _walk(node, (), lines, key_problems, set())
        data = loader.construct_document(node) if node is not None else None
    finally:
        loader.dispose()
    return node, data, lines, key_problems


def _walk(node: yaml.Node, loc: Loc, lines: dict[Loc, int], problems: _KeyProblems, seen: set[int]) -> None:
    """Record the line of every key and list item below ``node``; note duplicate keys.

    A node reached a second time through an alias is not walked again, so a "billion laughs"
    file cannot make this slow.
    """
    if id(node) in seen:
        return
    seen.add(id(node))
    if isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            lines[(*loc, index)] = item.start_mark.line + 1
            _walk(item, (*loc, index), lines, problems, seen)
    elif isinstance(node, yaml.MappingNode):
        _walk_mapping(node, loc, lines, problems, seen)


def _walk_mapping(
    node: yaml.MappingNode, loc: Loc, lines: dict[Loc, int], problems: _KeyProblems, seen: set[int]
) -> None:
    first: dict[str, int] = {}
    for key_node, value_node in node.value:
        line = key_node.start_mark.line + 1
        if key_node.tag == "tag:yaml.org,2002:merge":
            continue
        if not isinstance(key_node, yaml.ScalarNode) or key_node.tag != "tag:yaml.org,2002:str":
            problems.append((loc, line, _bad_key_message(key_node)))
            continue
        child = (*loc, key_node.value)
        if key_node.value in first:
            message = (
                f"duplicate key {key_node.value!r} (also at line {first[key_node.value]}); YAML keeps only the last one"
            )
            problems.append((child, line, message))
        first.setdefault(key_node.value, line)
        lines[child] = line
        _walk(value_node, child, lines, problems, seen)


def _bad_key_message(key_node: yaml.Node) -> str:
    kind = {"bool": "a yes/no value", "int": "a number", "float": "a number", "null": "an empty value"}
    if not isinstance(key_node, yaml.ScalarNode):
        return "a key must be a field name, not a list or mapping"
    read_as = kind.get(key_node.tag.rsplit(":", 1)[-1], "something other than text")
    return f"key {key_node.value!r} is not a field name (YAML reads it as {read_as}; put it in quotes or fix it)"


def _report_yaml_error(source: _Source, text: str, exc: yaml.YAMLError, report: _Report) -> None:
    tab_lines = [n for n, line in enumerate(text.splitlines(), 1) if "\t" in line[: len(line) - len(line.lstrip())]]
    if tab_lines:
        for line in tab_lines:
            report.add(source, line, "", "tab character; YAML needs spaces")
        return
    if isinstance(exc, yaml.reader.ReaderError):
        line = text.count("\n", 0, exc.position) + 1
        code = exc.character if isinstance(exc.character, int) else ord(exc.character)
        report.add(source, line, "", f"not valid YAML: control character U+{code:04X} is not allowed")
        return
    mark = getattr(exc, "problem_mark", None)
    line = mark.line + 1 if mark is not None else 1
    report.add(source, line, "", f"not valid YAML: {_yaml_message(exc)}")


def _yaml_message(exc: yaml.YAMLError) -> str:
    if not isinstance(exc, yaml.MarkedYAMLError):
        return " ".join(str(exc).split())
    problem = exc.problem or "syntax error"
    if not exc.context:
        return problem
    context_mark = exc.context_mark
    if context_mark is None or context_mark.line == getattr(exc.problem_mark, "line", None):
        return f"{exc.context}, {problem}"
    return f"{exc.context} (line {context_mark.line + 1}), {problem}"


# ---------------------------------------------------------------- model errors -> lines


def _field_path(loc: Loc) -> str:
    """``('resources', 3, 'url')`` -> ``resources[3].url``."""
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _report_validation(
    doc: _Doc,
    model: type[BaseModel],
    exc: ValidationError,
    report: _Report,
    skip_types: tuple[str, ...] = (),
    shown_loc: Callable[[Any, Loc], Loc] | None = None,
) -> None:
    """Turn every pydantic error into a ``path:line: field: message`` problem.

    ``skip_types`` are error types already reported another way; ``shown_loc`` may rewrite the
    location a user sees (e.g. drop a field the model added to a shorthand entry).
    """
    for error in exc.errors(include_url=False):
        if error["type"] == "invalid_key" or error["type"] in skip_types:
            continue  # invalid keys were reported while reading the YAML
        loc = tuple(error["loc"])
        loc = shown_loc(doc.data, loc) if shown_loc else loc
        report.add(doc.source, doc.line(loc), _field_path(loc), _message(error, model))


def _value_at(data: Any, loc: Loc) -> Any:
    for part in loc:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def _message(error: Any, model: type[BaseModel]) -> str:
    """A message a county administrator understands, for one pydantic error."""
    kind, value = error["type"], error.get("input")
    if kind == "nettsjekk":
        return str(error["msg"])
    if kind == "value_error":
        return str((error.get("ctx") or {}).get("error", error["msg"]))
    if kind == "missing":
        return "required field is missing"
    if kind == "extra_forbidden":
        return f"unknown field (allowed: {', '.join(_allowed_fields(model, tuple(error['loc'])[:-1]))})"
    if kind == "literal_error":
        return f"{_describe(value)} is not allowed (choose one of: {_choices(error)})"
    expected = _EXPECTED.get(kind)
    if expected is not None:
        return f"expected {expected}, got {_describe(value)}{_quote_hint(kind, value)}"
    if kind in _BOUNDS:
        key, words = _BOUNDS[kind]
        return f"must be {words} {(error.get('ctx') or {}).get(key)}, got {_describe(value)}"
    if kind == "string_pattern_mismatch":
        return f"{_describe(value)} does not have the expected form ({(error.get('ctx') or {}).get('pattern')})"
    if kind == "too_short":
        return "needs at least one entry"
    return str(error["msg"])


_BOUNDS = {"greater_than_equal": ("ge", "at least"), "greater_than": ("gt", "more than"),
           "less_than_equal": ("le", "at most"), "less_than": ("lt", "less than")}

_EXPECTED = {
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "float_type": "a number",
    "float_parsing": "a number",
    "string_type": "text",
    "list_type": "a list (lines starting with '- ')",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "date_type": "a date like 2026-05-20",
    "date_parsing": "a date like 2026-05-20",
    "date_from_datetime_parsing": "a date like 2026-05-20",
    "date_from_datetime_inexact": "a date like 2026-05-20",
    "model_type": "a mapping (key: value lines)",
    "model_attributes_type": "a mapping (key: value lines)",
    "dict_type": "a mapping (key: value lines)",
}


def _describe(value: Any) -> str:
    if value is None:
        return "an empty value"
    if isinstance(value, bool):
        return f"{str(value).lower()} (a yes/no value)"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, str):
        return repr(value) if len(value) <= 60 else repr(value[:60]) + "..."
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return f"{type(value).__name__} {value}"


def _quote_hint(kind: str, value: Any) -> str:
    if kind == "string_type" and value is not None and not isinstance(value, list | dict):
        return "; put it in quotes if it is meant as text"
    return ""


def _choices(error: Any) -> str:
    expected = str((error.get("ctx") or {}).get("expected", ""))
    return ", ".join(part.strip(" '") for part in expected.replace(" or ", ", ").split(","))


def _allowed_fields(model: type[BaseModel], loc: Loc) -> list[str]:
    """Field names of the model that owns the mapping at ``loc`` (declaration order)."""
    for part in loc:
        if isinstance(part, int):
            continue
        info = model.model_fields.get(part)
        nested = _nested_model(info.annotation) if info is not None else None
        if nested is None:
            return []
        model = nested
    return [info.alias or name for name, info in model.model_fields.items()]


def _nested_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        found = _nested_model(arg)
        if found is not None:
            return found
    return None


Source, Report, Doc = _Source, _Report, _Doc
read_doc, report_validation, field_path, value_at = _read, _report_validation, _field_path, _value_at
describe = _describe
