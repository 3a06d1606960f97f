"""Locations of kind ``pool``: their cells run at the site, on a Prefect work pool.

The site's worker runs the ``verify-location`` flow (deployment ``verify-location/<location>``,
registered with ``nettsjekk schedule --location NAME``); it probes the cells it is given with the
checkpoint's settings and returns the outcomes, which the checkpoint flow commits to its store.
A location whose worker does not answer in time gets ``location_unreachable`` cells.
"""

from __future__ import annotations

import logging
from pathlib import Path

from prefect import flow

from nettsjekk.probes.browsers import BrowserSettings
from nettsjekk.probes.results import ProbeResult
from nettsjekk.probes.rulebook import load_rules
from nettsjekk.probes.service import ProbeService

from nettsjekk.checkpoints.config import Config, Location, Settings
from nettsjekk.checkpoints.retries import CellOutcome, run_with_retries
from nettsjekk.checkpoints.matrix import CellSpec, probe_options
from nettsjekk.checkpoints.store import Store

log = logging.getLogger(__name__)
DEPLOYMENT_PREFIX = "verify-location"


def spec_to_dict(spec: CellSpec) -> dict:
    return {"resource_id": spec.resource_id, "url": spec.url, "engine": spec.engine,
            "location": spec.location.model_dump(), "extra_urls": list(spec.extra_urls),
            "own_domains": list(spec.own_domains), "login_hosts": list(spec.login_hosts),
            "subpage_share": list(spec.subpage_share)}


def spec_from_dict(data: dict) -> CellSpec:
    return CellSpec(data["resource_id"], data["url"], data["engine"], Location(**data["location"]),
                    tuple(data["extra_urls"]), tuple(data["own_domains"]), tuple(data.get("login_hosts", ())),
                    tuple(data.get("subpage_share", (0, 1))))


@flow(name=DEPLOYMENT_PREFIX)
def verify_location(settings: dict, cells: list[dict], evidence_dir: str | None = None) -> list[dict]:
    """Probe ``cells`` here (at the site) and return their outcomes (evidence stays at the site)."""
    config = Config(Settings(**settings), Path.cwd(), "remote settings")
    evidence_dir = evidence_dir or str(config.output_dir / "evidence")
    rules = tuple(load_rules([p for p in map(config.path, config.settings.rules) if p.exists()]))
    specs = [spec_from_dict(c) for c in cells]
    cas = tuple(sorted({config.path(ca) for spec in specs for ca in spec.location.trust_ca}))
    outcomes = []
    with ProbeService(BrowserSettings(trust_ca=cas)) as service:
        for spec in specs:
            options = probe_options(config, spec, rules, Path(evidence_dir))
            outcome = run_with_retries(lambda: service.probe(spec.url, spec.engine, options), config.settings.retries)
            outcomes.append({"cell": spec_to_dict(spec), "status": outcome.status, "attempts": outcome.attempts,
                             "result": outcome.result.model_dump(mode="json")})
    return outcomes


def dispatch_pool_location(config: Config, store: Store, run_id: str, location: Location, specs: list[CellSpec],
                           runner=None, timeout_s: float = 3600) -> list[CellOutcome]:
    """Run ``specs`` on the location's worker and commit what comes back."""
    runner = runner or _run_deployment
    try:
        returned = runner(f"{DEPLOYMENT_PREFIX}/{location.name}",
                          {"settings": config.settings.model_dump(mode="json"),
                           "cells": [spec_to_dict(s) for s in specs]}, timeout_s)
    except Exception as exc:  # noqa: BLE001 - any failure to reach the site is the same finding
        log.warning("location %s (work pool %s) did not answer: %s", location.name, location.work_pool, exc)
        return [_unreachable(store, run_id, spec, str(exc)) for spec in specs]
    outcomes = []
    for item in returned:
        spec, result = spec_from_dict(item["cell"]), ProbeResult.model_validate(item["result"])
        store.save_cell(run_id, spec.key, item["status"], item["attempts"], result)
        outcomes.append(CellOutcome(item["status"], item["attempts"], result))
    return outcomes


def _unreachable(store: Store, run_id: str, spec: CellSpec, why: str) -> CellOutcome:
    result = ProbeResult(url=spec.url, browser=spec.engine, location=spec.location.name, error="proxy",
                         error_detail=f"location {spec.location.name} did not answer: {why}"[:500])
    store.save_cell(run_id, spec.key, "location_unreachable", 0, result)
    return CellOutcome("location_unreachable", 0, result)


def _run_deployment(name: str, parameters: dict, timeout_s: float) -> list[dict]:
    from prefect.deployments import run_deployment

    flow_run = run_deployment(name=name, parameters=parameters, timeout=timeout_s)
    if not flow_run.state or not flow_run.state.is_completed():
        raise RuntimeError(f"flow run {flow_run.id} ended {flow_run.state.name if flow_run.state else 'without state'}")
    return flow_run.state.result()
