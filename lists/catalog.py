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
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from pydantic import BaseModel, ValidationError

from nettsjekk.core.errors import ConfigError, ListFileError

from nettsjekk.core.yamldoc import Doc as _Doc
from nettsjekk.core.yamldoc import describe as _describe
from nettsjekk.core.yamldoc import Loc
from nettsjekk.core.yamldoc import Report as _Report
from nettsjekk.core.yamldoc import Source as _Source
from nettsjekk.core.yamldoc import field_path as _field_path
from nettsjekk.core.yamldoc import read_doc as _read
from nettsjekk.core.yamldoc import report_validation
from nettsjekk.core.yamldoc import value_at as _value_at

from nettsjekk.lists.host_review import review_hosts
from nettsjekk.lists.models import FILE_DEFAULT_INVALID, ListFile, Resource, Vendor, apply_file_defaults

YAML_SUFFIXES = (".yaml", ".yml")
VENDOR_FOLDER = "vendor_whitelists"
PLATFORM_VENDOR = "_platform"


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

    def login_hosts(self) -> tuple[str, ...]:
        """Every vendor's (and the platform's) login hosts, sorted: where a probe meets a login wall."""
        return tuple(sorted({host for vendor in self.vendors.values() for host in vendor.login_hosts}))

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
    """Validate list and vendor files (files or folders); return ``(problems, summary)``."""
    problems, _warnings, summary = validate_files(paths)
    return problems, summary


def validate_files(paths: list[str]) -> tuple[list[str], list[str], str]:
    """Validate list and vendor files (files or folders); return ``(problems, warnings, summary)``.

    Empty ``paths`` means the bundled ``lists/`` and ``vendor_whitelists/`` folders. When only
    list files are given, vendor ids are checked against the bundled vendor files. Never raises
    for a problem in a file: every problem and warning becomes one line.
    """
    report = _Report()
    args = paths or [_shown_default(bundled_lists_dir()), _shown_default(bundled_vendor_dir())]
    sources = _expand(args, report)
    result = _validate(sources, report, fallback_vendor_dir=bundled_vendor_dir())
    warnings = result.warnings.lines()
    summary = _summary(result, len(report.problems)) + (f", {_plural(len(warnings), 'warning')}" if warnings else "")
    return report.lines(), warnings, summary


# ---------------------------------------------------------------- problems


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


# ---------------------------------------------------------------- model errors -> lines


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
    warnings: _Report = field(default_factory=_Report)
    """Lines that do not make a file invalid (a denied or look-alike host); ``validate --strict`` fails on them."""

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
    review_hosts(result.list_files, result.vendor_files, report, result.warnings)
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


def _report_validation(doc: _Doc, model: type[BaseModel], exc: ValidationError, report: _Report) -> None:
    report_validation(doc, model, exc, report, skip_types=(FILE_DEFAULT_INVALID,), shown_loc=_shown_loc)


def _shown_loc(data: Any, loc: Loc) -> Loc:
    """Drop the ``host`` the models add to a domain entry that the file wrote as a plain string."""
    if loc and loc[-1] == "host" and isinstance(_value_at(data, loc[:-1]), str):
        return loc[:-1]
    return loc
