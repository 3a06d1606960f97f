"""Run a checkpoint from the command line: progress bar, then the verdicts a county reads first."""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import threading
from collections.abc import Iterator
from pathlib import Path

import click

from nettsjekk.checkpoints.config import Config, load_config
from nettsjekk.cli.text import format_table
from nettsjekk.core.errors import NettsjekkError, OrchestratorUnavailable, RunStopped

PREFECT_LOGGERS = ("prefect.flow_runs", "prefect.task_runs")
EPHEMERAL_STARTUP_TIMEOUT_S = "120"
"""Prefect gives its ephemeral server 20 s to start; a busy 2-core machine needs longer (measured: a
timeout under load, with a traceback)."""


class _NoTracebackForOwnErrors(logging.Filter):
    """Prefect logs a failed flow or task with its traceback; for nettsjekk's own errors (which the
    command prints as one line) the message is enough."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and isinstance(record.exc_info[1], NettsjekkError):
            record.exc_info, record.exc_text = None, None
        return True


def _quiet_prefect() -> None:
    """Prefect logs every task at INFO; the progress bar says more with less."""
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", EPHEMERAL_STARTUP_TIMEOUT_S)
    for name in PREFECT_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, _NoTracebackForOwnErrors) for f in logger.filters):
            logger.addFilter(_NoTracebackForOwnErrors())


def check_request(config: Config, list_name: str | None, locations: list[str] | None,
                  resume: str | None) -> None:
    """Refuse before Prefect starts what the flow would refuse: unknown locations or run, list,
    rule and review files that do not validate (one line each, exit 2, no traceback)."""
    from nettsjekk.checkpoints.plan import select_locations, select_resources
    from nettsjekk.checkpoints.reviews import load_reviews
    from nettsjekk.checkpoints.store import Store
    from nettsjekk.lists.catalog import load_catalog
    from nettsjekk.probes.rulebook import load_rules

    select_locations(config, locations)
    if resume:
        store = Store(config.database, create=False)
        try:
            store.run(resume)
        finally:
            store.close()
    select_resources(load_catalog(config.list_paths, config.vendor_dir), list_name)
    load_rules([config.path(p) for p in config.settings.rules])
    load_reviews(config.reviews_path)


def run_checkpoint(config_path: Path, checkpoint: str, list_name: str | None = None,
                   locations: list[str] | None = None, engines: list[str] | None = None,
                   resume: str | None = None, show_progress: bool = True) -> dict:
    """Validate, run the ``verify-checkpoint`` flow (ephemeral Prefect without a server), print."""
    _quiet_prefect()
    config = load_config(config_path)
    check_request(config, list_name, locations, resume)
    from nettsjekk.probes.run_folder import RunFolder

    RunFolder.current()  # before Prefect starts its ephemeral server, so that the server carries the run's mark
    from prefect.task_runners import ThreadPoolTaskRunner
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from nettsjekk.flows import checkpoint as flows
    from nettsjekk.flows.link_check import link_listeners

    progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                        disable=not show_progress, transient=False)
    bar = progress.add_task(f"{checkpoint}: starting", total=None)

    started: list[str] = []

    def on_plan(plan) -> None:  # noqa: ANN001 - checkpoints.plan.Plan
        started.append(plan.run_id)
        progress.update(bar, description=f"{checkpoint} run {plan.run_id}", total=len(plan.cells),
                        completed=len(plan.cells) - len(plan.pending))

    def on_cell(spec, outcome) -> None:  # noqa: ANN001
        progress.advance(bar)

    from prefect.exceptions import TerminationSignal

    def on_links(done: int, total: int) -> None:
        progress.update(bar, description=f"{checkpoint}: checking links", total=total, completed=done)

    flows.plan_listeners.append(on_plan)
    flows.progress_listeners.append(on_cell)
    link_listeners.append(on_links)
    runner = ThreadPoolTaskRunner(max_workers=config.settings.concurrency)
    try:
        with progress, _sigterm_stops_the_run():
            summary = flows.verify_checkpoint.with_options(task_runner=runner)(
                str(config_path), checkpoint, list_name, locations, engines, resume)
    except RuntimeError as exc:
        if "ephemeral Prefect API server" not in str(exc):
            raise
        raise OrchestratorUnavailable(
            f"the local Prefect server did not start within "
            f"{os.environ['PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS']} s (is the machine very busy?); "
            "run again, raise PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS, or point PREFECT_API_URL at a "
            "running 'prefect server start'") from None
    except (RunStopped, TerminationSignal, KeyboardInterrupt) as exc:
        raise _stopped(checkpoint, started, exc) from exc
    finally:
        flows.plan_listeners.remove(on_plan)
        flows.progress_listeners.remove(on_cell)
        link_listeners.remove(on_links)
    click.echo(format_summary(summary, resource_names(config)))
    return summary


def resource_names(config: Config) -> dict[str, str]:
    """Resource id -> name from the configured lists (empty when they no longer load)."""
    from nettsjekk.lists.catalog import load_catalog

    try:
        return {r.id: r.name for r in load_catalog(config.list_paths, config.vendor_dir).resources}
    except NettsjekkError:
        return {}


@contextlib.contextmanager
def _sigterm_stops_the_run() -> Iterator[None]:
    """SIGTERM ends the run like Ctrl-C: ``finally`` blocks close the browsers (Python's default for
    SIGTERM is to die on the spot). Prefect's own handler takes over while the flow runs."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, frame: object) -> None:
        raise RunStopped(f"stopped by {signal.Signals(signum).name}")

    before = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, before)


def _stopped(checkpoint: str, started: list[str], cause: BaseException) -> RunStopped:
    """What the user reads when the run was stopped (the flow recorded it as ``stopped``)."""
    why = "SIGTERM" if not isinstance(cause, KeyboardInterrupt) else "Ctrl-C"
    if not started:
        return RunStopped(f"stopped by {why} before the run started")
    return RunStopped(f"run {started[0]} was stopped by {why}; its browsers are closed. Continue it with "
                      f"'nettsjekk verify --checkpoint {checkpoint} --resume {started[0]}'")


def _rank(verdict: str) -> int:
    return VERDICT_ORDER.index(verdict) if verdict in VERDICT_ORDER else len(VERDICT_ORDER)


def count_verdicts(verdicts: dict[str, dict]) -> str:
    """``12 resources: 3 not OK, 9 OK``: resources by verdict, most serious first."""
    counts: dict[str, int] = {}
    for rid in verdicts:
        counts[verdicts[rid]["verdict"]] = counts.get(verdicts[rid]["verdict"], 0) + 1
    parts = [f"{counts[v]} {v}" for v in sorted(counts, key=_rank)]
    return f"{len(verdicts)} resource(s): {', '.join(parts) or 'none'}"


def format_links(links: dict[str, list[dict]]) -> str:
    """One line on the link phase: resources checked, broken links, and the resources not (fully)
    checked with the reason."""
    checked = sorted(rid for rid, checks in links.items() if any(c["checked"] for c in checks))
    broken = sum(len(c["broken"]) for checks in links.values() for c in checks)
    missing = [f"{rid} ({', '.join(sorted({c['reason'] for c in checks if not c['checked']}))})"
               for rid, checks in sorted(links.items()) if not all(c["checked"] for c in checks)]
    line = f"links: {len(checked)} resources checked, {broken} broken links"
    return line + (f"; not checked: {', '.join(missing)}" if missing else "")


VERDICT_ORDER = ("not OK", "not tested", "OK with conditions", "OK")
"""Most serious first: the verdict table and the closing count follow it."""


def format_summary(summary: dict, names: dict[str, str] | None = None) -> str:
    """The verdict table (resource names, most serious first, reasons cut at a word), the closing count
    of resources by verdict, drift, links and where the summary and reports are."""
    import textwrap

    names = names or {}
    verdicts = summary["verdicts"]
    order = sorted(verdicts, key=lambda rid: (_rank(verdicts[rid]["verdict"]), names.get(rid, rid).lower()))
    rows = [(names.get(rid, rid), rid, verdicts[rid]["verdict"],
             textwrap.shorten("; ".join(verdicts[rid]["reasons"]), 100, placeholder=" …")) for rid in order]
    cells = ", ".join(f"{n} {status}" for status, n in sorted(summary["cells"].items()))
    drift = summary["drift_previous"]
    changed = len(drift.get("resources", []))
    lines = [format_table(("resource", "id", "verdict", "reasons"), rows), "",
             f"run {summary['run_id']} ({summary['checkpoint']}): {count_verdicts(verdicts)} (cells: {cells})",
             f"drift since {drift['against'] or 'no earlier run'}: {changed} resource(s) changed",
             format_links(summary.get("links", {})),
             f"summary: {Path(summary['run_dir']) / 'summary.json'}"]
    if summary.get("reports"):
        lines.append(f"reports: {summary['reports'].get('ict', '')} (ICT), {summary['reports'].get('pdf', '')} (test template)")
    return "\n".join(lines)
