"""``nettsjekk doctor``: are browsers or temporary folders of finished runs still around?"""

from __future__ import annotations

import sys

import click

from nettsjekk.core.errors import EXIT_FAILED, EXIT_OK


@click.command()
@click.option("--clean", is_flag=True, help="Kill the leftover processes and delete the leftover folders.")
def doctor(clean: bool) -> None:
    """Say whether a browser, helper process or temporary folder of a run that has ended is still
    around; exit 0 when nothing is left (or --clean removed it all), 1 otherwise.

    Runs still going are not touched. Every run removes what earlier runs left, so leftovers only
    pile up between runs.

    \b
    Example:
        nettsjekk doctor
        nettsjekk doctor --clean
    """
    from nettsjekk.probes.run_folder import leftovers, remove_leftover

    found = leftovers()
    if not found:
        click.echo("clean: no browser or temporary folder of an ended run is left")
        sys.exit(EXIT_OK)
    for leftover in found:
        click.echo(leftover.describe())
        for process in leftover.processes:
            click.echo(f"  pid {process.pid}: {process.command[:150]}")
    if not clean:
        click.echo("remove them with: nettsjekk doctor --clean", err=True)
        sys.exit(EXIT_FAILED)
    stubborn = [leftover for leftover in found if not remove_leftover(leftover)]
    for leftover in stubborn:
        click.echo(f"could not remove everything of {leftover.folder} (processes of another user?)", err=True)
    click.echo(f"cleaned {len(found) - len(stubborn)} of {len(found)} leftover run(s)")
    sys.exit(EXIT_FAILED if stubborn else EXIT_OK)


def register(cli: click.Group) -> None:
    cli.add_command(doctor)
