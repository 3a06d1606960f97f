"""``nettsjekk validate``: check list and vendor whitelist files."""

from __future__ import annotations

import sys

import click

from nettsjekk.core.errors import EXIT_FAILED, EXIT_OK


@click.command()
@click.argument("paths", nargs=-1, type=click.Path())
def validate(paths: tuple[str, ...]) -> None:
    """Check list and vendor whitelist files; exit 0 when all are valid, 1 otherwise.

    Without PATHS, checks the bundled lists/ and vendor_whitelists/ folders.

    \b
    Example:
        nettsjekk validate
        nettsjekk validate lists/national.yaml lists/local/agder.yaml
    """
    from nettsjekk.lists.catalog import validate_paths

    problems, summary = validate_paths([*paths])
    for line in problems:
        click.echo(line)
    click.echo(summary, err=True)
    sys.exit(EXIT_FAILED if problems else EXIT_OK)


def register(cli: click.Group) -> None:
    cli.add_command(validate)
