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
def watch(config_path: str, start: str | None, end: str | None, every: str, rounds: int | None,
          status_page: str | None, list_name: str | None, locations: tuple[str, ...], no_browser: bool) -> None:
    """Re-check every resource from every location during the exam; alert on each change of state.

    \b
    Example (exam day, alerts as configured under alerts:):
        nettsjekk watch --config nettsjekk.yaml --from 09:00 --to 15:00 --status-page /share/status.html
    """
    from pathlib import Path

    from nettsjekk.cli.common import writing_to
    from nettsjekk.watch.runner import run_watch

    if status_page:
        with writing_to(status_page):
            Path(status_page).parent.resolve(strict=True)
    run_watch(Path(config_path), start, end, every, rounds, Path(status_page) if status_page else None, list_name,
              list(locations) or None, not no_browser, click.echo)


def register(cli: click.Group) -> None:
    cli.add_command(watch)
