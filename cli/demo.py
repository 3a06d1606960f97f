"""``nettsjekk demo``: a full checkpoint run over the bundled demo web, offline.

Two fake-internet locations serve ``demo_web/``: ``kontoret`` as it is, and ``skolen`` slower and
behind a firewall that blocks one CDN host, so the run shows a location-specific difference.
The configuration is written into the output folder, so ``nettsjekk runs``, ``baseline`` and a
second ``demo`` (drift) work on it afterwards.

One resource is licensed (``demo-lisens``, behind the demo's Feide at ``idp.feide-demo.no``): the
demo installs the fake identity provider (``fakenet.login_site``) on both locations, puts a demo
account into its own process environment (``NETTSJEKK_DEMO_FEIDE_USER``/``_PASSWORD``; the password is
made up on each run, never written to a file), logs in with the vendor's login recipe in every
engine, and keeps the sessions in ``<output>/state/``.
"""

from __future__ import annotations

from pathlib import Path

import os
import secrets

import click
import yaml

import nettsjekk.demo_web
import nettsjekk.lists

from nettsjekk.cli.options import checkpoint_option, engines_option
from nettsjekk.cli.run import run_checkpoint

DEMO_WEB = Path(nettsjekk.demo_web.__file__).parent
DEMO_LIST = Path(nettsjekk.lists.__file__).parent / "demo.yaml"
DEMO_IDP, DEMO_LICENSED = "idp.feide-demo.no", "lisens.laeremiddel-demo.no"
DEMO_LOGIN_RESOURCE = "demo-lisens"
DEMO_USER_ENV, DEMO_PASSWORD_ENV = "NETTSJEKK_DEMO_FEIDE_USER", "NETTSJEKK_DEMO_FEIDE_PASSWORD"


def demo_config(output: Path, locations: list[tuple[str, str, Path]], engines: list[str]) -> Path:
    """Write the demo's nettsjekk.yaml (locations as (name, proxy URL, CA file))."""
    settings = {
        "lists": [str(DEMO_LIST)],
        "browsers": engines,
        "locations": [{"name": name, "kind": "proxy", "proxy": proxy, "trust_ca": [str(ca)],
                       "description": "fake internet"} for name, proxy, ca in locations],
        "concurrency": 6,
        "settle_s": 3,
        "subpage_settle_s": 1,
        "max_subpages": 3,
        "retries": {"attempts": 2, "backoff_s": [1]},
        "output_dir": "runs",
        "database": "nettsjekk.db",
        "tester": "nettsjekk demo",
        "state_dir": "state",
        "links": {"contact": "demo@nettsjekk.invalid", "budget_s": 60},
    }
    output.mkdir(parents=True, exist_ok=True)
    path = output / "nettsjekk.yaml"
    path.write_text(yaml.safe_dump(settings, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def run_demo(output: Path, checkpoint: str, engines: list[str] | None) -> dict:
    """Start both locations, run the checkpoint over the demo list, stop them."""
    from nettsjekk.fakenet import FakeInternet
    from nettsjekk.probes.browsers import installed_engines

    from nettsjekk.fakenet.login_site import FakeLogin

    engines = engines or installed_engines()
    with FakeInternet([DEMO_WEB], name="kontoret") as office, \
            FakeInternet([DEMO_WEB], name="skolen", latency_ms=150, blocked_hosts={"bilder.demo-cdn.no"}) as school:
        user = os.environ.setdefault(DEMO_USER_ENV, "demo.elev@feide-demo.no")
        password = os.environ.setdefault(DEMO_PASSWORD_ENV, secrets.token_urlsafe(16))
        FakeLogin(DEMO_IDP, [DEMO_LICENSED], {user: password}).install(office, school)
        config = demo_config(output, [("kontoret", office.proxy_url, office.ca_cert_path),
                                      ("skolen", school.proxy_url, school.ca_cert_path)], engines)
        log_in(config, engines)
        return run_checkpoint(config, checkpoint)


def log_in(config_path: Path, engines: list[str]) -> None:
    """Log the demo's licensed resource in with its login recipe, once per engine."""
    from nettsjekk.probes.service import ProbeService

    from nettsjekk.checkpoints.config import load_config
    from nettsjekk.checkpoints.logins import LoginSetup, login_scripted

    setup = LoginSetup.from_config(load_config(config_path))
    with ProbeService(setup.browser_settings()) as service:
        for engine in engines:
            session = login_scripted(setup, DEMO_LOGIN_RESOURCE, engine, service=service)
            click.echo(f"{DEMO_LOGIN_RESOURCE} ({engine}): logged in through the demo Feide ({DEMO_IDP}); "
                       f"session saved in {session.path}", err=True)


@click.command("demo")
@engines_option("Engine to use (repeatable); default: every engine installed here.")
@click.option("-o", "--output", type=click.Path(file_okay=False), default="nettsjekk-demo", show_default=True,
              help="Folder for the configuration, results store and reports.")
@checkpoint_option(required=False, default="test-exam")
def demo_command(engines: tuple[str, ...], output: str, checkpoint: str) -> None:
    """A full checkpoint run over the bundled demo web, offline.

    Starts the fake internet over demo_web/ as two locations, writes a configuration for
    lists/demo.yaml into the output folder and runs 'verify' on it.
    """
    run_demo(Path(output), checkpoint, list(engines) or None)


def register(cli: click.Group) -> None:
    cli.add_command(demo_command)
