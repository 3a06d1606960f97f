"""``nettsjekk validate``: check list and vendor whitelist files."""

from __future__ import annotations

import sys

import click

from nettsjekk.core.errors import EXIT_FAILED, EXIT_OK


@click.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--strict", is_flag=True, help="Exit 1 on warnings too (a denied or look-alike host).")
def validate(paths: tuple[str, ...], strict: bool) -> None:
    """Check list and vendor whitelist files; exit 0 when all are valid, 1 otherwise.

    Without PATHS, checks the bundled lists/ and vendor_whitelists/ folders. Warnings (a vendor file
    naming a denied host, a host that may pass for another) are printed too; with --strict they fail.

    \b
    Example:
        nettsjekk validate
        nettsjekk validate lists/national.yaml lists/local/agder.yaml
    """
    from nettsjekk.lists.catalog import validate_files

    problems, warnings, summary = validate_files([*paths])
    for line in problems + warnings:
        click.echo(line)
    click.echo(summary, err=True)
    sys.exit(EXIT_FAILED if problems or (strict and warnings) else EXIT_OK)


def register(cli: click.Group) -> None:
    cli.add_command(validate)
