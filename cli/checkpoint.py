"""``nettsjekk verify``, ``runs``, ``baseline`` and ``schedule``: checkpoint runs and their results."""

from __future__ import annotations

import sys

import click

from nettsjekk.cli.options import LIST_CHOICES, checkpoint_option, config_option, engines_option
from nettsjekk.core.errors import EXIT_FAILED, EXIT_OK


@click.command()
@checkpoint_option()
@config_option()
@click.option("--list", "list_name", type=click.Choice(LIST_CHOICES), help="Only this list.")
@click.option("--location", "locations", multiple=True, help="Only this location (repeatable).")
@engines_option()
@click.option("--resume", metavar="RUN_ID", help="Continue an interrupted run without re-probing finished cells.")
def verify(checkpoint: str, config_path: str, list_name: str | None, locations: tuple[str, ...],
           engines: tuple[str, ...], resume: str | None) -> None:
    """Run a checkpoint now: every resource x browser x location; exit 1 when a resource is not OK or not tested.

    \b
    Example:
        nettsjekk verify --checkpoint test-exam --config nettsjekk.yaml
    """
    from pathlib import Path

    from nettsjekk.cli.run import run_checkpoint

    summary = run_checkpoint(Path(config_path), checkpoint, list_name, list(locations) or None,
                             list(engines) or None, resume)
    failing = [v["verdict"] for v in summary["verdicts"].values() if v["verdict"] in ("not OK", "not tested")]
    sys.exit(EXIT_FAILED if failing else EXIT_OK)


@click.command()
@config_option()
@click.option("--latest", is_flag=True, help="Print only the id of the latest run (for scripts: "
              "nettsjekk report $(nettsjekk runs --latest)).")
def runs(config_path: str, latest: bool) -> None:
    """List the runs in the results store: local start time, status and resources by verdict.

    \b
    Examples:
        nettsjekk runs
        nettsjekk runs --latest          # the newest run's id; 'nettsjekk report latest' takes it too
    """
    from pathlib import Path

    from nettsjekk.checkpoints.config import load_config
    from nettsjekk.checkpoints.store import Store
    from nettsjekk.cli.text import format_table

    config = load_config(Path(config_path))
    store = Store(config.database, create=False)
    listed = store.runs()
    if latest:
        if not listed:
            from nettsjekk.core.errors import ConfigError

            raise ConfigError(f"no runs in {config.database} yet (start one with 'nettsjekk verify')")
        click.echo(listed[-1]["id"])
        return
    baseline_id = store.baseline()
    rows = [(r["id"], r["checkpoint"], local_time(r["started_at"], config.settings.timezone), r["status"],
             verdict_counts(store.verdicts(r["id"])), store.cell_count(r["id"]),
             "baseline" if r["id"] == baseline_id else "") for r in listed]
    click.echo(format_table(("run", "checkpoint", f"started ({config.settings.timezone})", "status",
                             "resources by verdict", "cells", ""), rows))


def local_time(iso: str | None, timezone: str) -> str:
    """A stored UTC time as the reports show it: ``2027-03-02 08:30`` in ``timezone``."""
    import datetime as dt
    from zoneinfo import ZoneInfo

    if not iso:
        return ""
    moment = dt.datetime.fromisoformat(iso)
    moment = moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(ZoneInfo(timezone)).strftime("%Y-%m-%d %H:%M")


def verdict_counts(verdicts: dict[str, tuple[str, list[str]]]) -> str:
    """``3 not OK, 9 OK``: a run's resources by verdict, most serious first (``-`` before any verdict)."""
    from nettsjekk.cli.run import count_verdicts

    if not verdicts:
        return "-"
    return count_verdicts({rid: {"verdict": v} for rid, (v, _) in verdicts.items()}).split(": ", 1)[1]


@click.group()
def baseline() -> None:
    """The approved baseline that drift is measured against."""


@baseline.command("approve")
@click.argument("run_id")
@config_option()
@click.option("--by", "who", default="", help="Who approves it (kept in the store).")
def baseline_approve(run_id: str, config_path: str, who: str) -> None:
    """Approve RUN_ID as the baseline."""
    from pathlib import Path

    from nettsjekk.checkpoints.config import load_config
    from nettsjekk.checkpoints.store import Store

    Store(load_config(Path(config_path)).database, create=False).approve_baseline(run_id, who=who)
    click.echo(f"run {run_id} is now the approved baseline")


@click.command()
@config_option()
@click.option("--name", default="nettsjekk-checkpoints", show_default=True, help="Deployment name.")
@click.option("--pool", "work_pool", help="Register on a Prefect server for this work pool instead of serving here.")
@click.option("--location", "location_name", help="Register the verify-location deployment of this pool location.")
def schedule(config_path: str, name: str, work_pool: str | None, location_name: str | None) -> None:
    """Create one schedule per checkpoint date and serve them here (or register them for a pool).

    \b
    Single machine:   nettsjekk schedule            (keeps running; Ctrl-C stops)
    Server + worker:  prefect server start; nettsjekk schedule --pool exam-pool;
                      prefect worker start --pool exam-pool
    A pool location:  nettsjekk schedule --location bergen; at the site:
                      prefect worker start --pool bergen-pool
    """
    from pathlib import Path

    from prefect import serve

    from nettsjekk.checkpoints.config import load_config
    from nettsjekk.flows.schedule import build_deployment
    from nettsjekk.core.errors import ConfigError

    config = load_config(Path(config_path))
    if location_name:
        from nettsjekk.flows.schedule import build_location_deployment

        location = config.location(location_name)
        if location.kind != "pool":
            raise ConfigError(f"{config_path}: location {location_name!r} is kind {location.kind!r}, not 'pool'")
        deployment_id = build_location_deployment(location.name, location.work_pool).apply()
        click.echo(f"registered verify-location/{location.name} ({deployment_id}) on work pool {location.work_pool}")
        return
    if not config.settings.checkpoints:
        raise ConfigError(f"{config_path}: no checkpoints with dates to schedule (add 'checkpoints:')")
    deployment = build_deployment(config, Path(config_path), name, work_pool)
    if work_pool:
        deployment_id = deployment.apply(work_pool_name=work_pool)
        click.echo(f"registered deployment {name} ({deployment_id}) on work pool {work_pool}")
        return
    serve(deployment)


def register(cli: click.Group) -> None:
    for command in (verify, runs, baseline, schedule):
        cli.add_command(command)
