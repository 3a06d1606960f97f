"""The ``nettsjekk`` command line: the group, its error handling, and the command modules.

Every error nettsjekk raises on purpose is printed as one line (``error: …``) and ends the command
with the exit code its class carries (``nettsjekk.core.errors``: 2 bad input, 3 this machine cannot
do it); usage errors (an unknown option, a value Click refuses) are one line too and exit 2 (Click's
convention). Heavy imports (Playwright, Prefect) happen inside
the commands so that ``nettsjekk validate`` and ``--help`` stay fast.
"""

from __future__ import annotations

import sys

import click

from nettsjekk.cli import (checkpoint, demo, doctor, export, incidents, intake, links, login, observe, probe, replay,
                           report, validate, watch)
from nettsjekk.core.errors import NettsjekkError

COMMAND_MODULES = (validate, probe, checkpoint, export, links, login, replay, report, observe, intake, demo, doctor,
                   watch, incidents)


class FriendlyGroup(click.Group):
    """A group that prints nettsjekk's own errors and Click's usage errors as one line, without a traceback."""

    def main(self, *args, **kwargs):  # type: ignore[override]
        kwargs["standalone_mode"] = False
        try:
            code = super().main(*args, **kwargs)
        except click.ClickException as exc:
            click.echo(f"error: {one_line(exc)}", err=True)
            sys.exit(exc.exit_code)
        except click.Abort:
            click.echo("error: aborted", err=True)
            sys.exit(1)
        sys.exit(code if isinstance(code, int) else 0)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command list with each command's whole first sentence, never cut with "…"."""
        commands = [(name, self.get_command(ctx, name)) for name in self.list_commands(ctx)]
        rows = [(name, command.get_short_help_str(limit=1000)) for name, command in commands
                if command is not None and not command.hidden]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)

    def invoke(self, ctx: click.Context):  # type: ignore[override]
        try:
            return super().invoke(ctx)
        except NettsjekkError as exc:
            click.echo(f"error: {exc}", err=True)
            ctx.exit(exc.exit_code)


def one_line(exc: click.ClickException) -> str:
    """Click's message in one line, with where to read more for a usage error."""
    message = " ".join(exc.format_message().split())
    command = getattr(exc, "ctx", None)
    return f"{message} (see {command.command_path} --help)" if command is not None else message


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
