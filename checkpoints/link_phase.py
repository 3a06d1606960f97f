"""The link phase of a checkpoint run: one broken-link crawl per resource, after the probe cells.

Plain functions (no Prefect; ``flows/link_check.py`` wraps ``check_links_together`` in a task).
``plan_link_checks`` decides, from the stored cells, where each resource is crawled from (``links:``
in ``nettsjekk.yaml``: the first location where it loaded, every such location, or none) and why a
resource is not crawled; ``check_links_together`` crawls every planned resource side by side in one
crawler process per location (``probes.crawler.crawl_batch``: politeness per resource, retries, the
saved login session; one start-up, not one per resource), rechecks each report's bot walls in the
run's browsers as it arrives (a URL opened once for the whole phase) and commits it to the store's
``link_checks`` and ``links`` tables. ``check_resource_links`` does the same for one resource. A
crawl that fails or runs out of time is stored as *not checked* with its reason, never as a clean zero.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from dataclasses import dataclass, field

from nettsjekk.core.errors import NettsjekkError
from nettsjekk.lists.catalog import Catalog
from nettsjekk.probes.crawler.job import CrawlJob, job_for_resource
from nettsjekk.probes.crawler.recheck import recheck_report
from nettsjekk.probes.crawler.results import LinkReport, Recheck
from nettsjekk.probes.crawler.runner import crawl, crawl_batch
from nettsjekk.probes.service import ProbeService
from nettsjekk.probes.sessions import SessionStore

from nettsjekk.checkpoints.config import Config, Location
from nettsjekk.checkpoints.store import StoredCell, Store

log = logging.getLogger(__name__)

LOADED = ("ok", "flaky")
"""Cell statuses in which the resource loaded."""
INCOMPLETE = ("time_budget", "run_budget", "killed")
"""How a crawl that did not get through its pages stopped (``LinkReport.stopped``)."""
ANYWHERE = ""
"""The location of a link check that was not run anywhere (the reason says why)."""
REASONS = ("off", "no_contact", "not_loaded", "no_location", "crawl_failed", *INCOMPLETE)
"""Why a resource's links were not (fully) checked; explained in the report catalogues (``links_reason``)."""


@dataclass(frozen=True)
class LinkTarget:
    """One crawl to do: a resource from one location, in one engine (the browser recheck and the session)."""

    resource_id: str
    location: Location
    engine: str


@dataclass(frozen=True)
class LinkPlan:
    """The crawls to do, and the resources whose links will not be checked (resource id -> reason)."""

    targets: list[LinkTarget]
    skipped: dict[str, str]


def contact_address(config: Config) -> str | None:
    """``links.contact`` of the configuration, else ``$NETTSJEKK_CONTACT``."""
    return config.settings.links.contact or os.environ.get("NETTSJEKK_CONTACT") or None


def crawlable(location: Location) -> bool:
    """The crawler can run from here through this location: no proxy, or an HTTP(S) proxy (Scrapy
    speaks no SOCKS; a work pool's location is on another machine)."""
    if location.kind == "local":
        return True
    return location.kind == "proxy" and (location.proxy or "").split("://", 1)[0] in ("http", "https")


def plan_link_checks(config: Config, cells: list[StoredCell], locations: list[Location], engines: list[str],
                     done: set[tuple[str, str]] = frozenset()) -> LinkPlan:
    """Where each resource of ``cells`` is crawled from, in ``locations`` order; pairs in ``done``
    (resource, location) were checked before this run was resumed and are left out."""
    settings = config.settings.links
    loaded: dict[str, set[str]] = {}
    for cell in cells:
        places = loaded.setdefault(cell.key.resource_id, set())
        if cell.status in LOADED:
            places.add(cell.key.location)
    targets: list[LinkTarget] = []
    skipped: dict[str, str] = {}
    contact = contact_address(config)
    for resource_id, places in loaded.items():
        if settings.mode == "off" or contact is None:
            skipped[resource_id] = "off" if settings.mode == "off" else "no_contact"
            continue
        usable = [loc for loc in locations if loc.name in places and crawlable(loc)]
        if not usable:
            skipped[resource_id] = "no_location" if places else "not_loaded"
            continue
        for location in usable[:1] if settings.mode == "first" else usable:
            if (resource_id, location.name) not in done:
                targets.append(LinkTarget(resource_id, location, engines[0]))
    return LinkPlan(targets, {rid: why for rid, why in skipped.items() if (rid, ANYWHERE) not in done})


def save_skipped(store: Store, run_id: str, skipped: dict[str, str]) -> None:
    """Record the resources whose links are not checked, with the reason."""
    for resource_id, reason in skipped.items():
        store.save_link_check(run_id, {"resource_id": resource_id, "location": ANYWHERE, "checked": False,
                                       "reason": reason}, [])


@dataclass
class _Crawl:
    """A target with its job and saved session, on its way through the phase."""

    target: LinkTarget
    job: CrawlJob
    state: dict | None = None


@dataclass
class RecheckMemory:
    """What the browser saw per URL during one link phase: each URL is opened once, whichever
    resource links to it (not for a resource with a saved session, whose view may differ)."""

    seen: dict[str, Recheck] = field(default_factory=dict)


def check_resource_links(config: Config, catalog: Catalog, store: Store, run_id: str, target: LinkTarget,
                         service: ProbeService | None = None) -> dict:
    """Crawl ``target`` (then recheck its bot walls in ``service``'s browsers), store it, return the
    stored check. A crawl that cannot run is stored as not checked (``crawl_failed``) with its words."""
    try:
        planned = _plan_crawl(config, catalog, target)
        report: LinkReport | NettsjekkError = crawl(planned.job)
    except NettsjekkError as exc:
        return _save(store, run_id, target, exc)
    return _save(store, run_id, target, _recheck(config, planned, report, service, RecheckMemory()))


def check_links_together(config: Config, catalog: Catalog, store: Store, run_id: str, targets: list[LinkTarget],
                         service: ProbeService | None = None,
                         on_done: Callable[[dict], None] | None = None) -> list[dict]:
    """Crawl every target side by side (``links.concurrency`` at a time, one crawler process per
    location); as each crawl finishes, recheck, store and hand its check to ``on_done``. One crawl
    that fails or hangs is stored as not checked and never stops the others."""
    checks: list[dict] = []

    def done(check: dict) -> None:
        checks.append(check)
        if on_done is not None:
            on_done(check)

    planned: list[_Crawl] = []
    for target in targets:
        try:
            planned.append(_plan_crawl(config, catalog, target))
        except NettsjekkError as exc:
            done(_save(store, run_id, target, exc))
    by_job = {id(crawl_.job): crawl_ for crawl_ in planned}
    memory = RecheckMemory()
    try:
        for job, outcome in crawl_batch([c.job for c in planned], parallel=config.settings.links.concurrency):
            crawl_ = by_job.pop(id(job))
            if isinstance(outcome, LinkReport):
                outcome = _recheck(config, crawl_, outcome, service, memory)
            done(_save(store, run_id, crawl_.target, outcome))
    except NettsjekkError as exc:  # the crawler process could not start at all
        for crawl_ in by_job.values():
            done(_save(store, run_id, crawl_.target, exc))
    return checks


def _save(store: Store, run_id: str, target: LinkTarget, outcome: LinkReport | NettsjekkError) -> dict:
    """Commit one crawl's outcome; a failure is stored as not checked (``crawl_failed``) with its words."""
    check = {"resource_id": target.resource_id, "location": target.location.name}
    if isinstance(outcome, NettsjekkError):
        log.warning("links of %s from %s not checked: %s", target.resource_id, target.location.name, outcome)
        check |= {"checked": False, "reason": "crawl_failed", "detail": str(outcome)}
        store.save_link_check(run_id, check, [])
        return check
    report = outcome
    complete = report.stopped not in INCOMPLETE
    check |= {"checked": complete, "reason": None if complete else report.stopped, "pages": report.pages_crawled,
              "links": len(report.links), "broken": len(report.broken), "stopped": report.stopped}
    store.save_link_check(run_id, check, [link.model_dump(mode="json") for link in report.links])
    return check


def _plan_crawl(config: Config, catalog: Catalog, target: LinkTarget) -> _Crawl:
    settings = config.settings.links
    location = target.location
    session = SessionStore(config.state_dir).find(target.resource_id, target.engine)
    state = session.storage_state if session else None
    job = job_for_resource(catalog, catalog.resource(target.resource_id), contact_address(config) or "",
                           depth=settings.depth, max_pages=settings.max_pages, budget_s=settings.budget_s,
                           timeout_s=settings.timeout_s, proxy=location.proxy,
                           trust_ca=[str(config.path(ca)) for ca in location.trust_ca],
                           cookies=(state or {}).get("cookies", []))
    return _Crawl(target, job, state)


def _recheck(config: Config, planned: _Crawl, report: LinkReport, service: ProbeService | None,
             memory: RecheckMemory) -> LinkReport:
    settings = config.settings.links
    if not settings.recheck or service is None:
        return report
    return service.run(recheck_report(report, service.browsers, engine=planned.target.engine,
                                      proxy=planned.target.location.proxy, timeout_s=settings.timeout_s,
                                      storage_state=planned.state,
                                      memory=None if planned.state else memory.seen))


def links_summary(store: Store, run_id: str) -> dict[str, list[dict]]:
    """``summary.json``'s ``links``: per resource, each check (location, checked or why not, pages,
    links, broken links with url, page, text, status, http_status and reason)."""
    broken: dict[tuple[str, str], list[dict]] = {}
    for link in store.links(run_id, status="broken"):
        broken.setdefault((link["resource_id"], link["location"]), []).append(
            {"url": link["url"], "page": link["source"], "text": link["text"] or "", "status": link["status"],
             "http_status": link["http_status"], "reason": link["reason"]})
    summary: dict[str, list[dict]] = {}
    for check in store.link_checks(run_id):
        key = (check["resource_id"], check["location"])
        summary.setdefault(check["resource_id"], []).append({
            "location": check["location"] or None, "checked": check["checked"], "reason": check["reason"],
            "detail": check["detail"], "pages": check["pages"], "links": check["links"],
            "stopped": check["stopped"], "broken": broken.get(key, [])})
    return summary
