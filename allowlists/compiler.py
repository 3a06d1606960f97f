"""Least-privilege compiler: from the inventory and the vendor files to one allowlist.

What is exported, for the selected resources:

* the host of each resource's URL and extra URLs (the list itself names them);
* every host a probe saw, as an exact host, unless the vendor lists it under ``blocked_hosts``
  or it is denied (then it is left out and shown in the header: blocked as intended);
* vendor entries with ``status: confirmed``, as written (a wildcard only where the vendor file
  writes one); ``inferred`` entries only where a probe saw the host (``include_inferred`` exports
  them anyway, and says so in the header); ``doubtful`` entries never;
* ``_platform.yaml`` once, by the same rules;
* with ``own_domain_wildcards``, ``*.<registered domain>`` of each resource's own host.

A wildcard over a public suffix or shared infrastructure is never exported: it is left out, and
the exact hosts seen under it are exported instead. Then the deny guard runs (:mod:`.guard`), and
exact hosts under an exported wildcard are folded into it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from nettsjekk.lists.catalog import Catalog
from nettsjekk.lists.models import DomainEntry, Resource, Vendor
from nettsjekk.core.domains import registered_domain
from nettsjekk.core.errors import InvalidHostname

from nettsjekk.core.deny import DenyCatalog, load_deny_catalog
from nettsjekk.allowlists.exemptions import ExceptionSet
from nettsjekk.allowlists.deny_guard import Candidate, apply_deny_guard
from nettsjekk.core.hosts import HostPattern, allowlist_pattern, host_pattern, sorted_patterns
from nettsjekk.allowlists.inventory import Declaration, Inventory, Sighting, declarations
from nettsjekk.allowlists.model import AllowEntry, Allowlist, LeftOut, Origin


@dataclass(frozen=True)
class CompileOptions:
    """Choices that widen the allowlist; all off by default (least privilege)."""

    include_inferred: bool = False
    own_domain_wildcards: bool = False
    include_platform: bool = True


@dataclass
class _Build:
    blocked: list[Declaration]
    """Every ``blocked_hosts`` entry of the vendors involved: those hosts stay blocked whoever asks."""
    candidates: dict[HostPattern, Candidate] = field(default_factory=dict)
    left_out: list[LeftOut] = field(default_factory=list)

    def add(self, pattern: HostPattern, origin: Origin, sightings: Iterable[Sighting] = ()) -> None:
        """Ask for ``pattern`` because of ``origin`` (merging with earlier requests for it)."""
        candidate = self.candidates.setdefault(pattern, Candidate(pattern))
        if origin not in candidate.origins:
            candidate.origins.append(origin)
        candidate.sightings.extend(s for s in sightings if s not in candidate.sightings)

    def skip(self, entry: str, why: str, by: str) -> None:
        """Record that ``entry`` is not exported, and why (once)."""
        item = LeftOut(entry, why, by)
        if item not in self.left_out:
            self.left_out.append(item)


def compile_allowlist(
    catalog: Catalog,
    resources: Iterable[Resource],
    inventory: Inventory | None = None,
    options: CompileOptions | None = None,
    deny: DenyCatalog | None = None,
    exceptions: ExceptionSet | None = None,
) -> Allowlist:
    """The allowlist for ``resources``; raises ``DeniedHostError`` when it would open a denied host."""
    selected = list(resources)
    inventory, options = inventory or Inventory(), options or CompileOptions()
    build = _Build(_blocked_hosts(catalog, selected))
    for resource in selected:
        _add_resource(build, catalog, resource, inventory, options)
    if options.include_platform and catalog.platform is not None:
        _add_vendor(build, catalog.platform, [r.id for r in selected], inventory, options)
    kept, exceptions_used = apply_deny_guard(build.candidates, deny or load_deny_catalog(),
                                             exceptions or ExceptionSet(), build.left_out)
    notes = tuple(inventory.notes) + tuple(_unprobed(selected, inventory))
    return Allowlist(_fold(kept, exceptions_used), tuple(r.id for r in selected), tuple(build.left_out),
                     exceptions or ExceptionSet(), notes)


def _add_resource(build: _Build, catalog: Catalog, resource: Resource, inventory: Inventory,
                  options: CompileOptions) -> None:
    for kind, url in [("url", resource.url), *(("extra_url", u) for u in resource.extra_urls)]:
        host = (urlsplit(url).hostname or "").lower()
        build.add(HostPattern.parse(host), Origin("list", resource=resource.id, detail=kind))
    vendor = catalog.vendors.get(resource.vendor)
    if vendor is not None:
        _add_vendor(build, vendor, [resource.id], inventory, options)
    _add_seen(build, resource, inventory)
    if options.own_domain_wildcards:
        _add_own_domain(build, resource)


def _add_vendor(build: _Build, vendor: Vendor, resource_ids: list[str], inventory: Inventory,
                options: CompileOptions) -> None:
    """Confirmed entries as written; inferred ones only where seen (or when asked); doubtful never."""
    platform = vendor.id.startswith("_")
    seen = inventory.hosts_of(resource_ids)
    by = f"vendor {vendor.id}" if platform else f"vendor {vendor.id} for {', '.join(resource_ids)}"
    for entry in vendor.domains:
        origins = [Origin("platform", vendor=vendor.id, status=entry.status, detail=entry.source)] if platform else [
            Origin("vendor", resource=rid, vendor=vendor.id, status=entry.status, detail=entry.source)
            for rid in resource_ids
        ]
        _add_entry(build, entry, origins, seen, by, options)


def _add_entry(build: _Build, entry: DomainEntry, origins: list[Origin], seen: dict[str, list[Sighting]],
               by: str, options: CompileOptions) -> None:
    written = host_pattern(entry.host)
    covered = {host: s for host, s in seen.items() if written.covers(host)}
    if entry.status == "doubtful":
        build.skip(entry.host, f"doubtful in the vendor file, never exported ({' '.join(entry.note.split())})", by)
        return
    if entry.status == "inferred" and not options.include_inferred:
        _add_inferred(build, entry, origins, covered, by)
        return
    pattern = _pattern_or_skip(build, entry.host, by)
    for origin in origins if pattern is not None else ():
        build.add(pattern, origin, [s for group in covered.values() for s in group])


def _add_inferred(build: _Build, entry: DomainEntry, origins: list[Origin], covered: dict[str, list[Sighting]],
                  by: str) -> None:
    """An inferred entry backs the hosts a probe saw under it, or a list URL's host; nothing else."""
    listed = [p for p in build.candidates if not p.wildcard and host_pattern(entry.host).covers(p.base)]
    hosts = {host: covered.get(host, []) for host in [*covered, *(p.base for p in listed)]}
    if not hosts:
        build.skip(entry.host, "inferred in the vendor file and never seen by a probe; not exported", by)
    for host, sightings in hosts.items():
        for origin in origins:
            build.add(HostPattern(host), origin, sightings)


def _pattern_or_skip(build: _Build, raw: str, by: str) -> HostPattern | None:
    """``raw`` as a pattern, or None (and a left-out line) when it is refused or opens a blocked host."""
    try:
        pattern = allowlist_pattern(raw)
    except InvalidHostname as exc:
        build.skip(raw, f"{exc}; the hosts seen under it are exported exactly", by)
        return None
    clash = next((d for d in build.blocked
                  if pattern.covers(host_pattern(d.host).base) or d.covers(pattern.base)), None)
    if clash is not None:
        build.skip(raw, f"it would open {clash.host}, which vendor {clash.vendor} lists under blocked_hosts; "
                        "the hosts seen under it are exported exactly", by)
        return None
    return pattern


def _add_seen(build: _Build, resource: Resource, inventory: Inventory) -> None:
    """Every host the resource's probes saw, exactly, unless a vendor blocks it."""
    for host, sightings in inventory.hosts_of([resource.id]).items():
        blockers = [d for d in build.blocked if d.covers(host)]
        if blockers:
            build.skip(host, f"listed under blocked_hosts of vendor {blockers[0].vendor}", f"probes of {resource.id}")
            continue
        build.add(HostPattern(host), Origin("seen", resource=resource.id), sightings)


def _add_own_domain(build: _Build, resource: Resource) -> None:
    domain = registered_domain(resource.host)
    by = f"configuration (own-domain wildcards) for {resource.id}"
    pattern = _pattern_or_skip(build, f"*.{domain}", by)
    if pattern is not None:
        build.add(pattern, Origin("config", resource=resource.id, detail="own registered domain"))


def _blocked_hosts(catalog: Catalog, resources: list[Resource]) -> list[Declaration]:
    vendors = {r.vendor for r in resources} | ({catalog.platform.id} if catalog.platform else set())
    return [d for vid in sorted(vendors) if vid in catalog.vendors for d in declarations(catalog.vendors[vid])
            if d.blocked]


def _unprobed(resources: list[Resource], inventory: Inventory) -> list[str]:
    missing = [r.id for r in resources if r.id not in inventory.probed]
    if not missing:
        return []
    return [f"no probe results for {', '.join(missing)}: exported from the list and vendor files only"]


def _fold(kept: dict[HostPattern, Candidate], exceptions_used: dict[HostPattern, object]) -> tuple[AllowEntry, ...]:
    """Fold every pattern covered by an exported wildcard into it; sort."""
    wildcards = [p for p in kept if p.wildcard]
    entries = []
    for pattern in sorted_patterns(kept):
        if any(w != pattern and w.covers_pattern(pattern) for w in wildcards):
            continue
        absorbed = [kept[p] for p in kept if p != pattern and pattern.covers_pattern(p)]
        entries.append(_entry(kept[pattern], absorbed, exceptions_used.get(pattern)))
    return tuple(entries)


def _entry(candidate: Candidate, absorbed: list[Candidate], exception: object) -> AllowEntry:
    origins, sightings = list(candidate.origins), list(candidate.sightings)
    for other in absorbed:
        origins += [o for o in other.origins if o not in origins]
        sightings += [s for s in other.sightings if s not in sightings]
    covered: list[str] = []
    if candidate.pattern.wildcard:
        hosts = {c.pattern.base for c in absorbed if not c.pattern.wildcard} | {s.host for s in sightings}
        covered = sorted(h for h in hosts if candidate.pattern.covers(h))
    return AllowEntry(candidate.pattern, tuple(origins), tuple(sightings), exception, tuple(covered))  # type: ignore[arg-type]
