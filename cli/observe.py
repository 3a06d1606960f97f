"""``nettsjekk observe``: read the exam network's proxy log; leaks of the allowlist first, then the
attempts per machine. Exit 1 when a forbidden host was let through, 0 otherwise, 2 on bad input."""

from __future__ import annotations

import datetime as dt
import signal
from pathlib import Path
from typing import TYPE_CHECKING

import click

from nettsjekk.allowlists.selection import compile_selection
from nettsjekk.cli.common import select_resources
from nettsjekk.cli.options import config_option, stack

if TYPE_CHECKING:
    from nettsjekk.checkpoints.config import Config, ObserveSettings
    from nettsjekk.observe.classify import AllowlistInForce

# Kept here so that ``nettsjekk --help`` need not import the observe package (a test checks they match).
FORMATS = ("squid", "combined", "auto")
FORMATS_OUT = ("text", "json", "html", "csv")
LANGUAGES = ("nb", "en")


def register(cli: click.Group) -> None:
    cli.add_command(observe)


@click.command("observe")
@click.argument("logs", nargs=-1, type=click.Path(dir_okay=False))  # rotated files oldest first
@stack(
    click.option("--format", "fmt", type=click.Choice(FORMATS), default="auto", show_default=True,
                 help="Log format: Squid's native access.log, Apache combined, or guessed per file."),
    click.option("--allowlist", "allowlist_file", type=click.Path(dir_okay=False), metavar="FILE",
                 help="The allowlist in force (plain, wildcard or Squid dstdomain file)."),
    click.option("--run", "run_id", metavar="RUN_ID",
                 help="The allowlist in force is the one 'nettsjekk export --run RUN_ID' compiles."),
    config_option("Configuration: the observe: settings, the results store, and what --run reads."),
    click.option("--clients", "clients_file", type=click.Path(dir_okay=False), metavar="CSV",
                 help="clients.csv: client address or host name, label (machine, room, seat)."),
    click.option("--since", metavar="TIME", help="Only requests from this time (ISO 8601, e.g. 2027-05-20T09:00)."),
    click.option("--until", metavar="TIME", help="Only requests before this time (ISO 8601)."),
    click.option("--format-out", "fmt_out", type=click.Choice(FORMATS_OUT), default="text", show_default=True,
                 help="Report format; json is the documented contract (README: Exam day)."),
    click.option("--lang", type=click.Choice(LANGUAGES), default="nb", show_default=True,
                 help="Language of the HTML and CSV reports."),
    click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write the report here instead of stdout."),
    click.option("--store", "store_path", type=click.Path(dir_okay=False), metavar="DB",
                 help="Observations database (default: observe.store of the configuration, else "
                      "observations.db next to its results store)."),
    click.option("--no-store", is_flag=True, help="Do not keep the observations (nor purge old ones)."),
    click.option("--purge", is_flag=True, help="Only delete observations older than the retention period."),
    click.option("--follow", is_flag=True, help="Keep reading the (one) log as it grows; print each leak at once."),
)
def observe(logs: tuple[str, ...], fmt: str, allowlist_file: str | None, run_id: str | None, config_path: str,
            clients_file: str | None, since: str | None, until: str | None, fmt_out: str, lang: str,
            output: str | None, store_path: str | None, no_store: bool, purge: bool, follow: bool) -> None:
    """Read the proxy's access log: leaks of the allowlist first, then attempts per machine.

    \b
    Examples:
        nettsjekk observe /var/log/squid/access.log --allowlist /etc/squid/nettsjekk-allowlist.txt
        nettsjekk observe access.log.1.gz access.log --clients clients.csv --format-out html -o dag1.html
        nettsjekk observe /var/log/squid/access.log --allowlist exam.txt --follow
        nettsjekk observe --purge
    """
    from nettsjekk.core.errors import ConfigError

    config = _config(config_path)
    settings = _observe_settings(config)
    store_file = Path(store_path) if store_path else _default_store(config)
    if purge:
        _purge_only(store_file, settings)
        return
    if not logs:
        raise ConfigError("no log given: name the proxy's access.log (e.g. /var/log/squid/access.log)")
    if allowlist_file and run_id:
        raise ConfigError("--allowlist and --run name two allowlists; give one")
    if follow and len(logs) != 1:
        raise ConfigError("--follow reads one live log; give only that one")
    zone = config.settings.timezone if config else "Europe/Oslo"
    window = (_moment(since, "--since", zone), _moment(until, "--until", zone))
    allowlist = _allowlist(allowlist_file, run_id, config_path)
    labels = _labels(clients_file or (str(config.path(settings.clients)) if config and settings.clients else None))
    data, observations = _observe([Path(p) for p in logs], fmt, allowlist, settings, labels, window, follow)
    _show_malformed(observations.stats)
    if not no_store and store_file is not None:
        _keep(store_file, settings, observations, zone)
    _write(data, fmt_out, lang, zone, allowlist is not None, output)
    if data["leaks"]:
        click.get_current_context().exit(1)


def _config(config_path: str) -> Config | None:
    """The configuration; a missing default nettsjekk.yaml means the defaults (observe needs no lists)."""
    from nettsjekk.checkpoints.config import load_config

    if not Path(config_path).is_file() and config_path == "nettsjekk.yaml":
        return None
    return load_config(Path(config_path))


def _observe_settings(config: Config | None) -> ObserveSettings:
    from nettsjekk.checkpoints.config import ObserveSettings

    return config.settings.observe if config else ObserveSettings()


def _default_store(config: Config | None) -> Path | None:
    if config is not None:
        return config.observations_store
    from nettsjekk.probes.sessions import state_dir

    return state_dir() / "observations.db"


def _moment(text: str | None, option: str, zone: str) -> float | None:
    from zoneinfo import ZoneInfo

    from nettsjekk.core.errors import ConfigError

    if text is None:
        return None
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        raise ConfigError(f"{option} {text!r}: not a time (write e.g. 2027-05-20T09:00 or 2027-05-20)") from None
    return (moment if moment.tzinfo else moment.replace(tzinfo=ZoneInfo(zone))).timestamp()


def _allowlist(allowlist_file: str | None, run_id: str | None, config_path: str) -> AllowlistInForce | None:
    if allowlist_file:
        from nettsjekk.allowlists.readback import read_allowlist

        return read_allowlist(allowlist_file)
    if run_id:
        from nettsjekk.allowlists.compiler import CompileOptions

        selection = select_resources((), None, (), "all", None, run_id, config_path)
        allowlist, _ = compile_selection(selection, CompileOptions(), None)
        return allowlist
    return None


def _labels(clients_file: str | None) -> dict[str, str]:
    from nettsjekk.observe.clients import read_clients

    return read_clients(clients_file) if clients_file else {}


def _observe(paths: list[Path], fmt: str, allowlist: AllowlistInForce | None, settings: ObserveSettings,
             labels: dict[str, str], window: tuple[float | None, float | None], follow: bool):  # noqa: ANN202
    from nettsjekk.observe.classify import Classifier, default_ignore_hosts
    from nettsjekk.observe.logs import LogStats, read_requests
    from nettsjekk.observe.observations import Observer
    from nettsjekk.observe.report import report

    from nettsjekk.core.errors import ConfigError

    missing = [str(path) for path in paths if not path.is_file()]
    if missing:
        raise ConfigError(f"{', '.join(missing)}: no such log file")
    ignore = (default_ignore_hosts() if settings.ignore_default_hosts else []) + list(settings.ignore_hosts)
    classify = Classifier(allowlist, tuple(settings.categories), ignore)
    stats = LogStats()
    observer = Observer(classify, settings.burst_window_s, stats, *window,
                        on_new_leak=_announce(labels) if follow else None)
    if follow:
        observer.feed(_followed(paths[0], fmt, stats))
    else:
        observer.feed(read_requests(paths, fmt, stats))
    return report(observer.observations, labels), observer.observations


def _announce(labels: dict[str, str]):  # noqa: ANN202
    from nettsjekk.observe.report import iso_utc

    def announce(leak, request) -> None:  # noqa: ANN001
        client = labels.get(request.client.lower(), request.client)
        click.echo(f"LEAK {iso_utc(request.time)} {leak.host} ({leak.category}) reached by {client}; "
                   f"let through by {leak.allowed_by or 'a rule outside the allowlist'}", err=True)

    return announce


def _followed(path: Path, fmt: str, stats):  # noqa: ANN001, ANN202
    from nettsjekk.observe.follow import follow_requests

    stopping: list[bool] = []
    previous = signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
    try:
        yield from follow_requests(path, fmt, stats, lambda: bool(stopping))
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)


def _show_malformed(stats) -> None:  # noqa: ANN001
    if not stats.malformed:
        return
    click.echo(f"{stats.malformed} malformed line(s) skipped; the first {len(stats.examples)}:", err=True)
    for example in stats.examples:
        click.echo(f"  {example.path}:{example.line}: {example.text[:120]}", err=True)


def _keep(store_file: Path, settings: ObserveSettings, observations, zone: str) -> None:  # noqa: ANN001
    from nettsjekk.observe.report import store_rows
    from nettsjekk.observe.store import ObservationStore

    store = ObservationStore(store_file, settings.pseudonymous_clients)
    try:
        store.save(store_rows(observations, zone))
        gone = store.purge(settings.retention_days)
    finally:
        store.close()
    if gone:
        click.echo(f"{gone} observation(s) older than {settings.retention_days} days deleted from {store_file}",
                   err=True)


def _purge_only(store_file: Path | None, settings: ObserveSettings) -> None:
    from nettsjekk.observe.store import ObservationStore

    store = ObservationStore(store_file, settings.pseudonymous_clients)
    try:
        gone = store.purge(settings.retention_days)
    finally:
        store.close()
    click.echo(f"{gone} observation(s) older than {settings.retention_days} days deleted from {store_file}")


def _write(data: dict, fmt_out: str, lang: str, zone: str, have_allowlist: bool, output: str | None) -> None:
    from nettsjekk.observe.render import render

    text = render(data, fmt_out, lang, zone, have_allowlist)
    if output:
        Path(output).write_text(text, encoding="utf-8")
        click.echo(f"{len(data['leaks'])} leak(s), {len(data['attempts'])} attempt row(s); written to {output}",
                   err=True)
    else:
        click.echo(text, nl=False)
