"""Locations of kind ``pool``: their cells run at the site, on a Prefect work pool.

The site's worker runs the ``verify-location`` flow (deployment ``verify-location/<location>``,
registered with ``nettsjekk schedule --location NAME``). It probes the cells it is given with the
checkpoint's settings, through the site's own proxy (``HTTPS_PROXY`` in the worker's environment),
and posts each finished cell to the Prefect API as an artifact of type ``nettsjekk-cell``: the
worker and the county's machine share nothing but that API, so no result storage is needed. The
checkpoint side polls the flow run's artifacts, validates each one (``checkpoints.worker_cells``)
and commits it to its store as it arrives.

A location whose worker does not answer (no worker, a worker that died, a flow run that ended
without all its cells) gets ``location_unreachable`` for the cells still to do, once nothing has
moved for ``pool_wait_s``; the flow run is then cancelled, so a worker that starts later runs
nothing stale.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import time
from collections.abc import Callable
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
from nettsjekk.checkpoints.worker_cells import ARTIFACT_TYPE, RejectedCell, decode, encode

log = logging.getLogger(__name__)
DEPLOYMENT_PREFIX = "verify-location"
POLL_S = 1.0


def spec_to_dict(spec: CellSpec) -> dict:
    return {"resource_id": spec.resource_id, "url": spec.url, "engine": spec.engine,
            "location": spec.location.model_dump(), "extra_urls": list(spec.extra_urls),
            "own_domains": list(spec.own_domains), "login_hosts": list(spec.login_hosts),
            "subpage_share": list(spec.subpage_share)}


def spec_from_dict(data: dict) -> CellSpec:
    return CellSpec(data["resource_id"], data["url"], data["engine"], Location(**data["location"]),
                    tuple(data["extra_urls"]), tuple(data["own_domains"]), tuple(data.get("login_hosts", ())),
                    tuple(data.get("subpage_share", (0, 1))))


def site_proxy() -> str | None:
    """The site's proxy, as the worker's environment names it (``HTTPS_PROXY``, then ``HTTP_PROXY``)."""
    for name in ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy"):
        if os.environ.get(name):
            return os.environ[name]
    return None


def post_cell(cell: dict) -> None:
    """Send one finished cell to the central side (an artifact of this flow run)."""
    from prefect.artifacts import Artifact

    which = cell["cell"]
    Artifact(type=ARTIFACT_TYPE, data=cell,
             description=f"{which['resource_id']} · {which['engine']} · {which['location']}").create()


@flow(name=DEPLOYMENT_PREFIX)
def verify_location(settings: dict, cells: list[dict], evidence_dir: str | None = None,
                    post: Callable[[dict], None] | None = None) -> int:
    """Probe ``cells`` here (at the site) and post each outcome as it is done (evidence stays at the site)."""
    post = post or post_cell
    config = Config(Settings(**settings), Path.cwd(), "remote settings")
    evidence_dir = evidence_dir or str(config.output_dir / "evidence")
    rules = tuple(load_rules([p for p in map(config.path, config.settings.rules) if p.exists()]))
    specs = [spec_from_dict(c) for c in cells]
    proxy = site_proxy()
    cas = tuple(sorted({config.path(ca) for spec in specs for ca in spec.location.trust_ca}))
    with ProbeService(BrowserSettings(trust_ca=cas)) as service:
        for spec in specs:
            options = probe_options(config, spec, rules, Path(evidence_dir))
            if proxy and not options.proxy:
                options = dataclasses.replace(options, proxy=proxy)
            outcome = run_with_retries(lambda: service.probe(spec.url, spec.engine, options), config.settings.retries)
            post(encode(spec, outcome.status, outcome.attempts, outcome.result))
    return len(specs)


OnCell = Callable[[CellSpec, CellOutcome], None]


def dispatch_pool_location(config: Config, store: Store, run_id: str, location: Location, specs: list[CellSpec],
                           orchestrator=None, on_cell: OnCell | None = None) -> list[CellOutcome]:
    """Run ``specs`` on the location's worker and commit each valid cell as it comes back."""
    orchestrator = orchestrator or PrefectOrchestrator()
    wait_s = config.settings.pool_wait_s
    try:
        flow_run_id = orchestrator.start(f"{DEPLOYMENT_PREFIX}/{location.name}",
                                         {"settings": config.settings.model_dump(mode="json"),
                                          "cells": [spec_to_dict(s) for s in specs]})
    except Exception as exc:  # noqa: BLE001 - any failure to reach the site is the same finding
        log.warning("location %s (work pool %s) did not answer: %s", location.name, location.work_pool, exc)
        return [_done(store, run_id, spec, _unreachable(spec, str(exc)), on_cell) for spec in specs]
    pending = {spec.key: spec for spec in specs}
    outcomes: list[CellOutcome] = []
    seen: set = set()
    last_state, moved = None, time.monotonic()
    why = ""
    while pending:
        try:
            state, final = orchestrator.state(flow_run_id)
            answers = orchestrator.cells(flow_run_id)
        except Exception as exc:  # noqa: BLE001 - the API hiccuped: no movement, try again until pool_wait_s
            log.warning("location %s: could not read its flow run: %s", location.name, exc)
            state, final, answers = f"unreadable ({exc})"[:200], False, []
        if state != last_state:
            last_state, moved = state, time.monotonic()
        for artifact_id, data in answers:
            if artifact_id in seen:
                continue
            seen.add(artifact_id)
            try:
                spec, answer = decode(location.name, data, pending)
            except RejectedCell as exc:
                log.warning("%s", exc)
                continue
            del pending[spec.key]
            outcomes.append(_done(store, run_id, spec, CellOutcome(answer.status, answer.attempts, answer.result),
                                  on_cell))
            moved = time.monotonic()
        if not pending:
            break
        if final:
            why = f"its worker's flow run ended {state} with {len(pending)} cell(s) not done"
            break
        if time.monotonic() - moved > wait_s:
            why = (f"no answer from work pool {location.work_pool} for {wait_s:g} s (pool_wait_s; "
                   f"the flow run was {state}): is its worker running?")
            orchestrator.cancel(flow_run_id, f"nettsjekk gave up on location {location.name}: {why}")
            break
        time.sleep(min(POLL_S, wait_s))
    if pending:
        log.warning("location %s: %s", location.name, why)
    outcomes += [_done(store, run_id, spec, _unreachable(spec, why), on_cell) for spec in pending.values()]
    return outcomes


def _done(store: Store, run_id: str, spec: CellSpec, outcome: CellOutcome, on_cell: OnCell | None) -> CellOutcome:
    store.save_cell(run_id, spec.key, outcome.status, outcome.attempts, outcome.result)
    if on_cell:
        on_cell(spec, outcome)
    return outcome


def _unreachable(spec: CellSpec, why: str) -> CellOutcome:
    result = ProbeResult(url=spec.url, browser=spec.engine, location=spec.location.name, error="proxy",
                         error_detail=f"location {spec.location.name} did not answer: {why}"[:500])
    return CellOutcome("location_unreachable", 0, result)


class PrefectOrchestrator:
    """The deployment hop through the Prefect API: start a flow run, watch it, read its cells, cancel it."""

    def __init__(self) -> None:
        from prefect.client.orchestration import get_client

        self.client = get_client(sync_client=True)

    def start(self, deployment: str, parameters: dict):  # noqa: ANN201 - a flow run id
        from prefect.deployments import run_deployment

        return run_deployment(name=deployment, parameters=parameters, timeout=0, as_subflow=False).id

    def state(self, flow_run_id) -> tuple[str, bool]:  # noqa: ANN001
        state = self.client.read_flow_run(flow_run_id).state
        return (state.name, state.is_final()) if state else ("unknown", False)

    def cells(self, flow_run_id) -> list[tuple[object, object]]:  # noqa: ANN001
        # the filter endpoint directly: the sync client's read_artifacts sends null limit/sort (a 422)
        answer = self.client.request("POST", "/artifacts/filter", json={
            "artifacts": {"flow_run_id": {"any_": [str(flow_run_id)]}, "type": {"any_": [ARTIFACT_TYPE]}},
            "limit": 200, "offset": 0})
        return [(item["id"], item.get("data")) for item in answer.json()]

    def cancel(self, flow_run_id, message: str) -> None:  # noqa: ANN001
        from prefect.states import Cancelled

        try:
            self.client.set_flow_run_state(flow_run_id, Cancelled(message=message[:500]), force=True)
        except Exception as exc:  # noqa: BLE001 - the cells are unreachable either way
            log.warning("could not cancel flow run %s: %s", flow_run_id, exc)
