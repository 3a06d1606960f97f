"""The compiled allowlist: what the exports render, with the provenance of every entry."""

from __future__ import annotations

from dataclasses import dataclass, field

from nettsjekk.allowlists.exemptions import ActiveException, ExceptionSet
from nettsjekk.core.hosts import HostPattern
from nettsjekk.allowlists.inventory import Sighting

ORIGIN_KINDS = ("list", "vendor", "platform", "seen", "config")


@dataclass(frozen=True)
class Origin:
    """Why an entry is there: a list URL, a vendor or platform entry, a probe sighting, or configuration."""

    kind: str
    resource: str = ""
    vendor: str = ""
    status: str = ""
    detail: str = ""

    def describe(self) -> str:
        """Short text, e.g. ``vendor unibok (confirmed) for unibok-les``."""
        if self.kind == "list":
            return f"resource {self.resource} ({self.detail})"
        if self.kind == "seen":
            return f"probes of {self.resource}"
        if self.kind == "platform":
            return f"vendor {self.vendor} ({self.status})"
        if self.kind == "config":
            return f"configuration for {self.resource} ({self.detail})"
        return f"vendor {self.vendor} ({self.status}) for {self.resource}"


@dataclass(frozen=True)
class LeftOut:
    """A host or wildcard that was considered and not exported, and why."""

    entry: str
    why: str
    by: str

    def describe(self) -> str:
        """One line for export headers."""
        return f"{self.entry}: {self.why}; pulled in by {self.by}"


@dataclass(frozen=True)
class AllowEntry:
    """One exported pattern, with every origin and sighting that led to it."""

    pattern: HostPattern
    origins: tuple[Origin, ...]
    sightings: tuple[Sighting, ...] = ()
    exception: ActiveException | None = None
    covered: tuple[str, ...] = ()
    """For a wildcard: the exact hosts known under it (seen or declared), which it absorbed."""


@dataclass(frozen=True)
class Allowlist:
    """The compiled allowlist for a set of resources."""

    entries: tuple[AllowEntry, ...]
    resources: tuple[str, ...]
    left_out: tuple[LeftOut, ...] = ()
    exceptions: ExceptionSet = field(default_factory=ExceptionSet)
    notes: tuple[str, ...] = ()

    def patterns(self) -> list[HostPattern]:
        """The exported patterns, in export order."""
        return [entry.pattern for entry in self.entries]

    def allows(self, host: str) -> bool:
        """True when ``host`` (normalised) is let through."""
        return any(entry.pattern.covers(host) for entry in self.entries)

    def entry_for(self, host: str) -> str | None:
        """The entry that lets ``host`` (normalised) through, with why it is there, or None."""
        for entry in self.entries:
            if entry.pattern.covers(host):
                why = "; ".join(origin.describe() for origin in entry.origins[:2])
                return f"{entry.pattern} ({why})" if why else str(entry.pattern)
        return None

    def exact_hosts(self) -> list[str]:
        """Every exact host: exact entries plus the known hosts under each wildcard, sorted."""
        hosts = {e.pattern.base for e in self.entries if not e.pattern.wildcard}
        hosts |= {host for e in self.entries for host in e.covered}
        return [p.base for p in sorted((HostPattern(h) for h in hosts), key=lambda p: p.sort_key)]

    def wildcards_without_hosts(self) -> list[HostPattern]:
        """Wildcards with no known host under them (they cannot be written as exact hosts)."""
        return [e.pattern for e in self.entries if e.pattern.wildcard and not e.covered]
