"""Load and validate list files and vendor whitelists, reporting every problem with file and line.

Each problem is one line, ``path:line: field.path: message``, for example::

    lists/national.yaml:14: resources[3].url: 'htp://x' is not an http(s) URL

``path`` is shown as the user gave it. Line numbers come from the YAML node of the offending field
(the nearest enclosing node when the field is missing). The checks run in three layers:

1. reading: the file exists, is UTF-8 YAML, is not empty, has no duplicate keys;
2. the strict models of :mod:`nettsjekk.lists.models` (shape, types, hostnames, URLs);
3. checks across files: unique resource ids and URLs, known vendors, and each resource's host
   listed in its vendor's domains.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, get_args
from urllib.parse import urlsplit, urlunsplit

import yaml
from pydantic import BaseModel, ValidationError

from nettsjekk.probes.errors import ConfigError, ListFileError

from .models import FILE_DEFAULT_INVALID, ListFile, Resource, Vendor, apply_file_defaults

MAX_FILE_BYTES = 1_000_000
YAML_SUFFIXES = (".yaml", ".yml")
VENDOR_FOLDER = "vendor_whitelists"
PLATFORM_VENDOR = "_platform"

Loc = tuple[str | int, ...]


# ---------------------------------------------------------------- public API


@dataclass(frozen=True)
class Catalog:
    """Every resource and vendor from a set of valid files, with lookups."""

    resources: tuple[Resource, ...]
    vendors: dict[str, Vendor]
    list_files: dict[str, ListFile] = field(default_factory=dict)
    """Each list file by the path it was loaded from (as given)."""
    origins: dict[str, str] = field(default_factory=dict)
    """Resource id -> ``path:line`` of its entry, for messages."""

    def resource(self, resource_id: str) -> Resource:
        """The resource with ``resource_id``; ``ConfigError`` naming the known ids otherwise."""
        for resource in self.resources:
            if resource.id == resource_id:
                return resource
        known = ", ".join(sorted(r.id for r in self.resources))
        raise ConfigError(f"unknown resource id {resource_id!r} (known: {known})")

    def vendor(self, vendor_id: str) -> Vendor:
        """The vendor with ``vendor_id``; ``ConfigError`` naming the known ids otherwise."""
        if vendor_id not in self.vendors:
            known = ", ".join(sorted(self.vendors))
            raise ConfigError(f"unknown vendor {vendor_id!r} (known: {known})")
        return self.vendors[vendor_id]

    def vendor_of(self, resource: Resource) -> Vendor:
        """The vendor whitelist that ``resource`` names."""
        return self.vendor(resource.vendor)

    @property
    def platform(self) -> Vendor | None:
        """The hosts every exam needs (Feide, Udir delivery), if ``_platform.yaml`` was loaded."""
        return self.vendors.get(PLATFORM_VENDOR)

    def select(self, list_name: str | None = None, county: str | None = None) -> list[Resource]:
        """Resources on ``list_name`` (``national``/``local``) and/or for ``county``, in file order."""
        return [
            r
            for r in self.resources
            if (list_name is None or r.list == list_name) and (county is None or r.county == county)
        ]


def bundled_lists_dir() -> Path:
    """The ``lists/`` folder shipped with nettsjekk."""
    import nettsjekk.lists

    return Path(nettsjekk.lists.__file__).parent


def bundled_vendor_dir() -> Path:
    """The ``vendor_whitelists/`` folder shipped with nettsjekk."""
    import nettsjekk.vendor_whitelists

    return Path(nettsjekk.vendor_whitelists.__file__).parent


def load_catalog(
    list_paths: Iterable[str | os.PathLike[str]] | None = None,
    vendor_dir: str | os.PathLike[str] | None = None,
) -> Catalog:
    """Load list files (files or folders) and the vendor files in ``vendor_dir``.

    ``None`` means the bundled ``lists/`` and ``vendor_whitelists/`` folders. Raises
    ``ListFileError`` holding every problem found, one ``path:line: field: message`` line each.
    """
    list_args = [str(p) for p in list_paths] if list_paths is not None else [_shown_default(bundled_lists_dir())]
    vendor_arg = str(vendor_dir) if vendor_dir is not None else _shown_default(bundled_vendor_dir())
    report = _Report()
    sources = _expand(list_args, report, role="list") + _expand([vendor_arg], report, role="vendor")
    result = _validate(sources, report)
    if report.problems:
        raise ListFileError(report.lines())
    return result.catalog()


def validate_paths(paths: list[str]) -> tuple[list[str], str]:
    """Validate list and vendor files (files or folders); return ``(problems, summary)``.

    Empty ``paths`` means the bundled ``lists/`` and ``vendor_whitelists/`` folders. When only
    list files are given, vendor ids are checked against the bundled vendor files. Never raises
    for a problem in a file: every problem becomes one line.
    """
    report = _Report()
    args = paths or [_shown_default(bundled_lists_dir()), _shown_default(bundled_vendor_dir())]
    sources = _expand(args, report)
    result = _validate(sources, report, fallback_vendor_dir=bundled_vendor_dir())
    return report.lines(), _summary(result, len(report.problems))


# ---------------------------------------------------------------- problems


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


def _summary(result: _Result, count: int) -> str:
    n_lists, n_vendors = len(result.list_files), len(result.vendor_files)
    bundled = " (bundled)" if result.bundled_vendors else ""
    return (
        f"validated {_plural(n_lists, 'list file')} ({_plural(result.resource_count, 'resource')}) and "
        f"{_plural(n_vendors, 'vendor file')}{bundled}: {_plural(count, 'problem')}"
    )


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def _shown_default(folder: Path) -> str:
    """A bundled folder as a path relative to the working directory when it lies below it."""
    try:
        return str(folder.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(folder)


def _expand(args: list[str], report: _Report, role: str | None = None) -> list[_Source]:
    """The YAML files named by ``args`` (files, or folders searched recursively), without repeats."""
    found: list[_Source] = []
    seen: set[Path] = set()
    for arg in args:
        for path, shown in _files_for(arg, report, _Source(Path(arg), arg, report.next_order())):
            if path.resolve() not in seen:
                seen.add(path.resolve())
                found.append(_Source(path, shown, report.next_order(), role))
    return found


def _files_for(arg: str, report: _Report, source: _Source) -> Iterator[tuple[Path, str]]:
    path = source.path
    if path.is_file():
        yield path, arg
    elif path.is_dir():
        files = sorted(p for p in path.rglob("*") if p.suffix in YAML_SUFFIXES and p.is_file() and _visible(p, path))
        if not files:
            report.add(source, None, "", "no .yaml files in this folder")
        for file in files:
            yield file, str(Path(arg) / file.relative_to(path))
    else:
        report.add(source, None, "", "no such file or folder")


def _visible(path: Path, root: Path) -> bool:
    return not any(part.startswith(".") or part == "__pycache__" for part in path.relative_to(root).parts)


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


def _report_validation(doc: _Doc, model: type[BaseModel], exc: ValidationError, report: _Report) -> None:
    for error in exc.errors(include_url=False):
        if error["type"] in ("invalid_key", FILE_DEFAULT_INVALID):
            continue  # reported while reading the YAML, or once at the file-level field
        loc = _shown_loc(doc.data, tuple(error["loc"]))
        report.add(doc.source, doc.line(loc), _field_path(loc), _message(error, model))


def _shown_loc(data: Any, loc: Loc) -> Loc:
    """Drop the ``host`` the models add to a domain entry that the file wrote as a plain string."""
    if loc and loc[-1] == "host" and isinstance(_value_at(data, loc[:-1]), str):
        return loc[:-1]
    return loc


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
    if kind == "missing":
        return "required field is missing"
    if kind == "extra_forbidden":
        return f"unknown field (allowed: {', '.join(_allowed_fields(model, tuple(error['loc'])[:-1]))})"
    if kind == "literal_error":
        return f"{_describe(value)} is not allowed (choose one of: {_choices(error)})"
    expected = _EXPECTED.get(kind)
    if expected is not None:
        return f"expected {expected}, got {_describe(value)}{_quote_hint(kind, value)}"
    if kind == "too_short":
        return "needs at least one entry"
    return str(error["msg"])


_EXPECTED = {
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
    return list(model.model_fields)


def _nested_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        found = _nested_model(arg)
        if found is not None:
            return found
    return None


# ---------------------------------------------------------------- per-file checks


@dataclass
class _LoadedList:
    doc: _Doc
    model: ListFile | None
    resources: list[tuple[int, Resource]]
    """(index in the file, resource) for every entry that is valid on its own."""


@dataclass
class _LoadedVendor:
    doc: _Doc
    model: Vendor | None


def _kind(doc: _Doc) -> str | None:
    """``vendor``, ``list`` or None (cannot tell) for a parsed file."""
    data = doc.data
    if doc.source.role is not None:
        return doc.source.role
    if doc.source.path.parent.name == VENDOR_FOLDER or (isinstance(data, dict) and "domains" in data):
        return "vendor"
    if isinstance(data, dict) and "resources" in data:
        return "list"
    return None


def _check_shape(doc: _Doc, report: _Report) -> str | None:
    """The file's kind, after checking that its top level is a mapping; None after a problem."""
    if not isinstance(doc.data, dict):
        found = _describe(doc.data)
        report.add(
            doc.source, doc.line(()), "", f"expected a mapping (key: value lines) at the top level, found {found}"
        )
        return None
    kind = _kind(doc)
    if kind is None:
        needs = "a list file needs 'resources', a vendor file needs 'domains'"
        report.add(doc.source, doc.line(()), "", f"cannot tell what kind of file this is: {needs}")
    return kind


def _check_list(doc: _Doc, report: _Report) -> _LoadedList:
    try:
        model = ListFile.model_validate(doc.data)
    except ValidationError as exc:
        _report_validation(doc, ListFile, exc, report)
        return _LoadedList(doc, None, _salvage(doc.data))
    return _LoadedList(doc, model, list(enumerate(model.resources)))


def _salvage(data: Any) -> list[tuple[int, Resource]]:
    """The entries of an invalid list file that are valid on their own, for the checks across files."""
    items = apply_file_defaults(data).get("resources")
    kept: list[tuple[int, Resource]] = []
    for index, item in enumerate(items if isinstance(items, list) else []):
        try:
            kept.append((index, Resource.model_validate(item)))
        except ValidationError:
            continue
    return kept


def _check_vendor(doc: _Doc, report: _Report) -> _LoadedVendor:
    raw_id, stem = doc.data.get("id"), doc.source.path.stem
    if isinstance(raw_id, str) and raw_id != stem:
        report.add(doc.source, doc.line(("id",)), "id", f"{raw_id!r} must equal the file name ({stem}.yaml)")
    try:
        model = Vendor.model_validate(doc.data)
    except ValidationError as exc:
        _report_validation(doc, Vendor, exc, report)
        return _LoadedVendor(doc, None)
    return _LoadedVendor(doc, model)


# ---------------------------------------------------------------- checks across files


@dataclass
class _Result:
    report: _Report
    list_files: list[_LoadedList] = field(default_factory=list)
    vendor_files: list[_LoadedVendor] = field(default_factory=list)
    bundled_vendors: bool = False
    """True when vendor ids were checked against the bundled vendor files (none were given)."""

    @property
    def resource_count(self) -> int:
        """Entries under ``resources`` in all list files, valid or not."""
        entries = (f.doc.data.get("resources") for f in self.list_files)
        return sum(len(items) for items in entries if isinstance(items, list))

    def vendor_ids(self) -> dict[str, _LoadedVendor]:
        """Vendor id -> file; a broken vendor file still counts under its file name."""
        return {(f.model.id if f.model else f.doc.source.path.stem): f for f in self.vendor_files}

    def catalog(self) -> Catalog:
        """The catalog of a result without problems."""
        resources = tuple(r for f in self.list_files for _, r in f.resources)
        vendors = {f.model.id: f.model for f in self.vendor_files if f.model is not None}
        files = {f.doc.source.shown: f.model for f in self.list_files if f.model is not None}
        origins = {
            r.id: f"{f.doc.source.shown}:{f.doc.line(('resources', i))}"
            for f in self.list_files
            for i, r in f.resources
        }
        return Catalog(resources, vendors, files, origins)


def _validate(sources: list[_Source], report: _Report, fallback_vendor_dir: Path | None = None) -> _Result:
    """Read and check every file, then run the checks across files.

    With ``fallback_vendor_dir``, list files given without any vendor file are checked against
    the vendor files in that folder.
    """
    result = _Result(report)
    _load_files(sources, result)
    if fallback_vendor_dir is not None and result.list_files and not result.vendor_files:
        _load_files(_expand([_shown_default(fallback_vendor_dir)], report, role="vendor"), result)
        result.bundled_vendors = True
    _check_vendor_ids_unique(result)
    _check_resources_across_files(result)
    return result


def _load_files(sources: list[_Source], result: _Result) -> None:
    for source in sources:
        doc = _read(source, result.report)
        kind = _check_shape(doc, result.report) if doc is not None else None
        if doc is None or kind is None:
            continue
        if kind == "list":
            result.list_files.append(_check_list(doc, result.report))
        else:
            result.vendor_files.append(_check_vendor(doc, result.report))


def _check_vendor_ids_unique(result: _Result) -> None:
    first: dict[str, _LoadedVendor] = {}
    for loaded in result.vendor_files:
        if loaded.model is None:
            continue
        if loaded.model.id in first:
            other = first[loaded.model.id].doc
            result.report.add(
                loaded.doc.source,
                loaded.doc.line(("id",)),
                "id",
                f"vendor {loaded.model.id!r} is already defined at {other.source.shown}:{other.line(('id',))}",
            )
        first.setdefault(loaded.model.id, loaded)


def _check_resources_across_files(result: _Result) -> None:
    ids: dict[str, str] = {}
    urls: dict[str, tuple[str, str]] = {}
    vendors = result.vendor_ids()
    for loaded in result.list_files:
        for index, resource in loaded.resources:
            where = _Where(loaded.doc, ("resources", index), result.report)
            _check_unique_id(resource, where, ids)
            _check_unique_url(resource, where, urls)
            _check_vendor_ref(resource, where, vendors, result.bundled_vendors)


@dataclass(frozen=True)
class _Where:
    """A resource entry's place in its file, for reporting."""

    doc: _Doc
    loc: Loc
    report: _Report

    def at(self, name: str) -> str:
        """``path:line`` of field ``name`` of the entry."""
        return f"{self.doc.source.shown}:{self.doc.line((*self.loc, name))}"

    def add(self, name: str, message: str) -> None:
        """Report ``message`` against field ``name`` of the entry."""
        loc = (*self.loc, name)
        self.report.add(self.doc.source, self.doc.line(loc), _field_path(loc), message)


def _check_unique_id(resource: Resource, where: _Where, ids: dict[str, str]) -> None:
    if resource.id in ids:
        where.add("id", f"{resource.id!r} is already used at {ids[resource.id]}")
    ids.setdefault(resource.id, where.at("id"))


def _check_unique_url(resource: Resource, where: _Where, urls: dict[str, tuple[str, str]]) -> None:
    key = normalized_url(resource.url)
    if key in urls:
        other_id, other_at = urls[key]
        where.add("url", f"{resource.url!r} is the same address as {other_id!r} at {other_at}")
    urls.setdefault(key, (resource.id, where.at("url")))


def _check_vendor_ref(resource: Resource, where: _Where, vendors: dict[str, _LoadedVendor], bundled: bool) -> None:
    loaded = vendors.get(resource.vendor)
    if loaded is None:
        message = _unknown_vendor(resource.vendor, sorted(vendors))
        if not bundled and (bundled_vendor_dir() / f"{resource.vendor}.yaml").is_file():
            message += f"; the bundled {_shown_default(bundled_vendor_dir())} has it: add that folder to the paths"
        where.add("vendor", message)
    elif loaded.model is not None and not loaded.model.covers(resource.host):
        where.add("url", _uncovered_host(resource, loaded))


def _unknown_vendor(vendor_id: str, known: list[str]) -> str:
    close = difflib.get_close_matches(vendor_id, known, n=1)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    listing = ", ".join(known) if known else "none loaded"
    return f"unknown vendor {vendor_id!r}{hint} (known: {listing})"


def _uncovered_host(resource: Resource, loaded: _LoadedVendor) -> str:
    vendor = loaded.model
    assert vendor is not None
    if any(entry.host == resource.host for entry in vendor.blocked_hosts):
        return f"host {resource.host!r} is in blocked_hosts of vendor {vendor.id!r} ({loaded.doc.source.shown})"
    return (
        f"host {resource.host!r} is not in the domains of vendor {vendor.id!r} "
        f"({loaded.doc.source.shown}); add it there"
    )


def normalized_url(url: str) -> str:
    """``url`` for comparison: lower-case scheme and host, no default port, fragment or trailing slash.

    >>> normalized_url("HTTPS://SNL.no:443/")
    'https://snl.no'
    """
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").rstrip(".")
    port = parts.port
    netloc = host if port is None or (scheme, port) in (("http", 80), ("https", 443)) else f"{host}:{port}"
    return urlunsplit((scheme, netloc, parts.path.rstrip("/"), parts.query, ""))
