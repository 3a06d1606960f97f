"""``nettsjekk probe``: load one URL in a real browser and show what it found."""

from __future__ import annotations

import sys

import click

from nettsjekk.cli.options import Seconds, engine_option, proxy_option, trust_ca_option
from nettsjekk.core.errors import EXIT_FAILED, EXIT_OK


@click.command()
@click.argument("url")
@engine_option()
@proxy_option("Forward proxy for this location, e.g. http://127.0.0.1:3128.")
@click.option("--location", metavar="NAME", help="Name of the location in the result (default: local, or proxy).")
@click.option("--timeout", "timeout_s", type=Seconds(min=1), default=30.0, show_default=True,
              help="Seconds for the whole probe.")
@click.option("--screenshot", type=click.Path(dir_okay=False), help="Save a PNG of the page here.")
@trust_ca_option(must_exist=False)
@click.option("--detect/--no-detect", default=True, show_default=True,
              help="Look for translation, communication, search-engine, AI, social and video features.")
@click.option("--rules", "rule_paths", multiple=True, type=click.Path(exists=True),
              help="Extra rule file or folder (repeatable), added to the bundled rules.")
@click.option("--settle", "settle_s", type=Seconds(min=0), default=5.0, show_default=True,
              help="Seconds to watch the home page for late widgets.")
@click.option("--max-subpages", type=click.IntRange(min=0), default=5, show_default=True,
              help="Same-site pages linked from the home page to check too.")
@click.option("--extra-url", "extra_urls", multiple=True, help="Another page of the resource to check (repeatable).")
@click.option("--evidence-dir", type=click.Path(file_okay=False), help="Save cropped screenshots of findings here.")
@click.option("--format", "fmt", type=click.Choice(["json", "text"]), default="json", show_default=True)
def probe(url: str, engine: str, proxy: str | None, location: str | None, timeout_s: float,
          screenshot: str | None, trust_ca: tuple[str, ...], detect: bool, rule_paths: tuple[str, ...],
          settle_s: float, max_subpages: int, extra_urls: tuple[str, ...], evidence_dir: str | None,
          fmt: str) -> None:
    """Load URL in a real browser; exit 0 when it loaded, 1 when it failed, 2 on bad input.

    \b
    Examples:
        nettsjekk probe https://snl.no/
        nettsjekk probe https://ordbokene.no/ --browser firefox --proxy http://exam-proxy:3128
    """
    import asyncio
    from pathlib import Path

    from nettsjekk.probes.probe import ProbeOptions
    from nettsjekk.probes.runner import probe_once
    from nettsjekk.probes.urls import check_probe_url

    from nettsjekk.probes.rulebook import load_rules

    check_probe_url(url)
    for extra in extra_urls:
        check_probe_url(extra)
    rules = tuple(load_rules([Path(p) for p in rule_paths])) if detect else ()
    options = ProbeOptions(timeout_s=timeout_s, proxy=proxy, location=location or ("proxy" if proxy else "local"),
                           screenshot=Path(screenshot) if screenshot else None, detect=detect, rules=rules,
                           settle_s=settle_s, max_subpages=max_subpages, extra_urls=extra_urls,
                           evidence_dir=Path(evidence_dir) if evidence_dir else None)
    result = asyncio.run(probe_once(url, engine, options, trust_ca=tuple(Path(p) for p in trust_ca)))
    click.echo(result.to_json() if fmt == "json" else format_probe_text(result))
    sys.exit(EXIT_OK if result.ok else EXIT_FAILED)


def format_probe_text(result) -> str:  # noqa: ANN001 - ProbeResult, imported lazily
    """A few human lines for ``--format text``."""
    verdict = "OK" if result.ok else f"FAILED ({result.error}: {result.error_detail})"
    lines = [f"{result.url} [{result.browser} {result.browser_version} @ {result.location}] {verdict}",
             f"  status {result.status}, {result.elapsed_ms} ms, title: {result.title!r}",
             f"  final URL: {result.final_url}",
             f"  {len(result.requests)} requests to {len(result.hosts)} hosts in {len(result.domains)} domains:"]
    lines += [f"    {domain}" for domain in result.domains]
    lines.append(f"  {len(result.findings)} findings on {len(result.pages)} pages:")
    lines += [f"    [{f.severity}] {f.category}: {f.name} ({f.rule}) on {f.page}: {f.evidence.kind} {f.evidence.value}"
              for f in result.findings]
    return "\n".join(lines)


def register(cli: click.Group) -> None:
    cli.add_command(probe)
