"""``nettsjekk demo``: a full checkpoint run over the bundled demo web, offline.

Two fake-internet locations serve ``demo_web/``: ``kontoret`` as it is, and ``skolen`` slower and
behind a firewall that blocks one CDN host, so the run shows a location-specific difference.
The configuration is written into the output folder, so ``nettsjekk runs``, ``baseline`` and a
second ``demo`` (drift) work on it afterwards.
"""

from __future__ import annotations

from pathlib import Path

import yaml

import nettsjekk.demo_web
import nettsjekk.lists

from .runner import run_checkpoint

DEMO_WEB = Path(nettsjekk.demo_web.__file__).parent
DEMO_LIST = Path(nettsjekk.lists.__file__).parent / "demo.yaml"


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
    }
    output.mkdir(parents=True, exist_ok=True)
    path = output / "nettsjekk.yaml"
    path.write_text(yaml.safe_dump(settings, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def run_demo(output: Path, checkpoint: str, engines: list[str] | None) -> dict:
    """Start both locations, run the checkpoint over the demo list, stop them."""
    from nettsjekk.fakenet import FakeInternet
    from nettsjekk.probes.browsers import installed_engines

    engines = engines or installed_engines()
    with FakeInternet([DEMO_WEB], name="kontoret") as office, \
            FakeInternet([DEMO_WEB], name="skolen", latency_ms=150, blocked_hosts={"bilder.demo-cdn.no"}) as school:
        config = demo_config(output, [("kontoret", office.proxy_url, office.ca_cert_path),
                                      ("skolen", school.proxy_url, school.ca_cert_path)], engines)
        return run_checkpoint(config, checkpoint)

