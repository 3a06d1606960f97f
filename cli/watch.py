"""``nettsjekk watch``: the exam-day watch (see README: Exam-day watch).

Checks before the first round (configuration, lists, locations, ``--every``, ``--from``/``--to``): a
mistake is one line and exit 2. Ctrl-C and SIGTERM end the watch after closing its open intervals.
"""

from __future__ import annotations

import click

from nettsjekk.cli.options import LIST_CHOICES, config_option


@click.command()
@config_option()
@click.option("--from", "start", metavar="HH:MM", help="Start at this time today (default: today's exam_days entry, else now).")
@click.option("--to", "end", metavar="HH:MM", help="Stop at this time today (default: today's exam_days entry).")
@click.option("--every", default="2m", show_default=True, help="Time between rounds: 30s, 2m, 90 (seconds).")
@click.option("--rounds", type=click.IntRange(min=1), help="Stop after this many rounds (scripts, tests).")
@click.option("--status-page", type=click.Path(dir_okay=False), help="Rewrite this HTML status page every round.")
@click.option("--list", "list_name", type=click.Choice(LIST_CHOICES), help="Only this list.")
@click.option("--location", "locations", multiple=True, help="Only this location (repeatable).")
@click.option("--no-browser", is_flag=True, help="Never escalate to a real browser (cheap checks only).")
@click.option("--schedule", is_flag=True, help="Serve a Prefect deployment with one run per exam_days: entry instead.")
@click.option("--pool", "work_pool", help="With --schedule: register the deployment for this work pool.")
def watch(config_path: str, start: str | None, end: str | None, every: str, rounds: int | None,
          status_page: str | None, list_name: str | None, locations: tuple[str, ...], no_browser: bool,
          schedule: bool, work_pool: str | None) -> None:
    """Re-check every resource from every location during the exam; alert on each change of state.

    \b
    Example (exam day, alerts as configured under alerts:):
        nettsjekk watch --config nettsjekk.yaml --from 09:00 --to 15:00 --status-page /share/status.html
    Scheduled for every exam_days: entry (keeps running; Ctrl-C stops):
        nettsjekk watch --config nettsjekk.yaml --schedule --status-page /share/status.html
    """
    from pathlib import Path

    from nettsjekk.cli.common import writing_to
    from nettsjekk.watch.runner import run_watch

    if schedule:
        serve_schedule(Path(config_path), every, status_page, work_pool)
        return
    if status_page:
        with writing_to(status_page):
            Path(status_page).parent.resolve(strict=True)
    run_watch(Path(config_path), start, end, every, rounds, Path(status_page) if status_page else None, list_name,
              list(locations) or None, not no_browser, click.echo)


def serve_schedule(config_path, every: str, status_page: str | None, work_pool: str | None) -> None:
    """``--schedule``: the ``exam-watch`` deployment, served here or registered for ``work_pool``."""
    from pathlib import Path

    from nettsjekk.checkpoints.config import load_config
    from nettsjekk.core.errors import ConfigError
    from nettsjekk.watch.configure import parse_every

    config = load_config(config_path)
    parse_every(every)
    if not config.settings.exam_days:
        raise ConfigError(f"{config_path}: no exam_days: to schedule the watch for (see README: Exam-day watch)")
    from prefect import serve

    from nettsjekk.flows.watch import build_watch_deployment

    page = str(Path(status_page).resolve()) if status_page else None
    deployment = build_watch_deployment(config, config_path, "nettsjekk-exam-watch", work_pool, every, page)
    if work_pool:
        click.echo(f"registered deployment nettsjekk-exam-watch ({deployment.apply(work_pool_name=work_pool)}) "
                   f"on work pool {work_pool}")
        return
    serve(deployment)


def register(cli: click.Group) -> None:
    cli.add_command(watch)
