"""Hosts a resource needs that failed somewhere: sub-resource failures in the verdict, and the
firewall administrator's action list.

Pure functions over a run's stored cells (no browser, no store). Each failed request already
carries its ``cause`` (``probes.classify.request_cause``, made precise by the location's proxy
during the probe): ``blocked`` (the location's proxy refused the host), ``dns``, ``tls``,
``timeout``, ``connection``, ``http_4xx``, ``http_5xx``, ... A host *fails in a cell* when the cell
asked it for something and got nothing: every request to it failed.

A resource **needs** a host when its vendor file (or ``_platform.yaml``) lists it, or the host
answered in another cell of the resource (another location, another engine). Hosts that must
stay closed (the deny catalog, ``core/deny.yaml``, and the vendor's ``blocked_hosts``) are never
needed: they are *left out* (``left_out``).

* A needed host that fails at a location is a :class:`HostFailure` at that location.
* A host that failed in every cell that asked for it is one too, at every location, when it served
  a page, a script or a style sheet (``KEY_TYPES``): without them the page does not work anywhere.

``host_reasons`` turns a resource's failures into verdict conditions (``checkpoints.verdict``);
``action_list`` groups every resource's failures per location for ``summary.json`` and the ICT report.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from nettsjekk.core.deny import deny_category
from nettsjekk.core.hosts import covered_by
from nettsjekk.probes.classify import request_cause

from nettsjekk.checkpoints.verdict import Reason

if TYPE_CHECKING:
    from nettsjekk.lists.catalog import Catalog
    from nettsjekk.probes.results import RequestRecord

    from nettsjekk.checkpoints.store import CellKey, StoredCell

KEY_TYPES = ("document", "script", "stylesheet")
"""Request types without which a page does not work: a host serving them that fails everywhere counts."""
CAUSE_ORDER = ("blocked", "dns", "tls", "timeout", "connection", "proxy", "http_5xx", "http_4xx", "orb", "unknown")
"""Most telling first: the cause named when a host's requests failed in several ways."""
LOADED = ("ok", "flaky")


@dataclass(frozen=True)
class HostNeeds:
    """The host patterns a resource's vendor file and the exam platform declare (``allowed``), and the
    ones its vendor says must stay blocked (``blocked``); ``known`` is False without a vendor file."""

    allowed: tuple[str, ...] = ()
    blocked: tuple[str, ...] = ()
    known: bool = False

    def declares(self, host: str) -> bool:
        return covered_by(host, self.allowed)

    def vendor_blocks(self, host: str) -> bool:
        return covered_by(host, self.blocked)

    def forbidden(self, host: str) -> str | None:
        """Why ``host`` must stay closed (a deny category, or ``vendor_blocked``); None when it may be opened."""
        return "vendor_blocked" if self.vendor_blocks(host) else deny_category(host)


def needs_for(catalog: Catalog | None, resource_id: str) -> HostNeeds:
    """The :class:`HostNeeds` of a listed resource (an empty one when it or its vendor is unknown)."""
    resource = next((r for r in catalog.resources if r.id == resource_id), None) if catalog else None
    vendor = catalog.vendors.get(resource.vendor) if catalog and resource else None
    if vendor is None:
        return HostNeeds()
    platform = catalog.platform if catalog else None
    allowed = [d.host for d in vendor.domains] + ([d.host for d in platform.domains] if platform else [])
    return HostNeeds(tuple(allowed), tuple(d.host for d in vendor.blocked_hosts), True)


@dataclass(frozen=True)
class HostFailure:
    """A host that failed for a resource at one location."""

    resource_id: str
    location: str
    host: str
    cause: str
    """The most telling cause (``CAUSE_ORDER``) of its failed requests at this location."""
    engines: tuple[str, ...]
    types: tuple[str, ...]
    """The request types that failed (``script``, ``stylesheet``, ``image`` ...)."""
    everywhere: bool
    """It failed in every cell that asked for it, at every location."""
    page_loaded: bool
    """The resource itself loaded where the host failed (otherwise the cell's own error explains it)."""

    @property
    def for_firewall(self) -> bool:
        """Something the location's firewall can fix: the proxy refused it, or a part of a page that loaded
        failed here but works elsewhere."""
        return self.cause == "blocked" or (not self.everywhere and self.page_loaded)


def cause_of(request: RequestRecord) -> str | None:
    """The request's recorded cause (results stored before causes were recorded: from its failure text)."""
    return request.cause if request.cause is not None else request_cause(request.failure, request.status)


@dataclass
class _Seen:
    """One host in one cell: whether anything of it arrived, and how the rest failed."""

    answered: bool = False
    causes: set[str] = field(default_factory=set)
    types: set[str] = field(default_factory=set)
    """The types of the requests that failed."""

    def add(self, request: RequestRecord) -> None:
        cause = cause_of(request)
        if cause is None:
            self.answered = self.answered or request.status is not None
            return
        self.causes.add(cause)
        self.types.add(request.type)

    @property
    def failed(self) -> bool:
        return not self.answered and bool(self.causes)


def _seen_hosts(cells: list[StoredCell]) -> dict[str, dict[CellKey, _Seen]]:
    seen: dict[str, dict[CellKey, _Seen]] = defaultdict(dict)
    for cell in cells:
        for request in cell.result.requests:
            if request.host:
                seen[request.host].setdefault(cell.key, _Seen()).add(request)
    return seen


def host_failures(resource_id: str, cells: Iterable[StoredCell], needs: HostNeeds) -> list[HostFailure]:
    """Every needed host that failed at a location, and every page, script or style sheet host that failed
    everywhere; forbidden hosts are left out. Sorted by location and host."""
    tested = [c for c in cells if c.status != "location_unreachable"]
    status = {c.key: c.status for c in tested}
    found = []
    for host, by_cell in _seen_hosts(tested).items():
        if needs.forbidden(host):
            continue
        failing = {key: seen for key, seen in by_cell.items() if seen.failed}
        answered = any(seen.answered for seen in by_cell.values())
        key_type = any(seen.types & set(KEY_TYPES) for seen in failing.values())
        if failing and (needs.declares(host) or answered or key_type):
            found += _per_location(resource_id, host, failing, status, everywhere=not answered)
    return sorted(found, key=lambda f: (f.location, f.host))


def _per_location(resource_id: str, host: str, failing: dict[CellKey, _Seen], status: dict[CellKey, str],
                  everywhere: bool) -> list[HostFailure]:
    by_location: dict[str, list[tuple[CellKey, _Seen]]] = defaultdict(list)
    for key, seen in failing.items():
        by_location[key.location].append((key, seen))
    out = []
    for location, pairs in by_location.items():
        causes = set().union(*(seen.causes for _, seen in pairs))
        out.append(HostFailure(
            resource_id, location, host, min(causes, key=_cause_rank),
            tuple(sorted({key.engine for key, _ in pairs})),
            tuple(sorted(set().union(*(seen.types for _, seen in pairs)))), everywhere,
            any(status[key] in LOADED for key, _ in pairs)))
    return out


def _cause_rank(cause: str) -> int:
    return CAUSE_ORDER.index(cause) if cause in CAUSE_ORDER else len(CAUSE_ORDER)


def host_reasons(failures: Iterable[HostFailure]) -> list[Reason]:
    """Verdict conditions: "needs H, which fails at L" per host and location (where the page itself loaded),
    and "H fails everywhere" once per host that never answered for a reason no firewall fixes."""
    reasons, everywhere = [], {}
    for f in failures:
        if not f.page_loaded:
            continue
        if f.for_firewall:
            params = {"host": f.host, "location": f.location, "engines": ", ".join(f.engines), "errors": f.cause}
            reasons.append(Reason("host_fails_at", params, codes=(f.cause,)))
        else:
            everywhere.setdefault(f.host, Reason("host_fails_everywhere", {"host": f.host, "types": ", ".join(f.types),
                                                                           "errors": f.cause}, codes=(f.cause,)))
    return reasons + [everywhere[host] for host in sorted(everywhere)]


def left_out(cells: Iterable[StoredCell], needs: HostNeeds) -> dict[str, str]:
    """Hosts the resource's pages contacted that must stay closed: host -> why (deny category or
    ``vendor_blocked``). Named as left out, never as needed."""
    hosts = {host for cell in cells for host in cell.result.hosts}
    return {host: why for host in sorted(hosts) if (why := needs.forbidden(host))}


def action_list(failures: Iterable[HostFailure]) -> dict[str, list[dict]]:
    """``summary.json``'s ``blocked_hosts``: per location, each host a firewall can do something about
    (``HostFailure.for_firewall``) once, with its most telling cause, the resources that need it, the
    engines and request types, and whether it fails at every location."""
    grouped: dict[tuple[str, str], list[HostFailure]] = defaultdict(list)
    for failure in failures:
        if failure.for_firewall:
            grouped[(failure.location, failure.host)].append(failure)
    out: dict[str, list[dict]] = defaultdict(list)
    for (location, host), items in sorted(grouped.items()):
        out[location].append({
            "host": host, "cause": min((f.cause for f in items), key=_cause_rank),
            "needed_by": sorted({f.resource_id for f in items}),
            "engines": sorted({e for f in items for e in f.engines}),
            "types": sorted({t for f in items for t in f.types}),
            "everywhere": all(f.everywhere for f in items)})
    return dict(out)


@dataclass(frozen=True)
class BlockedHosts:
    """The host failures of every resource of a run, for its verdicts and its action list."""

    failures: dict[str, list[HostFailure]]

    @classmethod
    def of(cls, catalog: Catalog | None, cells_by_resource: dict[str, list[StoredCell]]) -> BlockedHosts:
        return cls({rid: host_failures(rid, cells, needs_for(catalog, rid))
                    for rid, cells in cells_by_resource.items()})

    def reasons(self, resource_id: str) -> list[Reason]:
        return host_reasons(self.failures.get(resource_id, []))

    def action_list(self) -> dict[str, list[dict]]:
        return action_list(f for failures in self.failures.values() for f in failures)
