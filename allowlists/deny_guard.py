"""The deny guard: no export opens a host of the deny catalog unless an exception says so.

For each candidate pattern that would open a denied host (``www.youtube.com``, or ``*.google.com``
which opens ``www.google.com``):

* an active exception for exactly that pattern lets it through (and the header says so);
* a host only *seen* in probes (a widget the page loads) is left out: that is the block working
  as intended, and the header lists it;
* anything a list, vendor file or configuration asks for fails the whole export, naming the host,
  its category and every resource or vendor that pulled it in.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from nettsjekk.core.deny import DenyCatalog, DenyEntry
from nettsjekk.core.errors import DeniedHostError
from nettsjekk.allowlists.exemptions import ActiveException, ExceptionSet
from nettsjekk.core.hosts import HostPattern, sorted_patterns
from nettsjekk.allowlists.inventory import Sighting
from nettsjekk.allowlists.model import LeftOut, Origin


@dataclass
class Candidate:
    """A pattern some origin asks for, before the guard."""

    pattern: HostPattern
    origins: list[Origin] = field(default_factory=list)
    sightings: list[Sighting] = field(default_factory=list)

    def pulled_in_by(self) -> str:
        """Every resource or vendor behind this candidate, one phrase."""
        return ", ".join(dict.fromkeys(origin.describe() for origin in self.origins))


def apply_deny_guard(
    candidates: dict[HostPattern, Candidate], deny: DenyCatalog, exceptions: ExceptionSet, left_out: list[LeftOut]
) -> tuple[dict[HostPattern, Candidate], dict[HostPattern, ActiveException]]:
    """The candidates that may be exported and the exceptions used; appends to ``left_out``.

    Raises ``DeniedHostError`` listing every violation at once.
    """
    kept: dict[HostPattern, Candidate] = {}
    used: dict[HostPattern, ActiveException] = {}
    violations: list[str] = []
    for pattern in sorted_patterns(candidates):
        candidate, hits = candidates[pattern], deny.overlapping(pattern)
        exception = exceptions.find(pattern) if hits else None
        if not hits or exception is not None:
            kept[pattern] = candidate
            if exception is not None:
                used[pattern] = exception
        elif all(origin.kind == "seen" for origin in candidate.origins):
            left_out.append(LeftOut(str(pattern), f"denied ({_what(pattern, hits[0])}), blocked as intended",
                                    candidate.pulled_in_by()))
        else:
            violations.append(f"{pattern} ({_what(pattern, hits[0])}) pulled in by {candidate.pulled_in_by()}")
    if violations:
        raise DeniedHostError(violations)
    return kept, used


def _what(pattern: HostPattern, entry: DenyEntry) -> str:
    """``translation: Google Translate API ...``, naming the catalog entry when it is a parent or child."""
    via = "" if entry.host == pattern.base else f", catalog entry {entry.host}"
    return f"{entry.category}: {entry.reason}{via}"
