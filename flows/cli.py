"""The ``nettsjekk`` command line.

Every command turns ``NettsjekkError`` into a one-line message and exit code 2; usage errors also
exit 2 (Click's convention). Heavy imports (Playwright, Prefect) happen inside the commands so that
``nettsjekk validate`` and ``--help`` stay fast.
"""

from __future__ import annotations

import sys

import click

from nettsjekk.probes.errors import ConfigError, NettsjekkError

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class FriendlyGroup(click.Group):
    """A group that prints nettsjekk's own errors as one line, without a traceback."""

    def invoke(self, ctx: click.Context):  # type: ignore[override]
        try:
            return super().invoke(ctx)
        except ConfigError as exc:
            click.echo(f"error: {exc}", err=True)
            ctx.exit(EXIT_USAGE)
        except NettsjekkError as exc:
            click.echo(f"error: {exc}", err=True)
            ctx.exit(EXIT_USAGE)


@click.group(cls=FriendlyGroup)
@click.version_option(package_name="nettsjekk")
def cli() -> None:
    """Verify exam web resources and export the allowlists that let them through."""


@cli.command()
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


ENGINE_CHOICE = click.Choice(["chromium", "firefox", "webkit"])


@cli.command()
@click.argument("url")
@click.option("--browser", "engine", type=ENGINE_CHOICE, default="chromium", show_default=True)
@click.option("--proxy", metavar="URL", help="Forward proxy for this location, e.g. http://127.0.0.1:3128.")
@click.option("--location", metavar="NAME", help="Name of the location in the result (default: local, or proxy).")
@click.option("--timeout", "timeout_s", type=click.FloatRange(min=1), default=30.0, show_default=True,
              help="Seconds for the whole probe.")
@click.option("--screenshot", type=click.Path(dir_okay=False), help="Save a PNG of the page here.")
@click.option("--trust-ca", "trust_ca", multiple=True, type=click.Path(dir_okay=False),
              help="Also trust this CA certificate (PEM), e.g. a TLS-inspecting exam proxy's.")
@click.option("--detect/--no-detect", default=True, show_default=True,
              help="Look for translation, communication, search-engine, AI, social and video features.")
@click.option("--rules", "rule_paths", multiple=True, type=click.Path(exists=True),
              help="Extra rule file or folder (repeatable), added to the bundled rules.")
@click.option("--settle", "settle_s", type=click.FloatRange(min=0), default=5.0, show_default=True,
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


CONFIG_OPTION = click.option("--config", "config_path", type=click.Path(dir_okay=False), default="nettsjekk.yaml",
                             show_default=True, help="The configuration file (see README: Configuration).")


@cli.command()
@click.option("--checkpoint", type=click.Choice(["publication", "test-exam", "pre-exam"]), required=True)
@CONFIG_OPTION
@click.option("--list", "list_name", type=click.Choice(["national", "local", "all"]), help="Only this list.")
@click.option("--location", "locations", multiple=True, help="Only this location (repeatable).")
@click.option("--browser", "engines", type=ENGINE_CHOICE, multiple=True, help="Only this engine (repeatable).")
@click.option("--resume", metavar="RUN_ID", help="Continue an interrupted run without re-probing finished cells.")
def verify(checkpoint: str, config_path: str, list_name: str | None, locations: tuple[str, ...],
           engines: tuple[str, ...], resume: str | None) -> None:
    """Run a checkpoint now: every resource x browser x location; exit 1 when a resource is not OK or not tested.

    \b
    Example:
        nettsjekk verify --checkpoint test-exam --config nettsjekk.yaml
    """
    from pathlib import Path

    from nettsjekk.flows.runner import run_checkpoint

    summary = run_checkpoint(Path(config_path), checkpoint, list_name, list(locations) or None,
                             list(engines) or None, resume)
    sys.exit(EXIT_FAILED if any(v in ("not OK", "not tested") for v, _ in summary.verdicts.values()) else EXIT_OK)


@cli.command()
@CONFIG_OPTION
def runs(config_path: str) -> None:
    """List the runs in the results store."""
    from pathlib import Path

    from nettsjekk.flows.config import load_config
    from nettsjekk.flows.store import Store
    from nettsjekk.flows.text import format_table

    store = Store(load_config(Path(config_path)).database)
    rows = [(r["id"], r["checkpoint"], r["started_at"], r["status"], store.cell_count(r["id"]),
             "baseline" if r["id"] == store.baseline() else "") for r in store.runs()]
    click.echo(format_table(("run", "checkpoint", "started", "status", "cells", ""), rows))


@cli.group()
def baseline() -> None:
    """The approved baseline that drift is measured against."""


@baseline.command("approve")
@click.argument("run_id")
@CONFIG_OPTION
@click.option("--by", "who", default="", help="Who approves it (kept in the store).")
def baseline_approve(run_id: str, config_path: str, who: str) -> None:
    """Approve RUN_ID as the baseline."""
    from pathlib import Path

    from nettsjekk.flows.config import load_config
    from nettsjekk.flows.store import Store

    Store(load_config(Path(config_path)).database).approve_baseline(run_id, who=who)
    click.echo(f"run {run_id} is now the approved baseline")


@cli.command()
@CONFIG_OPTION
@click.option("--name", default="nettsjekk-checkpoints", show_default=True, help="Deployment name.")
@click.option("--pool", "work_pool", help="Register on a Prefect server for this work pool instead of serving here.")
@click.option("--location", "location_name", help="Register the verify-location deployment of this pool location.")
def schedule(config_path: str, name: str, work_pool: str | None, location_name: str | None) -> None:
    """Create one schedule per checkpoint date and serve them here (or register them for a pool).

    \b
    Single machine:   nettsjekk schedule            (keeps running; Ctrl-C stops)
    Server + worker:  prefect server start; nettsjekk schedule --pool exam-pool;
                      prefect worker start --pool exam-pool
    A pool location:  nettsjekk schedule --location bergen; at the site:
                      prefect worker start --pool bergen-pool
    """
    from pathlib import Path

    from prefect import serve

    from nettsjekk.flows.config import load_config
    from nettsjekk.flows.schedule import build_deployment
    from nettsjekk.probes.errors import ConfigError

    config = load_config(Path(config_path))
    if location_name:
        from nettsjekk.flows.schedule import build_location_deployment

        location = config.location(location_name)
        if location.kind != "pool":
            raise ConfigError(f"{config_path}: location {location_name!r} is kind {location.kind!r}, not 'pool'")
        deployment_id = build_location_deployment(location.name, location.work_pool).apply()
        click.echo(f"registered verify-location/{location.name} ({deployment_id}) on work pool {location.work_pool}")
        return
    if not config.settings.checkpoints:
        raise ConfigError(f"{config_path}: no checkpoints with dates to schedule (add 'checkpoints:')")
    deployment = build_deployment(config, Path(config_path), name, work_pool)
    if work_pool:
        deployment_id = deployment.apply(work_pool_name=work_pool)
        click.echo(f"registered deployment {name} ({deployment_id}) on work pool {work_pool}")
        return
    serve(deployment)


@cli.command()
@click.option("--browser", "engines", type=ENGINE_CHOICE, multiple=True,
              help="Engine to use (repeatable); default: every engine installed here.")
@click.option("-o", "--output", type=click.Path(file_okay=False), default="nettsjekk-demo", show_default=True,
              help="Folder for the configuration, results store and reports.")
@click.option("--checkpoint", type=click.Choice(["publication", "test-exam", "pre-exam"]), default="test-exam",
              show_default=True)
def demo(engines: tuple[str, ...], output: str, checkpoint: str) -> None:
    """A full checkpoint run over the bundled demo web, offline.

    Starts the fake internet over demo_web/ as two locations, writes a configuration for
    lists/demo.yaml into the output folder and runs 'verify' on it.
    """
    from pathlib import Path

    from nettsjekk.flows.demo import run_demo

    run_demo(Path(output), checkpoint, list(engines) or None)


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


def _register_command_modules() -> None:
    from nettsjekk.flows.cli_allowlist import register as register_allowlist
    from nettsjekk.flows.cli_links import register as register_links
    from nettsjekk.flows.cli_login import register as register_login
    from nettsjekk.flows.cli_replay import register as register_replay
    from nettsjekk.flows.cli_report import register as register_report

    register_allowlist(cli)
    register_links(cli)
    register_login(cli)
    register_replay(cli)
    register_report(cli)


_register_command_modules()


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="nettsjekk")


if __name__ == "__main__":
    main()
