"""The ``nettsjekk`` command line: the group, its error handling, and the command modules.

Every error nettsjekk raises on purpose is printed as one line (``error: …``) and ends the command
with the exit code its class carries (``nettsjekk.core.errors``: 2 bad input, 3 this machine cannot
do it); usage errors exit 2 (Click's convention). Heavy imports (Playwright, Prefect) happen inside
the commands so that ``nettsjekk validate`` and ``--help`` stay fast.
"""

from __future__ import annotations

import click

from nettsjekk.cli import checkpoint, demo, doctor, export, links, login, probe, replay, report, validate
from nettsjekk.core.errors import NettsjekkError

COMMAND_MODULES = (validate, probe, checkpoint, export, links, login, replay, report, demo, doctor)


class FriendlyGroup(click.Group):
    """A group that prints nettsjekk's own errors as one line, without a traceback."""

    def invoke(self, ctx: click.Context):  # type: ignore[override]
        try:
            return super().invoke(ctx)
        except NettsjekkError as exc:
            click.echo(f"error: {exc}", err=True)
            ctx.exit(exc.exit_code)


@click.group(cls=FriendlyGroup)
@click.version_option(package_name="nettsjekk")
def cli() -> None:
    """Verify exam web resources and export the allowlists that let them through."""


for _module in COMMAND_MODULES:
    _module.register(cli)


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="nettsjekk")


if __name__ == "__main__":
    main()
