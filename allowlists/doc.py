"""The vendor whitelist document ("hvitelistingsoversikt"): per vendor, its resources and the hosts
they need, with provenance and the three-way comparison against the vendor file.

Rendered as Markdown or HTML from ``templates/allowlist/whitelist-doc.{md,html}.j2``.
"""

from __future__ import annotations

from dataclasses import dataclass

from nettsjekk.lists.catalog import Catalog
from nettsjekk.lists.models import Resource, Vendor

from nettsjekk.core.deny import DenyCatalog, load_deny_catalog
from nettsjekk.core.hosts import host_pattern
from nettsjekk.allowlists.header import ExportContext, clean
from nettsjekk.allowlists.inventory import (
    Comparison,
    Declaration,
    Inventory,
    Sighting,
    compare,
    declarations,
)
from nettsjekk.allowlists.exports import render

VERDICTS = {
    "declared": "required and declared",
    "undeclared": "seen, not declared",
    "unseen": "declared, never seen",
    "blocked": "seen, but the vendor blocks it",
    "denied": "seen, denied: left out, never to open",
}


@dataclass(frozen=True)
class HostRow:
    """One host (or vendor entry) of a vendor section."""

    host: str
    verdict: str
    declared: str
    seen_by: str
    engines: str
    locations: str
    types: str
    pages: int
    first_seen: str
    last_seen: str
    denied: str
    note: str


@dataclass(frozen=True)
class VendorSection:
    """A vendor, the selected resources that use it, and its host rows."""

    id: str
    name: str
    sources: tuple[str, ...]
    verified: str
    notes: str
    resources: tuple[Resource, ...]
    rows: tuple[HostRow, ...]
    probed: bool


def build_document(catalog: Catalog, resources: list[Resource], inventory: Inventory,
                   deny: DenyCatalog | None = None) -> list[VendorSection]:
    """The platform section first (if loaded), then one section per vendor of ``resources``, by id."""
    deny = deny or load_deny_catalog()
    ids = [r.id for r in resources]
    sections = []
    if catalog.platform is not None:
        sections.append(_section(catalog.platform, [], inventory.hosts_of(ids), [catalog.platform], deny, inventory))
    for vendor_id in sorted({r.vendor for r in resources}):
        vendor = catalog.vendor(vendor_id)
        own = [r for r in resources if r.vendor == vendor_id]
        declared_by = [vendor] + ([catalog.platform] if catalog.platform else [])
        sections.append(_section(vendor, own, inventory.hosts_of(r.id for r in own), declared_by, deny, inventory))
    return sections


def _section(vendor: Vendor, resources: list[Resource], seen: dict[str, list[Sighting]], declared_by: list[Vendor],
             deny: DenyCatalog, inventory: Inventory) -> VendorSection:
    decls = [d for v in declared_by for d in declarations(v)]
    if not resources:  # the platform: only the hosts it declares
        seen = {h: s for h, s in seen.items() if any(d.covers(h) for d in decls)}
    comparison = compare(seen, decls, {vendor.id})
    probed = any(r.id in inventory.probed for r in resources) or (not resources and bool(inventory.probed))
    return VendorSection(vendor.id, vendor.name, tuple(vendor.sources),
                         vendor.verified.isoformat() if vendor.verified else "", " ".join(vendor.notes.split()),
                         tuple(resources), tuple(_rows(comparison, deny, vendor.id)), probed)


def _rows(comparison: Comparison, deny: DenyCatalog, vendor_id: str) -> list[HostRow]:
    rows = [_seen_row(h, s, d, "declared", deny) for h, s, d in comparison.required_declared]
    rows += [_seen_row(h, s, [], "denied" if deny.match(h) else "undeclared", deny)
             for h, s in comparison.seen_undeclared]
    rows += [_seen_row(h, s, d, "blocked", deny) for h, s, d in comparison.seen_blocked]
    rows += [_unseen_row(d, deny) for d in comparison.declared_unseen if d.vendor == vendor_id]
    return rows


def _seen_row(host: str, sightings: list[Sighting], decls: list[Declaration], kind: str,
              deny: DenyCatalog) -> HostRow:
    join = lambda values: ", ".join(sorted(set(values)))
    match = deny.match(host)
    return HostRow(host, VERDICTS[kind], join(f"{d.host} ({d.status}, {d.vendor})" for d in decls),
                   join(s.resource for s in sightings), join(e for s in sightings for e in s.engines),
                   join(loc for s in sightings for loc in s.locations), join(t for s in sightings for t in s.types),
                   len({p for s in sightings for p in s.pages}), min((s.first_seen for s in sightings), default=""),
                   max((s.last_seen for s in sightings), default=""), match.category if match else "",
                   " ".join(" ".join(d.note.split()) for d in decls if d.note))


def _unseen_row(decl: Declaration, deny: DenyCatalog) -> HostRow:
    match = deny.match(host_pattern(decl.host).base)
    return HostRow(decl.host, VERDICTS["unseen"], f"{decl.host} ({decl.status}, {decl.vendor})", "", "", "", "", 0,
                   "", "", match.category if match else "", " ".join(decl.note.split()))


def render_document(sections: list[VendorSection], fmt: str, context: ExportContext) -> str:
    """The document as ``md`` or ``html``."""
    template = {"md": "whitelist-doc.md.j2", "html": "whitelist-doc.html.j2"}[fmt]
    return render(template, sections=sections, generated=context.generated_on.isoformat(),
                  checkpoint=clean(context.checkpoint or "(none given)"), lists=[clean(x) for x in context.lists],
                  deny_version=clean(context.deny_version or "(bundled)"), verdicts=VERDICTS)
