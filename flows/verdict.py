"""The per-resource verdict a county signs off: ``OK``, ``OK with conditions`` or ``not OK``.

* **not OK**: the resource loads nowhere; or it shows a forbidden feature (a ``block`` finding:
  translation, communication, web search, AI) anywhere.
* **OK with conditions**: it loads, but only at some locations (location-specific failure) or in
  some browsers, or needed a retry (flaky), or has findings a person must review (a link to
  YouTube, a share button).
* **OK**: it loads everywhere it was tested and nothing was found.

Cells whose location could not be reached say nothing about the resource and are left out.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from .store import StoredCell

OK, CONDITIONS, NOT_OK = "OK", "OK with conditions", "not OK"


def resource_verdict(cells: Iterable[StoredCell]) -> tuple[str, list[str]]:
    """(verdict, reasons) for one resource's cells."""
    cells = [c for c in cells if c.status != "location_unreachable"]
    if not cells:
        return CONDITIONS, ["not tested: no location could be reached"]
    blocking, conditions = _finding_reasons(cells)
    loading = [c for c in cells if c.status in ("ok", "flaky")]
    if not loading:
        errors = sorted({c.result.error or "?" for c in cells})
        return NOT_OK, [f"does not load anywhere ({', '.join(errors)})", *blocking]
    if blocking:
        return NOT_OK, blocking + conditions
    conditions = _load_conditions(cells) + conditions
    return (CONDITIONS, conditions) if conditions else (OK, [])


def location_specific(cells: Iterable[StoredCell]) -> list[str]:
    """Locations where the resource fails although it loads at another location."""
    by_location: dict[str, set[str]] = defaultdict(set)
    for cell in cells:
        if cell.status != "location_unreachable":
            by_location[cell.key.location].add(cell.status)
    loads_somewhere = any(s & {"ok", "flaky"} for s in by_location.values())
    return sorted(loc for loc, statuses in by_location.items() if loads_somewhere and statuses == {"failing"})


def _load_conditions(cells: list[StoredCell]) -> list[str]:
    reasons = [f"fails only at location {loc} (location-specific): {_errors(cells, location=loc)}"
               for loc in location_specific(cells)]
    failing_engines = {c.key.engine for c in cells if c.status == "failing"}
    working_engines = {c.key.engine for c in cells if c.status in ("ok", "flaky")}
    reasons += [f"does not load in {engine}" for engine in sorted(failing_engines - working_engines)]
    flaky = sorted({f"{c.key.engine}@{c.key.location}" for c in cells if c.status == "flaky"})
    if flaky:
        reasons.append(f"unstable: needed a retry ({', '.join(flaky)})")
    return reasons


def _finding_reasons(cells: list[StoredCell]) -> tuple[list[str], list[str]]:
    seen: dict[tuple[str, str, str], str] = {}
    for cell in cells:
        for f in cell.result.findings:
            seen.setdefault((f.severity, f.category, f.rule), f"{f.category}: {f.name or f.rule} ({f.page})")
    blocking = [text for (severity, _, _), text in sorted(seen.items()) if severity == "block"]
    review = [f"review {text}" for (severity, _, _), text in sorted(seen.items()) if severity == "review"]
    return blocking, review


def _errors(cells: list[StoredCell], location: str) -> str:
    return ", ".join(sorted({c.result.error or "?" for c in cells if c.key.location == location}))
