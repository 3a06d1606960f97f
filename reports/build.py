"""The report view model: one run of the results store, ready for every format.

``build_report`` reads the store (cells with their probe JSON, links, earlier runs for drift), the
catalog (names, lists, vendors) and the review decisions, and returns a :class:`ReportModel`. It
holds facts and keys, never words: the templates and writers translate keys through the message
catalogues, so every format and language shows the same facts.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from nettsjekk.lists.catalog import Catalog, load_catalog
from nettsjekk.lists.models import Resource, Vendor
from nettsjekk.core.errors import ConfigError
from nettsjekk.probes.findings import Finding
from nettsjekk.probes.results import ProbeResult

from nettsjekk.checkpoints.blocked_hosts import HostFailure, HostNeeds, action_list, cause_of, host_failures, \
    host_reasons, left_out, needs_for
from nettsjekk.checkpoints.config import CHECKPOINTS, Config
from nettsjekk.checkpoints.drift import ResourceDrift, compare_runs
from nettsjekk.checkpoints.store import Store, StoredCell
from nettsjekk.checkpoints.verdict import CONDITIONS, NOT_OK, NOT_TESTED, OK, Reason, assess
from nettsjekk.checkpoints.reviews import Review, ReviewBook, ReviewState, load_reviews
from nettsjekk.checkpoints.replay_phase import ReplayRecord, load_replays, with_replay
from nettsjekk.reports.manual import ManualSection, manual_section

log = logging.getLogger(__name__)

VERDICTS = (NOT_OK, NOT_TESTED, CONDITIONS, OK)
"""Most serious first."""
FEATURES = ("translation", "communication", "search_engine", "ai")
"""The forbidden features with a column of their own in the test template."""
LINK_CATEGORIES = ("video", "social", "search_engine")
"""Categories whose ``review`` findings of kind ``link`` are links that the exam network must block."""
FEATURE_STATES = ("yes", "review", "reviewed", "not_tested", "no")
"""Most serious first: a forbidden feature; something to review; reviewed and accepted; not looked at (the
cell did not load, or stopped at a login wall); nothing."""
ICT_DIR = "ict"
"""The ICT report's folder inside the report folder; test-template links point into it."""
MARKS = ("fail", "warn", "none", "ok")
"""A matrix cell at a glance, most serious first (see ``CellView.mark``)."""
IGNORED_FAILURES = ("net::ERR_ABORTED", "NS_BINDING_ABORTED", "NS_ERROR_ABORT")
"""Request failures that are normal (a navigation or the probe cancelled the request)."""


@dataclass(frozen=True)
class Image:
    """A PNG from the run's evidence folder and its path inside the ICT folder."""

    source: Path
    name: str


@dataclass(frozen=True)
class Feature:
    """One feature column of one row: ``state`` (see ``FEATURE_STATES``) and the ICT anchor of its
    evidence (None for ``no``)."""

    state: str
    anchor: str | None = None


@dataclass(frozen=True)
class HostNote:
    """A host seen that the vendor file does not list, and the review decision on it."""

    host: str
    review: str = "open"
    """``open``, ``accepted``, ``confirmed`` or ``expired``."""


@dataclass(frozen=True)
class FailedHost:
    """Requests to ``host`` that failed at one location in one engine (blocked, unknown, refused)."""

    location: str
    engine: str
    host: str
    failure: str
    requests: int
    in_vendor_file: bool
    cause: str | None = None
    """Why they failed (``RequestRecord.cause``: ``blocked``, ``dns`` ...), shown in words beside the browser's code."""


@dataclass(frozen=True)
class LinkCheckView:
    """A resource's link check from one location (``location`` empty when it was not run anywhere)."""

    location: str
    checked: bool
    """False when the crawl did not run or did not finish; ``reason`` says why."""
    reason: str | None
    detail: str | None
    pages: int
    links: int
    broken: int


@dataclass(frozen=True)
class LinkView:
    """A broken link from the link check."""

    location: str
    url: str
    source: str
    text: str
    status: str
    http_status: int | None
    reason: str


@dataclass
class CellView:
    """One row of the test template: a resource at one location in one browser."""

    resource_id: str
    location: str
    engine: str
    browser_version: str
    tested_at: str
    status: str
    attempts: int
    error: str
    error_detail: str
    http_status: int | None
    title: str
    final_url: str
    loads: str
    """``yes``, ``no`` or ``unreachable`` (the location could not be reached: not tested)."""
    login: str
    """``yes``, ``no``, ``not_needed``, ``expired`` or ``not_tested``."""
    features: dict[str, Feature]
    replay: ReplayRecord | None
    """The exam-mode replay of the resource in this engine (at one location; None: no replay stored)."""
    broken_links: int | None
    """None when the resource's links were not (fully) checked; ``link_check`` says why."""
    link_check: LinkCheckView | None
    """The link check this row shows: the one from this row's location, else the resource's first
    (the links are the resource's); None for a run without a link phase."""
    extra_hosts: list[HostNote]
    left_out: dict[str, str]
    """Hosts contacted that must stay closed (deny catalog, vendor's ``blocked_hosts``): host -> why."""
    screenshot: Image | None
    finding_count: int
    blocking: int
    """Open ``block`` findings (forbidden features not accepted by a review)."""
    looked_at: bool = True
    """The detectors read the page (False: it did not load, or stopped at a login wall)."""
    hosts_failed: bool = False
    """A host the resource needs failed here (``ResourceView.host_failures``)."""
    elapsed_ms: int = 0
    """How long the probe took to load the page and look at it."""

    @property
    def anchor(self) -> str:
        return f"cell-{self.resource_id}-{self.location}-{self.engine}"

    @property
    def mark(self) -> str:
        """The cell at a glance (``MARKS``): ``fail`` did not load, shows a forbidden feature or lets a
        forbidden link through; ``none`` not tested here; ``warn`` loaded with something to review,
        accepted or retried; ``ok`` otherwise."""
        states = {feature.state for feature in self.features.values()}
        reachable = bool(self.replay and self.replay.reachable_links)
        if self.loads == "no" or "yes" in states or reachable:
            return "fail"
        if self.loads == "unreachable" or not self.looked_at:
            return "none"
        if states & {"review", "reviewed"} or self.status == "flaky" or self.login == "expired" or self.hosts_failed:
            return "warn"
        return "ok"


@dataclass
class FindingView:
    """One rule on one page of a resource, merged over every cell it was seen in."""

    anchor: str
    category: str
    rule: str
    name: str
    name_nb: str | None
    """The rule's bokmål name, when it has one (``Messages.name`` picks the one to show)."""
    severity: str
    page: str
    evidence_kind: str
    evidence_value: str
    snippet: str
    matches: int
    seen_in: list[str]
    review: str
    """``open``, ``accepted``, ``confirmed`` or ``expired``."""
    decision: Review | None
    crop: Image | None


@dataclass
class ResourceView:
    """A resource of the run: what the catalog says, its verdict, and its cells."""

    id: str
    name: str
    url: str
    list: str
    county: str
    vendor: str
    vendor_name: str
    login: str
    known: bool
    verdict: str
    reasons: list[Reason]
    stored_verdict: str | None
    cells: list[CellView] = field(default_factory=list)
    findings: list[FindingView] = field(default_factory=list)
    extra_hosts: list[HostNote] = field(default_factory=list)
    failed_hosts: list[FailedHost] = field(default_factory=list)
    host_failures: list[HostFailure] = field(default_factory=list)
    """Hosts it needs that failed at a location (``checkpoints.blocked_hosts``)."""
    left_out: dict[str, str] = field(default_factory=dict)
    """Hosts its pages contacted that must stay closed: host -> deny category or ``vendor_blocked``."""
    broken_links: list[LinkView] = field(default_factory=list)
    link_checks: list[LinkCheckView] = field(default_factory=list)
    links_checked: bool = False
    drift_previous: ResourceDrift | None = None
    drift_baseline: ResourceDrift | None = None
    history: dict[str, str] = field(default_factory=dict)
    """Its verdict in each of ``ReportModel.earlier`` (by run id; missing: not in that run)."""

    @property
    def anchor(self) -> str:
        return f"r-{self.id}"

    @property
    def verdict_rank(self) -> int:
        return VERDICTS.index(self.verdict)

    def cell(self, location: str, engine: str) -> CellView | None:
        return next((c for c in self.cells if (c.location, c.engine) == (location, engine)), None)

    def findings_in(self, category: str) -> list[FindingView]:
        return [f for f in self.findings if f.category == category]

    @property
    def categories(self) -> list[str]:
        return sorted({f.category for f in self.findings})


@dataclass(frozen=True)
class ToReport:
    """A confirmed error to send on: national-list resources to the resource group, local ones to
    the vendor."""

    resource_id: str
    resource_name: str
    list: str
    recipient: str
    """``resource_group`` or ``vendor``."""
    vendor_name: str
    subject: str
    """The rule's name, or the host."""
    kind: str
    """``rule`` or ``host``."""
    decision: Review
    subject_nb: str | None = None
    """The rule's bokmål name, when it has one."""


@dataclass(frozen=True)
class LoadTime:
    """How long the pages that loaded at one location took (seconds)."""

    location: str
    cells: int
    median_s: float
    slowest_s: float
    slowest_resource: str
    slowest_engine: str


@dataclass(frozen=True)
class EarlierRun:
    """A run a resource's history is shown against: the latest earlier run of a checkpoint, or the baseline."""

    kind: str
    """A checkpoint name, or ``baseline``."""
    run_id: str
    started_at: str


@dataclass
class ReportModel:
    """One run, everything every report format shows."""

    run_id: str
    checkpoint: str
    started_at: str
    finished_at: str
    status: str
    tester: str
    timezone: str
    locations: list[str]
    engines: list[str]
    browser_versions: dict[str, str]
    resources: list[ResourceView]
    to_report: list[ToReport]
    previous_run: str | None
    baseline_run: str | None
    reviews_file: str
    reviews_on: str
    reviews_applied: int
    run_dir: Path
    notes: list[str] = field(default_factory=list)
    """Problems met while building the report (e.g. list files that no longer validate)."""
    earlier: list[EarlierRun] = field(default_factory=list)
    """The runs each resource's ``history`` refers to, checkpoint order, the baseline last."""
    manual: ManualSection | None = None
    """The manual tests of the checkpoint (``nettsjekk intake``) and their disagreements with the run."""

    @property
    def actions(self) -> dict[str, list[dict]]:
        """The firewall action list: per location, each host resources need that failed there
        (``summary.json``'s ``blocked_hosts``), hosts that fail everywhere for a reason no firewall fixes
        left out."""
        listed = action_list(f for r in self.resources for f in r.host_failures)
        return {loc: listed[loc] for loc in [*self.locations, *sorted(set(listed) - set(self.locations))]
                if loc in listed}

    @property
    def counts(self) -> dict[str, int]:
        """Resources per verdict, most serious first (zero counts kept)."""
        return {v: sum(1 for r in self.resources if r.verdict == v) for v in VERDICTS}

    @property
    def attention(self) -> list[ResourceView]:
        """Resources that are not plain OK, most serious first."""
        return sorted((r for r in self.resources if r.verdict != OK), key=lambda r: (r.verdict_rank, r.name.lower()))

    @property
    def rows(self) -> list[CellView]:
        """Every cell, resource by resource (list order), then location, then engine."""
        return [cell for resource in self.resources for cell in resource.cells]

    @property
    def columns(self) -> list[tuple[str, str]]:
        """The matrix columns: (location, engine)."""
        return [(loc, eng) for loc in self.locations for eng in self.engines]

    def resource(self, resource_id: str) -> ResourceView:
        return next(r for r in self.resources if r.id == resource_id)

    @property
    def load_times(self) -> list[LoadTime]:
        """Per location, how long the cells that loaded took: median and slowest."""
        times = []
        for location in self.locations:
            timed = sorted(((c.elapsed_ms, r.name, c.engine) for r in self.resources for c in r.cells
                            if c.location == location and c.loads == "yes" and c.elapsed_ms > 0))
            if timed:
                slowest = timed[-1]
                times.append(LoadTime(location, len(timed), statistics.median(t[0] for t in timed) / 1000,
                                      slowest[0] / 1000, slowest[1], slowest[2]))
        return times

    @property
    def images(self) -> list[Image]:
        """Every PNG the ICT report shows (screenshots and crops), once each."""
        seen: dict[str, Image] = {}
        for resource in self.resources:
            for cell in resource.cells:
                if cell.screenshot:
                    seen.setdefault(cell.screenshot.name, cell.screenshot)
            for finding in resource.findings:
                if finding.crop:
                    seen.setdefault(finding.crop.name, finding.crop)
        return list(seen.values())


# ---------------------------------------------------------------- building


def build_report(store: Store, run_id: str, config: Config, reviews: list[Review] | None = None,
                 catalog: Catalog | None = None) -> ReportModel:
    """The view model of ``run_id``; ``reviews`` default to the configured ``reviews.yaml``."""
    run = store.run(run_id)
    tz = ZoneInfo(config.settings.timezone)
    notes: list[str] = []
    if catalog is None:
        catalog = _catalog(config, notes)
    if reviews is None:
        reviews = load_reviews(config.reviews_path)
    on = dt.datetime.fromisoformat(run["started_at"]).astimezone(tz).date()
    book = ReviewBook(reviews, on)
    cells = store.cells(run_id)
    links = _links(store, run_id)
    checks = _link_checks(store, run_id)
    previous, baseline = store.previous_run(run_id), store.baseline()
    drift_previous = compare_runs(store, run_id, previous, "previous")
    drift_baseline = compare_runs(store, run_id, baseline, "baseline") if baseline != run_id else None
    stored = store.verdicts(run_id)
    by_resource: dict[str, list[StoredCell]] = defaultdict(list)
    for cell in cells:
        by_resource[cell.key.resource_id].append(cell)
    scope = run["scope"]
    locations = list(scope.get("locations") or sorted({c.key.location for c in cells}))
    engines = list(scope.get("browsers") or sorted({c.key.engine for c in cells}))
    context = _Context(catalog, book, links, checks, config.output_dir / run_id, tz, load_replays(store, run_id))
    resources = [_resource(rid, by_resource[rid], context, stored.get(rid, (None,))[0], locations, engines)
                 for rid in _resource_order(catalog, by_resource)]
    for resource in resources:
        resource.drift_previous = drift_previous.resources.get(resource.id)
        resource.drift_baseline = drift_baseline.resources.get(resource.id) if drift_baseline else None
    earlier = _earlier_runs(store, run, baseline, tz)
    verdicts_then = {e.run_id: store.verdicts(e.run_id) for e in earlier}
    for resource in resources:
        resource.history = {e.run_id: verdicts_then[e.run_id][resource.id][0] for e in earlier
                            if resource.id in verdicts_then[e.run_id]}
    versions = {c.key.engine: c.result.browser_version for c in cells if c.result.browser_version}
    model = ReportModel(
        run_id=run_id, checkpoint=run["checkpoint"], started_at=_local(run["started_at"], tz),
        finished_at=_local(run["finished_at"], tz), status=run["status"], tester=run["tester"],
        timezone=config.settings.timezone, locations=locations, engines=engines, browser_versions=versions,
        resources=resources, to_report=_to_report(resources, book), previous_run=previous,
        baseline_run=baseline if baseline != run_id else None, reviews_file=str(config.reviews_path),
        reviews_on=on.isoformat(), reviews_applied=_applied(resources), run_dir=config.output_dir / run_id,
        notes=notes, earlier=earlier)
    model.manual = manual_section(store, model, {r.id: r.name for r in catalog.resources} if catalog else None)
    return model


def _earlier_runs(store: Store, run: dict, baseline: str | None, tz: ZoneInfo) -> list[EarlierRun]:
    """The latest finished run of each checkpoint started before ``run``, in the season's order, then
    the approved baseline (when it is not one of them, nor ``run``)."""
    latest: dict[str, dict] = {}
    for other in store.runs():
        if other["id"] != run["id"] and other["status"] == "finished" and other["started_at"] <= run["started_at"]:
            latest[other["checkpoint"]] = other
    order = {name: i for i, name in enumerate(CHECKPOINTS)}
    chosen = sorted(latest.values(), key=lambda r: (order.get(r["checkpoint"], len(order)), r["started_at"]))
    earlier = [EarlierRun(r["checkpoint"], r["id"], _local(r["started_at"], tz)) for r in chosen]
    if baseline and baseline != run["id"] and baseline not in {e.run_id for e in earlier}:
        earlier.append(EarlierRun("baseline", baseline, _local(store.run(baseline)["started_at"], tz)))
    return earlier


@dataclass
class _Context:
    catalog: Catalog | None
    book: ReviewBook
    links: dict[tuple[str, str], list[dict]]
    checks: dict[str, list[LinkCheckView]]
    run_dir: Path
    tz: ZoneInfo
    replays: dict[str, list[ReplayRecord]] = field(default_factory=dict)


def _catalog(config: Config, notes: list[str]) -> Catalog | None:
    vendor_dir = config.vendor_dir
    try:
        return load_catalog(config.list_paths, vendor_dir)
    except ConfigError as exc:
        log.warning("list files do not validate; the report shows resource ids only: %s", exc)
        notes.append(f"list files do not validate, so names, lists and vendors are missing: {exc}")
        return None


def _resource_order(catalog: Catalog | None, by_resource: dict[str, list[StoredCell]]) -> list[str]:
    listed = [r.id for r in catalog.resources if r.id in by_resource] if catalog else []
    return listed + sorted(set(by_resource) - set(listed))


def _resource(rid: str, cells: list[StoredCell], ctx: _Context, stored_verdict: str | None,
              locations: list[str], engines: list[str]) -> ResourceView:
    entry = _catalog_entry(ctx.catalog, rid)
    vendor = _vendor(ctx.catalog, entry)
    needs = needs_for(ctx.catalog, rid)
    failures = host_failures(rid, cells, needs)
    assessment = with_replay(assess(cells, ctx.book, host_reasons(failures)), ctx.replays.get(rid, []))
    order = {pair: i for i, pair in enumerate((loc, eng) for loc in locations for eng in engines)}
    cells = sorted(cells, key=lambda c: (order.get((c.key.location, c.key.engine), len(order)), c.key.location,
                                         c.key.engine))
    view = ResourceView(
        id=rid, name=entry.name if entry else rid, url=str(entry.url) if entry else cells[0].result.url,
        list=entry.list if entry else "", county=(entry.county or "") if entry else "",
        vendor=entry.vendor if entry else "", vendor_name=vendor.name if vendor else "",
        login=entry.login if entry else "none", known=entry is not None, verdict=assessment.verdict,
        reasons=assessment.reasons, stored_verdict=stored_verdict)
    view.findings = _findings(rid, cells, ctx)
    view.link_checks = ctx.checks.get(rid, [])
    view.cells = [_cell(view, c, ctx, needs) for c in cells]
    view.extra_hosts = sorted({h for c in view.cells for h in c.extra_hosts}, key=lambda h: h.host)
    view.failed_hosts = _failed_hosts(cells, needs)
    view.host_failures, view.left_out = failures, left_out(cells, needs)
    for failure in failures:
        for cell in view.cells:
            cell.hosts_failed |= cell.location == failure.location and cell.engine in failure.engines
    resource_links = [link for (r, _), rows in ctx.links.items() if r == rid for link in rows]
    view.links_checked = any(check.checked for check in view.link_checks)
    view.broken_links = [_link(link) for link in resource_links if link["status"] == "broken"]
    return view


def _catalog_entry(catalog: Catalog | None, rid: str) -> Resource | None:
    if catalog is None:
        return None
    try:
        return catalog.resource(rid)
    except ConfigError:
        return None


def _vendor(catalog: Catalog | None, entry: Resource | None) -> Vendor | None:
    if catalog is None or entry is None:
        return None
    return catalog.vendors.get(entry.vendor)


def _cell(resource: ResourceView, stored: StoredCell, ctx: _Context, needs: HostNeeds) -> CellView:
    result, key = stored.result, stored.key
    findings = [f for f in result.findings if f.severity in ("block", "review")]
    check = _row_link_check(resource.link_checks, key.location)
    extra = [HostNote(h, _review_status(ctx.book.host(resource.id, h)))
             for h in result.hosts if needs.known and not needs.declares(h) and not needs.forbidden(h)]
    looked_at = stored.status in ("ok", "flaky")
    return CellView(
        resource_id=resource.id, location=key.location, engine=key.engine, browser_version=result.browser_version,
        tested_at=_local(result.started_at, ctx.tz), status=stored.status, attempts=stored.attempts,
        error=result.error or "", error_detail=result.error_detail or "", http_status=result.status,
        title=result.title or "", final_url=result.final_url or "",
        loads={"ok": "yes", "flaky": "yes", "location_unreachable": "unreachable"}.get(stored.status, "no"),
        login=_login(resource.login, result),
        features={cat: _feature(resource, cat, findings, ctx.book, looked_at) for cat in FEATURES},
        replay=next((r for r in ctx.replays.get(resource.id, []) if r.engine == key.engine), None),
        broken_links=check.broken if check and check.checked else None, link_check=check,
        extra_hosts=extra, left_out=left_out([stored], needs),
        screenshot=_image(result.screenshot, resource.id, ctx.run_dir),
        finding_count=len(findings),
        blocking=sum(1 for f in findings if f.severity == "block"
                     and _review_status(ctx.book.finding(resource.id, f.rule)) != "accepted"),
        looked_at=looked_at, elapsed_ms=result.elapsed_ms)


def _login(login: str, result: ProbeResult | None = None) -> str:
    """``yes`` when a saved session got the probe in, ``expired`` when it was not accepted, ``no`` at a
    login wall the run could not pass; otherwise ``not_needed`` (``login: none``) or ``not_tested``."""
    met = result.login if result is not None else None
    if met is not None:
        return {"ok": "yes", "expired": "expired", "required": "no"}[met.state]
    return "not_needed" if login == "none" else "not_tested"


def _is_forbidden_link(finding: Finding) -> bool:
    return finding.category in LINK_CATEGORIES and finding.severity == "review" and finding.evidence.kind == "link"


def _feature(resource: ResourceView, category: str, findings: list[Finding], book: ReviewBook,
             looked_at: bool = True) -> Feature:
    """The feature column: the most serious state of the cell's findings in ``category``; ``not_tested``
    when there are none and the page was never looked at (it did not load, or stopped at a login wall)."""
    states = []
    for f in findings:
        if f.category != category or _is_forbidden_link(f):
            continue
        review = _review_status(book.finding(resource.id, f.rule))
        states.append("reviewed" if review == "accepted" else ("yes" if f.severity == "block" else "review"))
    if not states:
        return Feature("no" if looked_at else "not_tested")
    return Feature(min(states, key=FEATURE_STATES.index), category_anchor(resource.id, category))


def links_anchor(resource_id: str) -> str:
    """The ICT report's anchor of a resource's link check."""
    return f"links-{resource_id}"


def category_anchor(resource_id: str, category: str) -> str:
    return f"c-{resource_id}-{category}"


def _review_status(state: ReviewState | None) -> str:
    return state.status if state else "open"


def _findings(rid: str, cells: list[StoredCell], ctx: _Context) -> list[FindingView]:
    merged: dict[tuple[str, str, str], FindingView] = {}
    for cell in cells:
        for f in cell.result.findings:
            if f.severity not in ("block", "review"):
                continue
            where = f"{cell.key.engine}@{cell.key.location}"
            key = (f.category, f.rule, f.page)
            view = merged.get(key)
            if view is None:
                state = ctx.book.finding(rid, f.rule)
                view = merged[key] = FindingView(
                    anchor=f"f-{rid}-{_slug(f.rule)}-{len(merged) + 1}", category=f.category, rule=f.rule,
                    name=f.name or f.rule, name_nb=f.name_nb, severity=f.severity, page=f.page,
                    evidence_kind=f.evidence.kind, evidence_value=f.evidence.value, snippet=f.evidence.snippet,
                    matches=0, seen_in=[], review=_review_status(state), decision=state.review if state else None,
                    crop=None)
            view.seen_in.append(where)
            view.matches = max(view.matches, f.matches)
            if view.crop is None:
                view.crop = _image(f.screenshot, rid, ctx.run_dir)
    severity = {"block": 0, "review": 1}
    return sorted(merged.values(), key=lambda v: (severity[v.severity], v.category, v.rule, v.page))


def _failed_hosts(cells: list[StoredCell], needs: HostNeeds) -> list[FailedHost]:
    failed: dict[tuple[str, str, str, str], int] = defaultdict(int)
    causes: dict[tuple[str, str, str, str], str | None] = {}
    for cell in cells:
        for request in cell.result.requests:
            if request.failure and request.host and not request.failure.startswith(IGNORED_FAILURES):
                key = (cell.key.location, cell.key.engine, request.host, request.failure)
                failed[key] += 1
                causes.setdefault(key, cause_of(request))
    return [FailedHost(loc, eng, host, failure, n, needs.declares(host), causes[(loc, eng, host, failure)])
            for (loc, eng, host, failure), n in sorted(failed.items())]


def _image(path: str | None, rid: str, run_dir: Path) -> Image | None:
    """The PNG at ``path`` (absolute, or relative to the run folder or its evidence folder), only when
    it lies inside the run folder once links and ``..`` are resolved: results from a work-pool worker
    are stored centrally, and a path they name must not make the report copy any other file."""
    if not path:
        return None
    given = Path(path)
    inside = run_dir.resolve()
    for candidate in (given, run_dir / given, run_dir / "evidence" / rid / given.name):
        real = candidate.resolve()
        if candidate.is_absolute() and real.is_relative_to(inside) and real.is_file():
            return Image(real, f"evidence/{_safe_name(rid)}/{_safe_name(real.name)}")
    return None


def _safe_name(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]", "_", name)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9-]+", "-", text.lower()).strip("-") or "x"


def _local(iso: str | None, tz: ZoneInfo) -> str:
    if not iso:
        return ""
    try:
        moment = dt.datetime.fromisoformat(iso)
    except ValueError:
        return iso
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(tz).strftime("%Y-%m-%d %H:%M")


def _links(store: Store, run_id: str) -> dict[tuple[str, str], list[dict]]:
    """The link check's broken links by (resource, location)."""
    grouped: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for row in store.links(run_id, status="broken"):
        grouped[(row["resource_id"], row["location"])].append(
            {**row, "source": row["source"] or "", "text": row["text"] or "", "reason": row["reason"] or ""})
    return grouped


def _link_checks(store: Store, run_id: str) -> dict[str, list[LinkCheckView]]:
    """The link checks by resource, in the order they were stored."""
    checks: dict[str, list[LinkCheckView]] = defaultdict(list)
    for row in store.link_checks(run_id):
        checks[row["resource_id"]].append(LinkCheckView(row["location"], row["checked"], row["reason"], row["detail"],
                                                        row["pages"], row["links"], row["broken"]))
    return checks


def _row_link_check(checks: list[LinkCheckView], location: str) -> LinkCheckView | None:
    return next((c for c in checks if c.location == location), checks[0] if checks else None)


def _link(row: dict) -> LinkView:
    return LinkView(row["location"], row["url"], row["source"], row["text"], row["status"], row["http_status"],
                    row["reason"])


def _to_report(resources: list[ResourceView], book: ReviewBook) -> list[ToReport]:
    """Confirmed decisions on findings or hosts seen in this run."""
    items = []
    for resource in resources:
        recipient = "resource_group" if resource.list == "national" else "vendor"
        seen_rules = {f.rule: (f.name, f.name_nb) for f in resource.findings}
        seen_hosts = {h for c in resource.cells for h in _cell_hosts(c, resource)}
        for rule, (name, name_nb) in sorted(seen_rules.items()):
            state = book.finding(resource.id, rule)
            if state and state.status == "confirmed":
                items.append(ToReport(resource.id, resource.name, resource.list, recipient, resource.vendor_name,
                                      name, "rule", state.review, name_nb))
        for host in sorted(seen_hosts):
            state = book.host(resource.id, host)
            if state and state.status == "confirmed":
                items.append(ToReport(resource.id, resource.name, resource.list, recipient, resource.vendor_name,
                                      host, "host", state.review))
    return items


def _cell_hosts(cell: CellView, resource: ResourceView) -> set[str]:
    hosts = {h.host for h in cell.extra_hosts} | set(cell.left_out)
    return hosts | {f.host for f in resource.failed_hosts if (f.location, f.engine) == (cell.location, cell.engine)}


def _applied(resources: list[ResourceView]) -> int:
    """How many findings and hosts of this run a review decision applies to."""
    return (sum(1 for r in resources for f in r.findings if f.review != "open")
            + sum(1 for r in resources for h in r.extra_hosts if h.review != "open"))
