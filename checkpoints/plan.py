"""Everything a checkpoint run does besides probing, as plain functions (no Prefect).

``prepare_run`` validates configuration and lists and decides the cells (or the cells still
missing when resuming); ``finish_run`` computes verdicts and drift and writes the summary.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from nettsjekk.lists.catalog import Catalog, load_catalog
from nettsjekk.probes.browsers import BrowserSettings
from nettsjekk.core.errors import ConfigError
from nettsjekk.probes.rulebook import LoadedRule, load_rules

from nettsjekk.checkpoints.blocked_hosts import BlockedHosts
from nettsjekk.checkpoints.config import CHECKPOINTS, Config, Location
from nettsjekk.checkpoints.drift import compare_runs
from nettsjekk.checkpoints.link_phase import links_summary
from nettsjekk.checkpoints.matrix import CellSpec, build_cells
from nettsjekk.checkpoints.reviews import Review, ReviewBook, load_reviews
from nettsjekk.checkpoints.store import Store
from nettsjekk.checkpoints.replay_phase import load_replays, replay_summary, with_replay
from nettsjekk.checkpoints.verdict import assess


@dataclass
class Plan:
    """A run about to start (or resume): its id, the cells to do, and what it needs."""

    run_id: str
    checkpoint: str
    config: Config
    catalog: Catalog
    rules: tuple[LoadedRule, ...]
    cells: list[CellSpec]
    pending: list[CellSpec]
    run_dir: Path
    resumed: bool = False
    reviews: list[Review] = field(default_factory=list)
    """The decisions in the configured ``reviews.yaml``, validated before probing starts."""
    logins: list[dict] = field(default_factory=list)
    """The login sessions checked before probing (``checkpoints.logins.SessionCheck.to_dict``)."""

    @property
    def browser_settings(self) -> BrowserSettings:
        cas = {self.config.path(ca) for loc in self.config.settings.locations for ca in loc.trust_ca}
        return BrowserSettings(trust_ca=tuple(sorted(cas)))


@dataclass
class Summary:
    run_id: str
    checkpoint: str
    cells: dict[str, int]
    verdicts: dict[str, tuple[str, list[str]]]
    drift_previous: dict
    drift_baseline: dict
    run_dir: Path
    failures: list[dict] = field(default_factory=list)
    reports: dict[str, str] = field(default_factory=dict)
    logins: list[dict] = field(default_factory=list)
    blocked_hosts: dict[str, list[dict]] = field(default_factory=dict)
    """Per location, the hosts resources need that failed there (``checkpoints.blocked_hosts.action_list``)."""
    replay: dict[str, dict] = field(default_factory=dict)
    """The exam-mode replay per resource and engine (``checkpoints.replay_phase.replay_summary``)."""
    links: dict[str, list[dict]] = field(default_factory=dict)
    """Per resource, its link checks (``checkpoints.link_phase.links_summary``)."""

    def to_dict(self) -> dict:
        return {"run_id": self.run_id, "checkpoint": self.checkpoint, "cells": self.cells,
                "verdicts": {rid: {"verdict": v, "reasons": r} for rid, (v, r) in self.verdicts.items()},
                "drift_previous": self.drift_previous, "drift_baseline": self.drift_baseline,
                "failures": self.failures, "run_dir": str(self.run_dir), "reports": self.reports,
                "logins": self.logins, "blocked_hosts": self.blocked_hosts, "replay": self.replay,
                "links": self.links}


def select_locations(config: Config, names: list[str] | None) -> list[Location]:
    return [config.location(n) for n in names] if names else list(config.settings.locations)


def select_resources(catalog: Catalog, list_name: str | None):
    if list_name in (None, "all"):
        return list(catalog.resources)
    resources = catalog.select(list_name=list_name)
    if not resources:
        raise ConfigError(f"no resources on the {list_name!r} list in the configured list files")
    return resources


def prepare_run(config: Config, store: Store, checkpoint: str, list_name: str | None = None,
                locations: list[str] | None = None, browsers: list[str] | None = None,
                resume: str | None = None) -> Plan:
    """Validate everything, then start a new run or pick up an interrupted one."""
    if checkpoint not in CHECKPOINTS:
        raise ConfigError(f"unknown checkpoint {checkpoint!r} (choose from {', '.join(CHECKPOINTS)})")
    vendor_dir = config.vendor_dir
    catalog = load_catalog(config.list_paths, vendor_dir)
    rules = tuple(load_rules([config.path(p) for p in config.settings.rules]))
    reviews = load_reviews(config.reviews_path)
    if resume:
        scope = store.run(resume)["scope"]
        list_name, locations, browsers = scope["list"], scope["locations"], scope["browsers"]
    engines = browsers or list(config.settings.browsers)
    chosen = select_locations(config, locations)
    cells = build_cells(catalog, select_resources(catalog, list_name), engines, chosen,
                        config.settings.subpages_per_location)
    scope = {"list": list_name, "locations": [loc.name for loc in chosen], "browsers": engines}
    run_id = resume or store.start_run(checkpoint, scope, config.settings.tester)
    done = store.done_cells(run_id) if resume else set()
    run_dir = config.output_dir / run_id
    return Plan(run_id, checkpoint, config, catalog, rules, cells, [c for c in cells if c.key not in done],
                run_dir, bool(resume), reviews)


def run_date(store: Store, run_id: str, config: Config) -> dt.date:
    """The day ``run_id`` started, in the configured time zone (review decisions are evaluated on it)."""
    started = dt.datetime.fromisoformat(store.run(run_id)["started_at"])
    return started.astimezone(ZoneInfo(config.settings.timezone)).date()


def finish_run(plan: Plan, store: Store) -> Summary:
    """Verdicts per resource (review decisions applied), drift against the previous run and the
    baseline, summary files."""
    stored = store.cells(plan.run_id)
    by_resource: dict[str, list] = {}
    for cell in stored:
        by_resource.setdefault(cell.key.resource_id, []).append(cell)
    reviews = ReviewBook(plan.reviews, on=run_date(store, plan.run_id, plan.config))
    hosts = BlockedHosts.of(plan.catalog, by_resource)
    replays = load_replays(store, plan.run_id)
    verdicts = {rid: with_replay(assess(cells, reviews, hosts.reasons(rid)), replays.get(rid, [])).as_tuple()
                for rid, cells in by_resource.items()}
    store.save_verdicts(plan.run_id, verdicts)
    store.finish_run(plan.run_id)
    previous = compare_runs(store, plan.run_id, store.previous_run(plan.run_id), "previous")
    baseline = compare_runs(store, plan.run_id, store.baseline(), "baseline")
    counts: dict[str, int] = {}
    for cell in stored:
        counts[cell.status] = counts.get(cell.status, 0) + 1
    failures = [{"resource": c.key.resource_id, "engine": c.key.engine, "location": c.key.location,
                 "status": c.status, "error": c.result.error or "",
                 "findings": ", ".join(sorted({f"{f.category}/{f.rule}" for f in c.result.findings
                                               if f.severity != "info"}))}
                for c in stored if c.status != "ok" or any(f.severity == "block" for f in c.result.findings)]
    summary = Summary(plan.run_id, plan.checkpoint, counts, verdicts, previous.to_dict(), baseline.to_dict(),
                      plan.run_dir, failures, logins=plan.logins, blocked_hosts=hosts.action_list(),
                      replay={rid: replay_summary(records) for rid, records in replays.items()},
                      links=links_summary(store, plan.run_id))
    plan.run_dir.mkdir(parents=True, exist_ok=True)
    (plan.run_dir / "summary.json").write_text(json.dumps(summary.to_dict(), indent=2, ensure_ascii=False) + "\n",
                                               encoding="utf-8")
    return summary
