"""Run a checkpoint from the command line: progress bar, then the verdicts a county reads first."""

from __future__ import annotations

import contextlib
import os
import signal
import threading
from collections.abc import Iterator
from pathlib import Path

import click

from nettsjekk.checkpoints.config import load_config
from nettsjekk.cli.text import format_table
from nettsjekk.core.errors import OrchestratorUnavailable, RunStopped


EPHEMERAL_STARTUP_TIMEOUT_S = "120"
"""Prefect gives its ephemeral server 20 s to start; a busy 2-core machine needs longer (measured: a
timeout under load, with a traceback)."""


def _quiet_prefect() -> None:
    """Prefect logs every task at INFO; the progress bar says more with less."""
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", EPHEMERAL_STARTUP_TIMEOUT_S)


def run_checkpoint(config_path: Path, checkpoint: str, list_name: str | None = None,
                   locations: list[str] | None = None, engines: list[str] | None = None,
                   resume: str | None = None, show_progress: bool = True) -> dict:
    """Validate, run the ``verify-checkpoint`` flow (ephemeral Prefect without a server), print."""
    _quiet_prefect()
    config = load_config(config_path)
    check_request(config, locations, resume)
    from nettsjekk.probes.run_folder import RunFolder

    RunFolder.current()  # before Prefect starts its ephemeral server, so that the server carries the run's mark
    from prefect.task_runners import ThreadPoolTaskRunner
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from nettsjekk.flows import checkpoint as flows

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

    flows.plan_listeners.append(on_plan)
    flows.progress_listeners.append(on_cell)
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
    click.echo(format_summary(summary))
    return summary


def check_request(config, locations: list[str] | None, resume: str | None) -> None:  # noqa: ANN001 - Config
    """Refuse an unknown location or run before Prefect starts, so the error is one line."""
    from nettsjekk.checkpoints.plan import select_locations
    from nettsjekk.checkpoints.store import Store

    select_locations(config, locations)
    if resume:
        store = Store(config.database, create=False)
        try:
            store.run(resume)
        finally:
            store.close()
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


def format_summary(summary: dict) -> str:
    rows = [(rid, v["verdict"], "; ".join(v["reasons"])[:110]) for rid, v in sorted(summary["verdicts"].items())]
    cells = ", ".join(f"{n} {status}" for status, n in sorted(summary["cells"].items()))
    drift = summary["drift_previous"]
    changed = len(drift.get("resources", []))
    lines = [format_table(("resource", "verdict", "reasons"), rows), "",
             f"run {summary['run_id']} ({summary['checkpoint']}): cells {cells}",
             f"drift since {drift['against'] or 'no earlier run'}: {changed} resource(s) changed",
             f"summary: {Path(summary['run_dir']) / 'summary.json'}"]
    if summary.get("reports"):
        lines.append(f"reports: {summary['reports'].get('ict', '')} (ICT), {summary['reports'].get('pdf', '')} (test template)")
    return "\n".join(lines)
