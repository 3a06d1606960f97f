"""``nettsjekk login``: save, list and forget the login sessions of licensed resources.

``register(cli)`` adds the command to the ``nettsjekk`` group. A person logs in with the county's
test account in a headed browser (``nettsjekk login RESOURCE_ID``), or the vendor's login recipe
does it headless with credentials from the environment (``--scripted``). Sessions are kept in the
state folder (``state_dir:`` of ``nettsjekk.yaml``, default ``~/.local/state/nettsjekk``), never in
the repository; nothing here prints a cookie or a password.
"""

from __future__ import annotations

from pathlib import Path

import click

from nettsjekk.cli.options import Seconds, config_option, engines_option


def register(cli: click.Group) -> None:
    """Add ``login`` to the ``nettsjekk`` command group."""
    cli.add_command(login)


@click.command("login")
@click.argument("resource_id", required=False)
@engines_option("Engine to log in with (repeatable; default chromium). Sessions are saved per engine.")
@config_option("Configuration: lists, state_dir and the location (proxy) to log in through. Without the "
               "file: the bundled lists and the default state folder.")
@click.option("--location", metavar="NAME", help="Log in through this location's proxy (default: the first one).")
@click.option("--scripted", is_flag=True, help="Use the vendor's login_recipe (headless; credentials from the "
                                               "environment or a Prefect Secret block).")
@click.option("--timeout", "timeout_s", type=Seconds(min=5), default=600.0, show_default=True,
              help="Seconds to wait for the login.")
@click.option("--forget", is_flag=True, help="Delete the saved session(s) of RESOURCE_ID (all engines unless --browser).")
@click.option("--list", "list_sessions", is_flag=True, help="List saved sessions (when, how; never their contents).")
@click.pass_context
def login(ctx: click.Context, resource_id: str | None, engines: tuple[str, ...], config_path: str,
          location: str | None, scripted: bool, timeout_s: float, forget: bool, list_sessions: bool) -> None:
    """Log in to a licensed resource once and save the session its probes reuse.

    \b
    Examples:
        nettsjekk login ordnett --browser chromium --browser firefox   # a person logs in (needs a display)
        nettsjekk login ordnett --scripted                             # the vendor's login_recipe
        nettsjekk login --list
        nettsjekk login --forget ordnett
    """
    from nettsjekk.checkpoints.logins import LoginSetup, login_manual, login_scripted

    explicit = ctx.get_parameter_source("config_path") is not click.core.ParameterSource.DEFAULT
    setup = LoginSetup.from_config_path(Path(config_path), location, required=explicit)
    if list_sessions:
        _list(setup)
        return
    if not resource_id:
        raise click.UsageError("RESOURCE_ID is required (or --list)")
    setup.resource(resource_id)  # an unknown id fails here, naming the known ones
    if forget:
        removed = []
        for engine in engines or (None,):
            removed += setup.sessions.forget(resource_id, engine)
        click.echo(f"deleted {len(removed)} session file(s) of {resource_id}" if removed
                   else f"no saved session of {resource_id}{' in ' + ', '.join(engines) if engines else ''}")
        return
    for engine in engines or ("chromium",):
        if scripted:
            click.echo(f"{resource_id} ({engine}): logging in with the vendor's login recipe ...", err=True)
            session = login_scripted(setup, resource_id, engine, timeout_s=min(timeout_s, 120))
        else:
            click.echo(f"{resource_id} ({engine}): log in with the county's test account in the browser window; "
                       "nettsjekk notices when you are in (or press Enter here when done).", err=True)
            session = login_manual(setup, resource_id, engine, timeout_s=timeout_s)
        click.echo(f"{resource_id} ({engine}): session saved {session.saved_at_text} in {session.path} "
                   f"({len(session.storage_state.get('cookies', []))} cookies, mode 0600)")


def _list(setup) -> None:  # noqa: ANN001 - LoginSetup
    from nettsjekk.cli.text import format_table

    rows = [(s.resource_id, s.engine, s.saved_at_text, s.method, str(len(s.storage_state.get("cookies", []))))
            for s in setup.sessions.sessions()]
    if not rows:
        click.echo(f"no saved sessions in {setup.sessions.folder}")
        return
    click.echo(format_table(("resource", "engine", "saved", "how", "cookies"), rows))
    click.echo(f"in {setup.sessions.folder}", err=True)

