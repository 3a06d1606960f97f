"""Smoke test of bench/links.py: a tiny generated site, nettsjekk alone, every seeded break found."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

from nettsjekk.fakenet import FakeInternet

BENCH = Path(__file__).resolve().parent.parent / "bench" / "links.py"


def load_bench():
    spec = importlib.util.spec_from_file_location("bench_links", BENCH)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


def test_the_benchmark_scores_nettsjekk_on_a_tiny_site(tmp_path):
    bench = load_bench()
    site = bench.generate_site(tmp_path, links=60, sections=3, hosts=2)
    assert len(site.links) == 60 and len(site.broken) == 3
    assert any("borte-" in url for url in site.broken)
    with FakeInternet([site.root], name="bench-smoke") as rig:
        run = bench.run_nettsjekk(site, rig.proxy_url, timeout_s=5, throttle_start_delay_s=0.01)
    result = bench.score(run, site)
    assert (result["broken_found"], result["missed"], result["false_positives"]) == (3, 0, 0)
    assert result["urls_reported"] == 60 + 3 + 1  # leaves, section pages, index
    assert "nettsjekk" in bench.format_table({"nettsjekk": result}, 3)
