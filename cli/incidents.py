"""``nettsjekk incident add`` and ``nettsjekk incidents``: the exam day's incident log (Hendelseslogg).

``incident add`` records what a school reports by phone or e-mail in the results store, beside the
downtime the watch logged; ``incidents`` writes the day's log as HTML (bokmål or English) or CSV.
"""

from __future__ import annotations

import click

from nettsjekk.cli.options import config_option


def _moment(text: str, timezone: str):
    """``HH:MM`` (today) or ``YYYY-MM-DD HH:MM`` / ISO 8601, local time unless it has an offset; UTC ISO."""
    import datetime as dt
    from zoneinfo import ZoneInfo

    from nettsjekk.core.errors import ConfigError

    zone = ZoneInfo(timezone)
    try:
        if len(text) <= 5 and ":" in text:
            moment = dt.datetime.combine(dt.datetime.now(zone).date(), dt.time.fromisoformat(text), zone)
        else:
            moment = dt.datetime.fromisoformat(text)
            moment = moment if moment.tzinfo else moment.replace(tzinfo=zone)
    except ValueError:
        raise ConfigError(f"--at {text!r}: write HH:MM (today) or YYYY-MM-DD HH:MM") from None
    return moment.astimezone(dt.timezone.utc).isoformat(timespec="seconds")


@click.group()
def incident() -> None:
    """Incidents schools report during the exam (kept in the results store)."""


@incident.command("add")
@config_option()
@click.option("--school", required=True, help="The school that reports it.")
@click.option("--resource", "resource_id", required=True, help="The resource id (as in the lists).")
@click.option("--at", "at", required=True, metavar="TIME", help="When it happened: HH:MM today, or YYYY-MM-DD HH:MM.")
@click.option("--text", required=True, help="What the school reported.")
def incident_add(config_path: str, school: str, resource_id: str, at: str, text: str) -> None:
    """Record an incident a school reported, in the day's incident log."""
    from pathlib import Path

    from nettsjekk.checkpoints.config import load_config
    from nettsjekk.checkpoints.store import Store, WatchLog
    from nettsjekk.core.errors import ConfigError
    from nettsjekk.lists.catalog import load_catalog

    config = load_config(Path(config_path))
    known = [r.id for r in load_catalog(config.list_paths, config.vendor_dir).resources]
    if resource_id not in known:
        raise ConfigError(f"--resource {resource_id!r}: no such resource in the configured lists")
    if not school.strip() or not text.strip():
        raise ConfigError("--school and --text must not be empty")
    when = _moment(at, config.settings.timezone)
    number = WatchLog(Store(config.database)).add_incident(school.strip(), resource_id, when, text.strip())
    click.echo(f"incident {number} recorded: {school} / {resource_id} at {when}")


@click.command()
@config_option()
@click.option("--day", metavar="YYYY-MM-DD", help="The exam day (default today).")
@click.option("--format", "fmt", type=click.Choice(("html", "csv")), default="html", show_default=True)
@click.option("--lang", type=click.Choice(("nb", "en")), default="nb", show_default=True)
@click.option("-o", "--output", help="Write here instead of standard output.")
def incidents(config_path: str, day: str | None, fmt: str, lang: str, output: str | None) -> None:
    """Write the incident log of an exam day: every downtime interval and every reported incident."""
    import datetime as dt
    from pathlib import Path
    from zoneinfo import ZoneInfo

    from nettsjekk.checkpoints.config import load_config
    from nettsjekk.checkpoints.store import Store
    from nettsjekk.cli.common import write_file
    from nettsjekk.core.errors import ConfigError
    from nettsjekk.reports.incident_log import log_rows, to_csv, to_html

    config = load_config(Path(config_path))
    try:
        date = dt.date.fromisoformat(day) if day else dt.datetime.now(ZoneInfo(config.settings.timezone)).date()
    except ValueError:
        raise ConfigError(f"--day {day!r}: write a date as YYYY-MM-DD") from None
    rows = log_rows(Store(config.database, create=False), date, config.settings.timezone)
    text = to_csv(rows) if fmt == "csv" else to_html(rows, date, lang)
    if output:
        write_file(output, text)
        click.echo(f"{len(rows)} entries written to {output}", err=True)
    else:
        click.echo(text, nl=False)


def register(cli: click.Group) -> None:
    cli.add_command(incident)
    cli.add_command(incidents)
