"""``nettsjekk export`` and ``nettsjekk whitelist-doc``: allowlists and the vendor whitelist document.

``register(cli)`` adds both commands to the ``nettsjekk`` group. Problems are ``ConfigError``s,
which the group prints as one line with exit code 2.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import click

from nettsjekk.allowlists.selection import compile_selection
from nettsjekk.cli.common import select_resources, write_file
from nettsjekk.cli.options import compile_options, selection_options, stack

if TYPE_CHECKING:
    from nettsjekk.allowlists.compiler import CompileOptions
    from nettsjekk.allowlists.header import ExportContext
    from nettsjekk.allowlists.selection import Selection

# Kept here so that ``nettsjekk --help`` need not import the allowlist code (a test checks they match).
FORMATS = ("plain", "wildcard", "squid", "pac", "chrome", "seb", "csv")


def _source_options(command):
    """The options both document commands share: the selection, the header's checkpoint, the output."""
    return selection_options(stack(
        click.option("--checkpoint", metavar="NAME", default="", help="Checkpoint name for the header, e.g. T-7."),
        click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write here instead of stdout."),
    )(command))


def _context(selection: Selection, checkpoint: str, options: tuple[str, ...] = ()) -> ExportContext:
    from nettsjekk.core.deny import load_deny_catalog
    from nettsjekk.allowlists.header import ExportContext, list_versions

    return ExportContext(date.today(), checkpoint, list_versions(selection.catalog), load_deny_catalog().version,
                         options)


def _write(text: str, output: str | None) -> None:
    if output:
        write_file(output, text)
    else:
        click.echo(text, nl=False)


@click.command("export")
@click.option("--format", "fmt", type=click.Choice(FORMATS), required=True, help="Target of the allowlist.")
@_source_options
@compile_options
@click.option("--pac-proxy", default="DIRECT", show_default=True, metavar="RESULT",
              help="PAC result for allowed hosts, e.g. 'PROXY proxy.skole.no:3128'.")
@click.option("--squid-acl-path", default="/etc/squid/nettsjekk-allowlist.txt", show_default=True, metavar="PATH",
              help="Where the dstdomain file will live on the proxy (used in the http_access lines).")
@click.option("--squid-conf", type=click.Path(dir_okay=False), metavar="FILE",
              help="With --format squid: also write the squid.conf lines (acl + http_access) here.")
def export_command(fmt: str, list_name: str, vendor: str | None, results: tuple[str, ...],
                   list_paths: tuple[str, ...], vendor_dir: str | None, run_id: str | None, config_path: str,
                   checkpoint: str, output: str | None,
                   exceptions_file: str | None, include_inferred: bool, own_domain_wildcards: bool,
                   no_platform: bool, pac_proxy: str, squid_acl_path: str, squid_conf: str | None) -> None:
    """Export the least-privilege allowlist of the selected resources.

    \b
    Examples:
        nettsjekk export --format squid --run 20270302-073000-ab12cd -o /etc/squid/exam.txt
        nettsjekk export --format squid --results run.json -o /etc/squid/exam.txt
        nettsjekk export --format chrome --list national --checkpoint T-7
        nettsjekk export --format seb --vendor unibok --exceptions exceptions.yaml
    """
    from nettsjekk.allowlists.compiler import CompileOptions
    from nettsjekk.allowlists.header import header_lines
    from nettsjekk.allowlists.exports import render_export, render_squid_snippet

    selection = select_resources(list_paths, vendor_dir, results, list_name, vendor, run_id, config_path)
    options = CompileOptions(include_inferred, own_domain_wildcards, not no_platform)
    context = _context(selection, checkpoint, _option_notes(options))
    allowlist, exceptions = compile_selection(selection, options, exceptions_file)
    _write(render_export(allowlist, fmt, context, allowed_proxy=pac_proxy, squid_acl_path=squid_acl_path), output)
    if fmt == "squid" and squid_conf:
        write_file(squid_conf, render_squid_snippet(squid_acl_path, context))
    if fmt == "chrome":  # JSON has no comments: the header goes to stderr
        for line in header_lines(allowlist, context, fmt):
            click.echo(f"# {line}", err=True)
    click.echo(f"{len(allowlist.entries)} entries ({fmt}) for {len(allowlist.resources)} resources; "
               f"{len(allowlist.left_out)} left out; {len(exceptions.active)} exceptions in force"
               + (f"; written to {output}" if output else ""), err=True)


def _option_notes(options: CompileOptions) -> tuple[str, ...]:
    notes = []
    if options.include_inferred:
        notes.append("inferred vendor entries exported without a probe sighting (--include-inferred)")
    if options.own_domain_wildcards:
        notes.append("each resource's own registered domain exported as a wildcard (--own-domain-wildcards)")
    if not options.include_platform:
        notes.append("platform hosts (_platform.yaml) left out (--no-platform)")
    return tuple(notes)


@click.command("whitelist-doc")
@click.option("--format", "fmt", type=click.Choice(["md", "html"]), default="md", show_default=True)
@_source_options
def whitelist_doc_command(fmt: str, list_name: str, vendor: str | None, results: tuple[str, ...],
                          list_paths: tuple[str, ...], vendor_dir: str | None, run_id: str | None,
                          config_path: str, checkpoint: str, output: str | None) -> None:
    """Write the vendor whitelist document: per vendor, its resources and the hosts they need.

    Each host is marked required and declared, seen but not declared, or declared but never seen.

    \b
    Example:
        nettsjekk whitelist-doc --results run.json --format html -o hvitelisting.html
    """
    from nettsjekk.allowlists.doc import build_document, render_document

    selection = select_resources(list_paths, vendor_dir, results, list_name, vendor, run_id, config_path)
    sections = build_document(selection.catalog, list(selection.resources), selection.inventory)
    _write(render_document(sections, fmt, _context(selection, checkpoint)), output)


def register(cli: click.Group) -> None:
    """Add ``export`` and ``whitelist-doc`` to the ``nettsjekk`` command group."""
    cli.add_command(export_command)
    cli.add_command(whitelist_doc_command)
