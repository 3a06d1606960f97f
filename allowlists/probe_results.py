"""Read probe results files: ``{"results": [{"resource": id, ...probe fields}]}`` (``nettsjekk demo``).

Each entry is the probe JSON of one resource in one engine from one location, plus the resource
id. A problem names the file and the entry (``results.json: results[3].requests[0].status: ...``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nettsjekk.probes.results import ProbeResult
from nettsjekk.core.yamldoc import field_path
from pydantic import ValidationError

from nettsjekk.core.errors import ResultsFileError


@dataclass(frozen=True)
class ResourceResult:
    """One probe result and the resource it belongs to; ``where`` is ``file: results[i]``."""

    resource: str
    result: ProbeResult
    where: str


def load_results(paths: Iterable[str | Path]) -> list[ResourceResult]:
    """Every entry of every file, in the order given."""
    found: list[ResourceResult] = []
    for path in paths:
        found += parse_results(_read_json(Path(path)), str(path))
    return found


def parse_results(document: Any, shown: str) -> list[ResourceResult]:
    """The entries of one parsed results document; ``shown`` names it in messages."""
    entries = document.get("results") if isinstance(document, dict) else None
    if not isinstance(entries, list):
        raise ResultsFileError(f"{shown}: not a results file (expected an object with a \"results\" list)")
    return [_entry(item, f"{shown}: results[{index}]") for index, item in enumerate(entries)]


def from_pairs(pairs: Iterable[tuple[str, ProbeResult]], shown: str = "probe run") -> list[ResourceResult]:
    """Results already in memory, as ``(resource id, result)`` pairs (what the demo returns)."""
    return [ResourceResult(rid, result, f"{shown}: results[{i}]") for i, (rid, result) in enumerate(pairs)]


def _read_json(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ResultsFileError(f"{path}: cannot read the results file ({exc.strerror or exc})") from None
    except UnicodeDecodeError:
        raise ResultsFileError(f"{path}: not UTF-8 text; is it a results file?") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ResultsFileError(f"{path}:{exc.lineno}: not valid JSON ({exc.msg})") from None
    except RecursionError:
        raise ResultsFileError(f"{path}: nested too deeply to be a results file") from None
    except ValueError as exc:  # e.g. a number of more than 4,300 digits
        raise ResultsFileError(f"{path}: not a results file ({exc})") from None


def _entry(item: Any, where: str) -> ResourceResult:
    if not isinstance(item, dict) or not isinstance(item.get("resource"), str):
        raise ResultsFileError(f"{where}: expected a probe result with a \"resource\" id")
    fields = {key: value for key, value in item.items() if key != "resource"}
    try:
        result = ProbeResult.model_validate(fields)
    except ValidationError as exc:
        error = exc.errors(include_url=False)[0]
        raise ResultsFileError(f"{where}.{field_path(tuple(error['loc']))}: {error['msg']}") from None
    return ResourceResult(item["resource"], result, where)
