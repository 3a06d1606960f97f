"""The checkpoint matrix: every resource × browser × location, and how one cell is run.

Plain Python (no Prefect): ``flows/checkpoint.py`` (``nettsjekk.flows.checkpoint``) wraps ``run_cell`` in a task.
"""

from __future__ import annotations

import socket
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from nettsjekk.lists.catalog import Catalog
from nettsjekk.lists.models import Resource
from nettsjekk.core.domains import registered_domain
from nettsjekk.core.hosts import host_pattern
from nettsjekk.probes.probe import ProbeOptions
from nettsjekk.probes.results import LOGIN_ERRORS, ProbeResult
from nettsjekk.probes.rulebook import LoadedRule
from nettsjekk.probes.service import ProbeService
from nettsjekk.probes.sessions import SessionStore

from nettsjekk.checkpoints.config import Config, Location
from nettsjekk.checkpoints.retries import CellOutcome, run_with_retries
from nettsjekk.checkpoints.store import CellKey, Store

PROXY_CHECK_TIMEOUT_S = 3.0


@dataclass(frozen=True)
class CellSpec:
    """One cell to probe."""

    resource_id: str
    url: str
    engine: str
    location: Location
    extra_urls: tuple[str, ...] = ()
    own_domains: tuple[str, ...] = ()
    login_hosts: tuple[str, ...] = ()
    """Identity-provider and sign-in hosts of every vendor in the catalog (empty: the bundled ones)."""
    subpage_share: tuple[int, int] = (0, 1)
    """Which of the resource's sub-pages this cell visits (``ProbeOptions.subpage_share``)."""

    @property
    def key(self) -> CellKey:
        return CellKey(self.resource_id, self.engine, self.location.name)


def build_cells(catalog: Catalog, resources: list[Resource], engines: list[str],
                locations: list[Location], subpages_per_location: str = "split") -> list[CellSpec]:
    """Cells in a stable order: resource, then location, then engine."""
    cells = []
    login_hosts = catalog.login_hosts()
    for resource in resources:
        own = tuple(sorted(_vendor_domains(catalog, resource)))
        for position, location in enumerate(locations):
            for engine in engines:
                cells.append(CellSpec(resource.id, str(resource.url), engine, location,
                                      tuple(str(u) for u in resource.extra_urls), own, login_hosts,
                                      subpage_share(position, len(locations), subpages_per_location)))
    return cells


def subpage_share(position: int, locations: int, subpages_per_location: str = "split") -> tuple[int, int]:
    """The sub-pages the cells at the ``position``-th of ``locations`` locations visit: with ``split``,
    every ``locations``-th one from ``position`` on (together the locations cover them all, each in
    every browser); with ``all``, every one."""
    return (position, locations) if subpages_per_location == "split" and locations > 1 else (0, 1)


def _vendor_domains(catalog: Catalog, resource: Resource) -> set[str]:
    vendor = catalog.vendor_of(resource)
    hosts = [host_pattern(entry.host).base for entry in vendor.domains if entry.status != "doubtful"]
    return {registered_domain(h) for h in hosts} | {registered_domain(urlsplit(str(resource.url)).hostname or "")}


def probe_options(config: Config, spec: CellSpec, rules: tuple[LoadedRule, ...], evidence_dir: Path) -> ProbeOptions:
    """The cell's probe settings; a saved login session of the resource (``nettsjekk login``) is used."""
    s = config.settings
    return ProbeOptions(timeout_s=s.timeout_s, proxy=spec.location.proxy, location=spec.location.name,
                        rules=rules, settle_s=s.settle_s, subpage_settle_s=s.subpage_settle_s,
                        max_subpages=s.max_subpages, extra_urls=spec.extra_urls, own_domains=spec.own_domains,
                        evidence_dir=evidence_dir / spec.resource_id,
                        screenshot=evidence_dir / spec.resource_id / f"{spec.engine}-{spec.location.name}.png",
                        session=SessionStore(config.state_dir).find(spec.resource_id, spec.engine),
                        login_hosts=spec.login_hosts or None, subpage_share=spec.subpage_share)


def proxy_reachable(proxy: str | None) -> bool:
    """True for no proxy, or a proxy that accepts a TCP connection."""
    if not proxy:
        return True
    parts = urlsplit(proxy)
    default = 1080 if parts.scheme.startswith("socks") else 3128
    try:
        with socket.create_connection((parts.hostname, parts.port or default), timeout=PROXY_CHECK_TIMEOUT_S):
            return True
    except OSError:
        return False


def run_cell(service: ProbeService, store: Store, run_id: str, spec: CellSpec, config: Config,
             rules: tuple[LoadedRule, ...], evidence_dir: Path,
             sleep: Callable[[float], None] | None = None) -> CellOutcome:
    """Probe one cell with retries for transient failures, then commit it to the store."""
    options = probe_options(config, spec, rules, evidence_dir)
    if not proxy_reachable(spec.location.proxy):
        outcome = _unreachable(spec)
    else:
        kwargs = {"sleep": sleep} if sleep else {}
        first = service.probe(spec.url, spec.engine, options)
        if first.error in LOGIN_ERRORS:  # a login wall: no retry gets past it
            outcome = CellOutcome("failing", 1, first, [f"{first.error}: {first.error_detail}"])
        else:
            attempts = iter([first])
            outcome = run_with_retries(lambda: next(attempts, None) or service.probe(spec.url, spec.engine, options),
                                       config.settings.retries, **kwargs)
        if outcome.status == "failing" and not proxy_reachable(spec.location.proxy):
            outcome.status = "location_unreachable"
    store.save_cell(run_id, spec.key, outcome.status, outcome.attempts, outcome.result)
    return outcome


def _unreachable(spec: CellSpec) -> CellOutcome:
    detail = f"the proxy of location {spec.location.name} ({spec.location.proxy}) does not accept connections"
    result = ProbeResult(url=spec.url, browser=spec.engine, location=spec.location.name, error="proxy",
                         error_detail=detail)
    return CellOutcome("location_unreachable", 0, result)
