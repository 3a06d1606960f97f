"""Prefect flows: ``verify-checkpoint`` runs every resource × browser × location of a checkpoint.

The flow stays thin: validation, the matrix, retries, the store, verdicts and drift are plain
functions in this package. One task per cell; one probe service (one browser per engine) per
flow run; bounded concurrency from the configuration.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NONE
from prefect.exceptions import TerminationSignal
from prefect.futures import wait

from nettsjekk.core.errors import RunStopped
from nettsjekk.probes.service import ProbeService

from nettsjekk.allowlists.selection import run_allowlist
from nettsjekk.flows.artifacts import publish_artifacts
from nettsjekk.checkpoints.config import load_config
from nettsjekk.checkpoints.retries import CellOutcome
from nettsjekk.flows.link_check import run_link_phase
from nettsjekk.flows.location import dispatch_pool_location
from nettsjekk.checkpoints.matrix import CellSpec, run_cell
from nettsjekk.checkpoints.plan import Plan, finish_run, prepare_run, select_locations
from nettsjekk.checkpoints.replay_phase import replay_phase
from nettsjekk.checkpoints.store import Store

ProgressListener = Callable[[CellSpec, CellOutcome], None]
progress_listeners: list[ProgressListener] = []
"""Called after each cell is stored (the CLI's progress bar listens here)."""
plan_listeners: list[Callable[[Plan], None]] = []
"""Called once the run's cells are known."""


@dataclass
class _Runtime:
    plan: Plan
    store: Store
    service: ProbeService
    gate: threading.Semaphore
    ending: threading.Event
    """Set when the flow's body is left (at the end, or stopped by SIGTERM or Ctrl-C): cells not yet
    probed are left for ``--resume`` instead of failing on a closed browser."""


_RUNTIMES: dict[str, _Runtime] = {}


@task(name="probe-cell", cache_policy=NONE, task_run_name="{spec.resource_id} · {spec.engine} · {spec.location.name}")
def probe_cell(run_id: str, spec: CellSpec) -> str:
    """Probe one resource in one engine at one location; the result is committed on completion."""
    runtime = _RUNTIMES.get(run_id)
    if runtime is None:
        return "not probed"
    with runtime.gate:
        if runtime.ending.is_set():
            return "not probed"
        try:
            outcome = run_cell(runtime.service, runtime.store, run_id, spec, runtime.plan.config,
                               runtime.plan.rules, runtime.plan.run_dir / "evidence")
        except Exception:
            if runtime.ending.is_set():
                return "not probed"
            raise
    for listener in list(progress_listeners):
        listener(spec, outcome)
    if outcome.status != "ok":
        get_run_logger().info("%s/%s/%s: %s after %d attempt(s): %s", spec.resource_id, spec.engine,
                                 spec.location.name, outcome.status, outcome.attempts, outcome.result.error)
    return outcome.status


def _pool_cells(plan: Plan) -> dict:
    grouped: dict = {}
    for spec in plan.pending:
        if spec.location.kind == "pool":
            grouped.setdefault(spec.location.name, []).append(spec)
    return grouped


def _dispatch_pools(plan: Plan, store: Store) -> None:
    """Every work-pool location at once (each waits on its own worker), while this machine's cells run."""
    groups = list(_pool_cells(plan).values())
    if not groups:
        return

    def on_cell(spec: CellSpec, outcome: CellOutcome) -> None:
        for listener in list(progress_listeners):
            listener(spec, outcome)

    with ThreadPoolExecutor(max_workers=len(groups), thread_name_prefix="pool-location") as pool:
        running = [pool.submit(dispatch_pool_location, plan.config, store, plan.run_id, specs[0].location, specs,
                               on_cell=on_cell) for specs in groups]
        for future in running:
            future.result()


@task(name="exam-mode-replay", cache_policy=NONE)
def replay_resources(plan: Plan, store: Store, service: ProbeService) -> int:
    """Each resource in each engine with only the run's allowlist reachable (``replay: off`` skips it)."""
    scope = store.run(plan.run_id)["scope"]
    records = replay_phase(service, store, plan.run_id, plan.config, select_locations(plan.config, scope["locations"]),
                           scope["browsers"], lambda: run_allowlist(plan.config, store, plan.run_id, scope["list"]).allows)
    return sum(r.checked for r in records)


@task(name="render-reports", cache_policy=NONE)
def render_reports(plan: Plan, store: Store, service: ProbeService) -> dict[str, str]:
    """The test template (HTML, PDF, CSV, XLSX, Markdown) and the ICT report of the run."""
    from nettsjekk.reports import render_all

    written = render_all(store, plan.run_id, plan.config, plan.run_dir / "reports", service=service)
    return {name: str(path) for name, path in written.items()}


def _check_logins(plan: Plan, store: Store, service: ProbeService, logger) -> set:  # noqa: ANN001
    """Check the saved login sessions first: cells of a rejected session become ``login_expired``
    without being probed; the user is told which ``nettsjekk login`` to run."""
    from nettsjekk.checkpoints.logins import check_sessions, mark_expired

    checks = check_sessions(plan.config, plan.catalog, plan.pending, service)
    plan.logins = [check.to_dict() for check in checks]
    for check in checks:
        (logger.info if check.state == "ok" else logger.warning)("login: %s", check.message())
    done = mark_expired(plan.run_id, store, plan.pending, checks)
    for spec, outcome in done:
        for listener in list(progress_listeners):
            listener(spec, outcome)
    return {spec.key for spec, _ in done}


@flow(name="verify-checkpoint")
def verify_checkpoint(config_path: str, checkpoint: str, list_name: str | None = None,
                      locations: list[str] | None = None, browsers: list[str] | None = None,
                      resume: str | None = None) -> dict:
    """Probe every cell of the checkpoint, then verdicts, drift, reports and artifacts."""
    config = load_config(Path(config_path))
    store = Store(config.database)
    plan = prepare_run(config, store, checkpoint, list_name, locations, browsers, resume)
    logger = get_run_logger()
    logger.info("run %s: %d cells, %d to do", plan.run_id, len(plan.cells), len(plan.pending))
    for listener in list(plan_listeners):
        listener(plan)
    service = ProbeService(plan.browser_settings)
    runtime = _Runtime(plan, store, service, threading.Semaphore(config.settings.concurrency), threading.Event())
    _RUNTIMES[plan.run_id] = runtime
    try:
        not_probed = _check_logins(plan, store, service, logger)
        here = [spec for spec in plan.pending if spec.location.kind != "pool" and spec.key not in not_probed]
        futures = [probe_cell.submit(plan.run_id, spec) for spec in here]
        _dispatch_pools(plan, store)
        wait(futures)
        for future in futures:
            future.result()
        replay_resources(plan, store, service)
        run_link_phase(plan, store, service)
        summary = finish_run(plan, store)
        summary.reports = render_reports(plan, store, service)
    except (TerminationSignal, RunStopped, KeyboardInterrupt):
        # SIGTERM (a service manager, or a worker cancelling this flow run) or Ctrl-C: the run is
        # recorded as stopped; ``--resume`` continues it.
        store.finish_run(plan.run_id, status="stopped")
        raise
    finally:
        runtime.ending.set()
        _RUNTIMES.pop(plan.run_id, None)
        service.close()
    publish_artifacts(summary)
    store.close()
    return summary.to_dict()
