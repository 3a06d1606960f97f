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


def test_the_list_benchmark_generates_thirteen_small_sites_with_ten_seeded_breaks(tmp_path):
    spec = importlib.util.spec_from_file_location("bench_links_sites", BENCH.with_name("links_sites.py"))
    bench = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = bench
    spec.loader.exec_module(bench)

    sites = bench.generate_sites(tmp_path)

    assert len(sites.start_urls) == 13 and len(sites.broken) == 10 and len(sites.tricky) == 4
    per_site = [(tmp_path / url.split("/")[2] / "index.html").read_text(encoding="utf-8").count("=\"http")
                for url in sites.start_urls]
    assert min(per_site) >= 5 and max(per_site) <= 13
    assert not sites.broken & sites.tricky
    run = bench.ToolRun("x", broken={*list(sites.broken)[:9], next(iter(sites.tricky))})
    assert (bench.score(run, sites)["broken_found"], bench.score(run, sites)["missed"],
            bench.score(run, sites)["false_positives"]) == (9, 1, 1)
