"""``nettsjekk export`` and ``nettsjekk whitelist-doc``: allowlists and the vendor whitelist document.

``register(cli)`` adds both commands to the ``nettsjekk`` group. Problems are ``ConfigError``s,
which the group prints as one line with exit code 2.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from nettsjekk.flows.allowlist.compiler import CompileOptions
    from nettsjekk.flows.allowlist.header import ExportContext
    from nettsjekk.flows.allowlist.selection import Selection

# Kept here so that ``nettsjekk --help`` need not import the allowlist code (a test checks they match).
FORMATS = ("plain", "wildcard", "squid", "pac", "chrome", "seb", "csv")
LIST_CHOICES = ("national", "local", "all")


def _options(command, options: list):
    for option in reversed(options):
        command = option(command)
    return command


def selection_options(command):
    """What to load and which resources to cover (``export``, ``whitelist-doc`` and ``replay``)."""
    return _options(command, [
        click.option("--list", "list_name", type=click.Choice(LIST_CHOICES), default="all", show_default=True,
                     help="Resources of the national list, the local lists, or all."),
        click.option("--vendor", metavar="ID", help="Only the resources of this vendor."),
        click.option("--results", "results", multiple=True, type=click.Path(dir_okay=False), metavar="FILE.json",
                     help="Probe results ({\"results\": [{\"resource\": id, ...}]}); repeatable."),
        click.option("--lists", "list_paths", multiple=True, type=click.Path(), metavar="PATH",
                     help="List files or folders (default: the bundled lists except demo.yaml); repeatable."),
        click.option("--vendor-dir", type=click.Path(file_okay=False), metavar="DIR",
                     help="Vendor whitelist folder (default: the bundled vendor_whitelists/)."),
        click.option("--run", "run_id", metavar="RUN_ID",
                     help="Use the probe results of this checkpoint run (the store and lists of --config)."),
        click.option("--config", "config_path", type=click.Path(dir_okay=False), default="nettsjekk.yaml",
                     show_default=True, help="Configuration whose results store --run reads."),
    ])


def _source_options(command):
    """The options both document commands share: the selection, the header's checkpoint, the output."""
    return selection_options(_options(command, [
        click.option("--checkpoint", metavar="NAME", default="", help="Checkpoint name for the header, e.g. T-7."),
        click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write here instead of stdout."),
    ]))


def compile_options(command):
    """How the allowlist is compiled (``export`` and ``replay``)."""
    return _options(command, [
        click.option("--exceptions", "exceptions_file", type=click.Path(dir_okay=False), metavar="FILE",
                     help="YAML file of approved exceptions to the deny guard (host, reason, who, expires)."),
        click.option("--include-inferred", is_flag=True, help="Also export inferred vendor entries no probe saw."),
        click.option("--own-domain-wildcards", is_flag=True,
                     help="Allow *.<registered domain> of each resource's own host (never over shared infrastructure)."),
        click.option("--no-platform", is_flag=True,
                     help="Leave out the hosts of vendor_whitelists/_platform.yaml."),
    ])


def select_resources(list_paths: tuple[str, ...], vendor_dir: str | None, results: tuple[str, ...], list_name: str,
            vendor: str | None, run_id: str | None = None, config_path: str = "nettsjekk.yaml") -> Selection:
    from nettsjekk.flows.allowlist.selection import select

    extra: list = []
    if run_id:
        from nettsjekk.flows.allowlist.probe_results import from_pairs
        from nettsjekk.flows.config import load_config
        from nettsjekk.flows.store import Store

        config = load_config(Path(config_path))
        cells = Store(config.database).cells(Store(config.database).run(run_id)["id"])
        extra = from_pairs([(c.key.resource_id, c.result) for c in cells], f"run {run_id}")
        list_paths = list_paths or tuple(str(p) for p in config.list_paths)
        if vendor_dir is None and config.settings.vendor_dir:
            vendor_dir = str(config.path(config.settings.vendor_dir))
    return select(list_paths or None, vendor_dir, results, list_name, vendor, extra_results=extra)


def _context(selection: Selection, checkpoint: str, options: tuple[str, ...] = ()) -> ExportContext:
    from nettsjekk.flows.allowlist.deny import load_deny_catalog
    from nettsjekk.flows.allowlist.header import ExportContext, list_versions

    return ExportContext(date.today(), checkpoint, list_versions(selection.catalog), load_deny_catalog().version,
                         options)


def _write(text: str, output: str | None) -> None:
    if output:
        Path(output).write_text(text, encoding="utf-8")
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
    from nettsjekk.flows.allowlist.compiler import CompileOptions
    from nettsjekk.flows.allowlist.header import header_lines
    from nettsjekk.flows.allowlist.render import render_export, render_squid_snippet

    selection = select_resources(list_paths, vendor_dir, results, list_name, vendor, run_id, config_path)
    options = CompileOptions(include_inferred, own_domain_wildcards, not no_platform)
    context = _context(selection, checkpoint, _option_notes(options))
    allowlist, exceptions = compile_selection(selection, options, exceptions_file)
    _write(render_export(allowlist, fmt, context, allowed_proxy=pac_proxy, squid_acl_path=squid_acl_path), output)
    if fmt == "squid" and squid_conf:
        Path(squid_conf).write_text(render_squid_snippet(squid_acl_path, context), encoding="utf-8")
    if fmt == "chrome":  # JSON has no comments: the header goes to stderr
        for line in header_lines(allowlist, context, fmt):
            click.echo(f"# {line}", err=True)
    click.echo(f"{len(allowlist.entries)} entries ({fmt}) for {len(allowlist.resources)} resources; "
               f"{len(allowlist.left_out)} left out; {len(exceptions.active)} exceptions in force"
               + (f"; written to {output}" if output else ""), err=True)


def compile_selection(selection: Selection, options: CompileOptions, exceptions_file: str | None):
    """The compiled allowlist of ``selection`` and the exceptions in force (``export`` and ``replay``)."""
    from nettsjekk.flows.allowlist.compiler import compile_allowlist
    from nettsjekk.flows.allowlist.exceptions import load_exceptions

    exceptions = load_exceptions(exceptions_file, date.today())
    allowlist = compile_allowlist(selection.catalog, selection.resources, selection.inventory, options,
                                  exceptions=exceptions)
    return allowlist, exceptions


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
    from nettsjekk.flows.allowlist.doc import build_document, render_document

    selection = select_resources(list_paths, vendor_dir, results, list_name, vendor, run_id, config_path)
    sections = build_document(selection.catalog, list(selection.resources), selection.inventory)
    _write(render_document(sections, fmt, _context(selection, checkpoint)), output)


def register(cli: click.Group) -> None:
    """Add ``export`` and ``whitelist-doc`` to the ``nettsjekk`` command group."""
    cli.add_command(export_command)
    cli.add_command(whitelist_doc_command)
