"""The exam-mode replay of a checkpoint run (README: Checkpoint runs, Exam-mode replay).

After the probe cells, each resource is loaded in each engine of the run with only the run's
compiled allowlist reachable (:func:`nettsjekk.probes.replay.replay`), at the first location that
reached it, and every link to a forbidden destination (YouTube, Facebook, web search, AI, chat …)
found on its home page or by the probes on its other pages is opened under that allowlist.

Plain Python (no Prefect, no allowlist code): the flow compiles the allowlist and hands in its
``allows``. What the replay found counts in the verdict (:func:`with_replay`):

* a forbidden link that opens under the allowlist makes the resource **not OK**;
* a resource that does not work under the allowlist is **OK with conditions**, naming the hosts
  whose blocked scripts, style sheets, XHR or fetches broke it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING

from nettsjekk.core.errors import NettsjekkError
from nettsjekk.probes.replay import ReplayOptions, ReplayResult, replay
from nettsjekk.probes.runner import gather_limited
from nettsjekk.probes.sessions import SessionStore

from nettsjekk.checkpoints.verdict import CONDITIONS, NOT_OK, NOT_TESTED, OK, Assessment, Reason

if TYPE_CHECKING:
    from nettsjekk.probes.service import ProbeService

    from nettsjekk.checkpoints.config import Config, Location
    from nettsjekk.checkpoints.store import Store, StoredCell

HostCheck = Callable[[str], bool]
LOADED = ("ok", "flaky")
LINK_EVIDENCE = ("link", "form")


@dataclass(frozen=True)
class ForbiddenLink:
    """A link to a denied destination, opened under the allowlist."""

    url: str
    host: str
    category: str
    reachable: bool
    """True when the page opened: the allowlist lets pupils through to it."""
    detail: str = ""


@dataclass
class ReplayRecord:
    """The exam-mode replay of one resource in one engine (a row of the store's ``replays`` table)."""

    resource: str
    engine: str
    location: str | None
    checked: bool
    reason: str | None = None
    """Why it was not replayed (``checked`` false): replay off, the resource loaded nowhere, ..."""
    works: bool | None = None
    """The resource loads with only the allowlist reachable (None when not replayed)."""
    error: str | None = None
    """The replay's error code when the page itself did not load (``blocked``, ``timeout``, ...)."""
    error_detail: str | None = None
    """The browser's own words for ``error``."""
    missing_hosts: list[str] = field(default_factory=list)
    """Hosts outside the allowlist (and the deny catalog) whose blocked scripts, style sheets, XHR or
    fetches made it fail: the hosts the allowlist lacks."""
    denied_hosts: list[str] = field(default_factory=list)
    """Denied hosts the page tried and the allowlist kept out, as intended."""
    links_checked: bool = False
    """The page answered, so its forbidden links were looked for and opened."""
    forbidden_links: list[ForbiddenLink] = field(default_factory=list)

    @property
    def reachable_links(self) -> list[ForbiddenLink]:
        return [link for link in self.forbidden_links if link.reachable]

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> ReplayRecord:
        links = [ForbiddenLink(**link) for link in data.get("forbidden_links", [])]
        return cls(**{**data, "forbidden_links": links})


@dataclass(frozen=True)
class ReplayTarget:
    """One replay to do: a resource in an engine, through a location."""

    resource_id: str
    url: str
    engine: str
    location: Location
    extra_links: tuple[str, ...] = ()


def replay_targets(cells: Iterable[StoredCell], locations: list[Location], engines: list[str]
                   ) -> tuple[list[ReplayTarget], list[ReplayRecord]]:
    """(replays to do, records of resources that cannot be replayed): per resource the first location,
    in the configuration's order, where a cell loaded it (work-pool locations run elsewhere)."""
    by_resource: dict[str, list[StoredCell]] = {}
    for cell in cells:
        by_resource.setdefault(cell.key.resource_id, []).append(cell)
    targets, skipped = [], []
    for rid, own in by_resource.items():
        loaded = {c.key.location for c in own if c.status in LOADED}
        where = next((loc for loc in locations if loc.name in loaded and loc.kind != "pool"), None)
        if where is None:
            why = "it loaded only at a work-pool location" if loaded else "it did not load in the run"
            skipped += [ReplayRecord(rid, engine, None, False, why) for engine in engines]
            continue
        links = _probe_links(own)
        targets += [ReplayTarget(rid, own[0].result.url, engine, where, links) for engine in engines]
    return targets, skipped


def _probe_links(cells: list[StoredCell]) -> tuple[str, ...]:
    """Every link and form target the probes' findings name, on any page (the replay keeps the denied ones)."""
    urls = (f.evidence.value for c in cells for f in c.result.findings if f.evidence.kind in LINK_EVIDENCE)
    return tuple(dict.fromkeys(urls))


def run_replays(service: ProbeService, config: Config, targets: list[ReplayTarget], allows: HostCheck
                ) -> list[ReplayRecord]:
    """Replay every target, ``concurrency`` at a time, with the run's timeouts and saved login sessions."""
    sessions = SessionStore(config.state_dir)
    s = config.settings

    async def one(target: ReplayTarget) -> ReplayRecord:
        session = sessions.find(target.resource_id, target.engine)
        options = ReplayOptions(timeout_s=s.timeout_s, proxy=target.location.proxy, location=target.location.name,
                                settle_s=s.subpage_settle_s, extra_links=target.extra_links,
                                storage_state=session.storage_state if session else None)
        result = await replay(service.browsers, target.url, target.engine, allows, options=options)
        return record_of(target.resource_id, result)

    calls = [functools.partial(one, target) for target in targets]
    return service.run(gather_limited(calls, s.concurrency))


def record_of(resource_id: str, result: ReplayResult) -> ReplayRecord:
    """What the run keeps of one replay."""
    return ReplayRecord(
        resource_id, result.engine, result.location, True, works=result.works, error=result.error,
        error_detail=result.error_detail,
        missing_hosts=sorted({b.host for b in result.breaking}), denied_hosts=sorted({b.host for b in result.denied}),
        links_checked=result.status is not None and result.error != "crash",  # a crash cuts the link checks short
        forbidden_links=[ForbiddenLink(c.url, c.host, c.category, not c.unreachable, c.detail) for c in result.links])


def not_replayed(resources: Iterable[str], engines: list[str], why: str) -> list[ReplayRecord]:
    return [ReplayRecord(rid, engine, None, False, why) for rid in dict.fromkeys(resources) for engine in engines]


def replay_phase(service: ProbeService, store: Store, run_id: str, config: Config, locations: list[Location],
                 engines: list[str], compile_allows: Callable[[], HostCheck]) -> list[ReplayRecord]:
    """The whole phase: choose the replays, compile the allowlist, replay, store the records."""
    cells = store.cells(run_id)
    resources = [c.key.resource_id for c in cells]
    if not config.settings.replay:
        records = not_replayed(resources, engines, "replay: off in the configuration")
    else:
        targets, records = replay_targets(cells, locations, engines)
        try:
            allows = compile_allows() if targets else None
        except NettsjekkError as exc:
            records += not_replayed([t.resource_id for t in targets], engines,
                                    f"the run's allowlist could not be compiled: {exc}")
        else:
            records += run_replays(service, config, targets, allows) if targets else []
    store.save_replays(run_id, [r.to_dict() for r in records])
    return records


def load_replays(store: Store, run_id: str) -> dict[str, list[ReplayRecord]]:
    """The stored replays of ``run_id`` by resource (empty for a run made before replays existed)."""
    found: dict[str, list[ReplayRecord]] = {}
    for data in store.replays(run_id):
        record = ReplayRecord.from_dict(data)
        found.setdefault(record.resource, []).append(record)
    return found


# ---------------------------------------------------------------- verdict and summary


def replay_reasons(records: list[ReplayRecord]) -> tuple[list[Reason], list[Reason]]:
    """(reasons that make the resource not OK, conditions) from its replays."""
    blocking = [Reason("replay_link_reachable", {"url": link.url, "category": link.category,
                                                 "engines": _engines(records, link.url)})
                for link in _unique(link for r in records for link in r.reachable_links)]
    conditions = []
    missing = sorted({h for r in records for h in r.missing_hosts})
    if missing:
        conditions.append(Reason("replay_missing_hosts", {"hosts": ", ".join(missing), "engines": ", ".join(
            sorted({r.engine for r in records if r.missing_hosts}))}))
    failed = [r for r in records if r.checked and not r.works and not r.missing_hosts]
    if failed:
        codes = tuple(sorted({r.error or "?" for r in failed}))
        conditions.append(Reason("replay_fails", {"engines": ", ".join(sorted({r.engine for r in failed})),
                                                  "errors": ", ".join(codes)}, codes=codes))
    not_done = sorted({r.reason for r in records if not r.checked and r.reason and "allowlist" in r.reason})
    conditions += [Reason("replay_not_done", {"why": why}) for why in not_done]
    return blocking, conditions


def _unique(links: Iterable[ForbiddenLink]) -> list[ForbiddenLink]:
    return list({link.url: link for link in links}.values())


def _engines(records: list[ReplayRecord], url: str) -> str:
    return ", ".join(sorted({r.engine for r in records if any(link.url == url for link in r.reachable_links)}))


def with_replay(assessment: Assessment, records: list[ReplayRecord]) -> Assessment:
    """The verdict once the replay counts: a reachable forbidden link makes it not OK; a resource
    that does not work under its allowlist is at best OK with conditions."""
    blocking, conditions = replay_reasons(records)
    verdict = assessment.verdict
    if verdict == NOT_TESTED or not (blocking or conditions):
        return assessment
    if blocking:
        verdict = NOT_OK
    elif verdict == OK:
        verdict = CONDITIONS
    return Assessment(verdict, [*blocking, *assessment.reasons, *conditions])


def replay_summary(records: list[ReplayRecord]) -> dict:
    """``summary.json``'s ``replay`` of one resource, by engine (README: summary.json)."""
    return {r.engine: {"checked": r.checked, "reason": r.reason, "location": r.location, "works": r.works,
                       "error": r.error, "missing_hosts": r.missing_hosts, "denied_hosts": r.denied_hosts,
                       "links_checked": r.links_checked, "forbidden_links": [{"url": l.url, "host": l.host, "category": l.category,
                                            "reachable": l.reachable} for l in r.forbidden_links]}
            for r in records}
