"""The domain inventory: every host each resource contacted, with provenance, joined with what the
vendor files declare.

From probe results (any engines, locations and pages) the inventory keeps, per resource and host:
the pages it was seen on, the engines, locations and request types, how many requests (and how
many failed), and when it was first and last seen (the probes' ``started_at``). Joined with the
vendor file of each resource and ``_platform.yaml`` it answers three questions:

* required and declared: seen, and a vendor entry covers it;
* seen but undeclared: seen, and no vendor entry covers it (the vendor file is incomplete);
* declared but never seen: a vendor entry no probe needed (stale, or only used after login).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from nettsjekk.lists.catalog import Catalog
from nettsjekk.lists.models import DomainEntry, Vendor
from nettsjekk.core.hosts import host_pattern
from nettsjekk.core.domains import is_ip_address, normalize_hostname
from nettsjekk.core.errors import InvalidHostname
from nettsjekk.probes.results import ProbeResult, RequestRecord

from nettsjekk.core.errors import ResultsFileError
from nettsjekk.allowlists.probe_results import ResourceResult


@dataclass
class Sighting:
    """One host as seen by one resource's probes."""

    host: str
    resource: str
    pages: set[str] = field(default_factory=set)
    engines: set[str] = field(default_factory=set)
    locations: set[str] = field(default_factory=set)
    types: set[str] = field(default_factory=set)
    first_seen: str = ""
    last_seen: str = ""
    requests: int = 0
    failed: int = 0

    def add(self, record: RequestRecord, result: ProbeResult) -> None:
        """Count one request of ``result``."""
        self.pages.add(record.page or result.url)
        self.engines.add(result.browser)
        self.locations.add(result.location)
        self.types.add(record.type)
        self.requests += 1
        self.failed += 1 if record.failure or record.status is None else 0
        if result.started_at:
            self.first_seen = min(filter(None, (self.first_seen, result.started_at)))
            self.last_seen = max(self.last_seen, result.started_at)


@dataclass(frozen=True)
class Declaration:
    """A vendor file entry: ``host`` (or ``*.domain``), its status, and whether it is a blocked host."""

    vendor: str
    host: str
    status: str
    source: str
    note: str
    blocked: bool = False

    def covers(self, host: str) -> bool:
        """True when the entry names ``host`` (a wildcard: any subdomain)."""
        return host_pattern(self.host).covers(host)


@dataclass
class Comparison:
    """The three-way comparison for a set of sightings against a set of declarations."""

    required_declared: list[tuple[str, list[Sighting], list[Declaration]]]
    seen_undeclared: list[tuple[str, list[Sighting]]]
    declared_unseen: list[Declaration]
    seen_blocked: list[tuple[str, list[Sighting], list[Declaration]]]


@dataclass
class Inventory:
    """Sightings by (resource id, host), the notes made while reading, and which resources had probes."""

    sightings: dict[tuple[str, str], Sighting] = field(default_factory=dict)
    probed: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def hosts_of(self, resource_ids: Iterable[str]) -> dict[str, list[Sighting]]:
        """Host -> its sightings, for the given resources, hosts sorted."""
        wanted = set(resource_ids)
        found: dict[str, list[Sighting]] = {}
        for (rid, host), sighting in sorted(self.sightings.items(), key=lambda kv: (kv[0][1], kv[0][0])):
            if rid in wanted:
                found.setdefault(host, []).append(sighting)
        return found


def build_inventory(results: Iterable[ResourceResult], catalog: Catalog) -> Inventory:
    """Fold probe results into an inventory; results for resources not in ``catalog`` are noted and skipped."""
    inventory = Inventory()
    known = {r.id for r in catalog.resources}
    for item in results:
        if item.resource not in known:
            inventory.notes.append(f"{item.where}: resource {item.resource!r} is not on the lists loaded; skipped")
            continue
        inventory.probed[item.resource] = inventory.probed.get(item.resource, 0) + 1
        for index, record in enumerate(item.result.requests):
            _add_record(inventory, item, index, record)
    return inventory


def _add_record(inventory: Inventory, item: ResourceResult, index: int, record: RequestRecord) -> None:
    if not record.host:
        return
    if is_ip_address(record.host):
        inventory.notes.append(f"{item.where}: {item.resource} contacted the IP address {record.host}; "
                               "IP addresses cannot be allowlisted by name and are left out")
        return
    try:
        host = normalize_hostname(record.host)
    except InvalidHostname as exc:
        raise ResultsFileError(f"{item.where}.requests[{index}].host: {exc}") from None
    if "." not in host:
        inventory.notes.append(f"{item.where}: {item.resource} contacted the single-label host {host!r}; "
                               "it cannot be allowlisted and is left out")
        return
    key = (item.resource, host)
    inventory.sightings.setdefault(key, Sighting(host, item.resource)).add(record, item.result)


def declarations(vendor: Vendor) -> list[Declaration]:
    """The vendor's ``domains`` and ``blocked_hosts`` as declarations."""
    return [_declaration(vendor, e, False) for e in vendor.domains] + [
        _declaration(vendor, e, True) for e in vendor.blocked_hosts
    ]


def _declaration(vendor: Vendor, entry: DomainEntry, blocked: bool) -> Declaration:
    source = entry.source or "; ".join(vendor.sources)
    return Declaration(vendor.id, entry.host, entry.status, source, entry.note, blocked)


def compare(seen: dict[str, list[Sighting]], declared: list[Declaration], unseen_from: set[str]) -> Comparison:
    """Three-way comparison; ``declared_unseen`` lists only entries of the vendors in ``unseen_from``."""
    result = Comparison([], [], [], [])
    for host, sightings in seen.items():
        matches = [d for d in declared if d.covers(host)]
        blocked = [d for d in matches if d.blocked]
        if blocked:
            result.seen_blocked.append((host, sightings, blocked))
        elif matches:
            result.required_declared.append((host, sightings, matches))
        else:
            result.seen_undeclared.append((host, sightings))
    result.declared_unseen = [
        d for d in declared
        if d.vendor in unseen_from and not d.blocked and not any(d.covers(host) for host in seen)
    ]
    return result
