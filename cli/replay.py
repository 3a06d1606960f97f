"""``nettsjekk replay``: does each resource work with only the allowlist reachable (exam mode)?

The allowlist is compiled exactly as ``nettsjekk export`` compiles it (same selection and options),
or read back from a plain, wildcard or Squid file (``--allowlist``), e.g. the one about to be
deployed. Each resource is then loaded in each engine with every other host aborted in the browser
(``probes.replay``), through a location's proxy if asked. Exit 0 when every replay works and every
forbidden link is unreachable, 1 otherwise, 2 on bad input.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from nettsjekk.allowlists.selection import compile_selection
from nettsjekk.cli.common import saved_session_state, select_resources
from nettsjekk.cli.options import Seconds, compile_options, engines_option, proxy_option, selection_options, session_options, trust_ca_option
from nettsjekk.core.errors import EXIT_FAILED, EXIT_OK, ConfigError

if TYPE_CHECKING:
    from nettsjekk.allowlists.selection import Selection
    from nettsjekk.lists.models import Resource
    from nettsjekk.probes.replay import ReplayResult

CONCURRENT_REPLAYS = 4


def register(cli: click.Group) -> None:
    """Add ``replay`` to the ``nettsjekk`` command group."""
    cli.add_command(replay_command)


@click.command("replay")
@click.argument("resource_ids", nargs=-1, metavar="[RESOURCE_ID]...")
@selection_options
@compile_options
@click.option("--allowlist", "allowlist_file", type=click.Path(exists=True, dir_okay=False), metavar="FILE",
              help="Replay with this plain, wildcard or Squid file instead of compiling the allowlist.")
@engines_option("Engine to replay in; repeatable (default: every installed engine).")
@click.option("--location", "location_name", metavar="NAME",
              help="Replay through this location of --config (its proxy and trusted CAs).")
@proxy_option("Proxy every allowed request goes through (instead of --location).")
@trust_ca_option()
@click.option("--links/--no-links", "check_links", default=True, show_default=True,
              help="Open every forbidden destination the page links to and show it is unreachable.")
@session_options("replaying (it starts logged in)")
@click.option("--timeout", "timeout_s", type=Seconds(min=1), default=20.0, show_default=True,
              help="Seconds for each page to load.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Also write the JSON result here.")
def replay_command(resource_ids: tuple[str, ...], list_name: str, vendor: str | None, results: tuple[str, ...],
                   list_paths: tuple[str, ...], vendor_dir: str | None, run_id: str | None, config_path: str,
                   exceptions_file: str | None, include_inferred: bool, own_domain_wildcards: bool,
                   no_platform: bool, allowlist_file: str | None, engines: tuple[str, ...],
                   location_name: str | None, proxy: str | None, trust_ca: tuple[str, ...], check_links: bool,
                   use_session: bool, state_dir: str | None, timeout_s: float, fmt: str,
                   output: str | None) -> None:
    """Load each resource with only the allowlist reachable, as in the exam network.

    \b
    Examples:
        nettsjekk replay --run 20270302-073000-ab12cd --config nettsjekk.yaml
        nettsjekk replay snl ndla --allowlist /etc/squid/nettsjekk-allowlist.txt --location skole-a
        nettsjekk replay --vendor unibok --results run.json --browser firefox --format json
    """
    from nettsjekk.allowlists.compiler import CompileOptions
    from nettsjekk.allowlists.readback import read_allowlist

    selection = select_resources(list_paths, vendor_dir, results, list_name, vendor, run_id, config_path)
    resources = chosen_resources(selection, resource_ids)
    if allowlist_file:
        allows, source = read_allowlist(allowlist_file).allows, allowlist_file
    else:
        options = CompileOptions(include_inferred, own_domain_wildcards, not no_platform)
        allowlist, _exceptions = compile_selection(selection, options, exceptions_file)
        allows, source = allowlist.allows, f"compiled allowlist ({len(allowlist.entries)} entries)"
    proxy, location, cas = _where(config_path, location_name, proxy, trust_ca)
    sessions = _sessions(config_path, state_dir) if use_session else None
    outcomes = _replay_all(resources, list(engines), allows, proxy, location, cas, check_links, timeout_s, sessions)
    document = {"allowlist": source, "location": location, "replays": [_as_dict(rid, r) for rid, r in outcomes]}
    if output:
        Path(output).write_text(json.dumps(document, indent=2, ensure_ascii=False), encoding="utf-8")
    click.echo(json.dumps(document, indent=2, ensure_ascii=False) if fmt == "json" else _text(source, outcomes))
    sys.exit(EXIT_OK if all(_passes(r) for _rid, r in outcomes) else EXIT_FAILED)


def chosen_resources(selection: Selection, resource_ids: tuple[str, ...]) -> list[Resource]:
    """The named resources (each must be in the selection), or the whole selection."""
    if not resource_ids:
        if not selection.resources:
            raise ConfigError("no resources selected (check --list, --vendor and --lists)")
        return list(selection.resources)
    by_id = {r.id: r for r in selection.resources}
    unknown = [rid for rid in resource_ids if rid not in by_id]
    if unknown:
        known = ", ".join(sorted(by_id)[:12]) + (" ..." if len(by_id) > 12 else "")
        raise ConfigError(f"resource {', '.join(map(repr, unknown))} is not among the selected resources ({known})")
    return [by_id[rid] for rid in dict.fromkeys(resource_ids)]


def _where(config_path: str, location_name: str | None, proxy: str | None,
           trust_ca: tuple[str, ...]) -> tuple[str | None, str, tuple[Path, ...]]:
    cas = [Path(p).resolve() for p in trust_ca]
    if location_name is None:
        return proxy, "exam-mode", tuple(cas)
    if proxy:
        raise ConfigError("give --location or --proxy, not both")
    from nettsjekk.checkpoints.config import load_config

    config = load_config(Path(config_path))
    location = config.location(location_name)
    if location.kind == "pool":
        raise ConfigError(f"{config_path}: location {location_name!r} runs on work pool {location.work_pool!r}; "
                          "run the replay on a machine at that site with --proxy or a local location")
    cas += [config.path(ca) for ca in location.trust_ca]
    return location.proxy, location.name, tuple(cas)


def _sessions(config_path: str, state_dir: str | None):
    """A lookup ``(resource, engine) -> storage_state`` over the saved sessions of licensed resources."""
    if state_dir is None and Path(config_path).is_file():
        from nettsjekk.checkpoints.config import load_config

        state_dir = str(load_config(Path(config_path)).state_dir)

    def lookup(resource: Resource, engine: str) -> dict | None:
        if resource.login == "none":
            return None
        state = saved_session_state(resource.id, engine, state_dir, doing=f"replaying in {engine}")
        if state is None:
            click.echo(f"{resource.id} ({engine}): no saved login session; replaying logged out "
                       f"(run 'nettsjekk login {resource.id}')", err=True)
        return state

    return lookup


def _replay_all(resources: list[Resource], engines: list[str], allows, proxy: str | None, location: str,
                cas: tuple[Path, ...], check_links: bool, timeout_s: float,
                sessions) -> list[tuple[str, ReplayResult]]:
    from nettsjekk.probes.browsers import BrowserSettings, available_engines
    from nettsjekk.probes.replay import ReplayOptions, replay
    from nettsjekk.probes.runner import gather_limited
    from nettsjekk.probes.service import ProbeService

    with ProbeService(BrowserSettings(trust_ca=cas)) as service:
        engines = engines or available_engines(service.browsers.playwright)
        if not engines:
            raise ConfigError("no browser engine is installed here (run ./setup.sh)")

        async def one(resource: Resource, engine: str) -> tuple[str, ReplayResult]:
            options = ReplayOptions(timeout_s=timeout_s, proxy=proxy, location=location, check_links=check_links,
                                    storage_state=sessions(resource, engine) if sessions else None)
            return resource.id, await replay(service.browsers, str(resource.url), engine, allows, options=options)

        calls = [functools.partial(one, resource, engine) for resource in resources for engine in engines]
        return service.run(gather_limited(calls, CONCURRENT_REPLAYS))


def _passes(result: ReplayResult) -> bool:
    return result.works and all(link.unreachable for link in result.links)


def _as_dict(resource_id: str, result: ReplayResult) -> dict:
    data = dataclasses.asdict(result)
    data.pop("requests")  # the blocked ones are listed; the rest is in the probe results
    return {"resource": resource_id, "works": result.works, "passes": _passes(result),
            "breaking": [b.host for b in result.breaking], **data}


def _text(source: str, outcomes: list[tuple[str, ReplayResult]]) -> str:
    lines = [f"allowlist: {source}"]
    for resource_id, result in outcomes:
        lines.append(f"{resource_id}: {result.summary()}")
    passed = sum(_passes(r) for _rid, r in outcomes)
    reachable = sum(not link.unreachable for _rid, r in outcomes for link in r.links)
    lines.append(f"{passed} of {len(outcomes)} replays pass; {reachable} forbidden link(s) reachable")
    return "\n".join(lines)
