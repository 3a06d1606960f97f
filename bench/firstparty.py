#!/usr/bin/env python3
"""What first-party detection costs a probe on the bench farm: time per page with and without it.

    python bench/firstparty.py --resources 6 --reps 2

Generates the farm (``bench/farm.py``), serves it on the fake internet (``--latency-ms`` per response)
and probes every home page (with ``--subpages`` sub-pages) in Chromium and Firefox twice over: *before*
(the bundled rules without ``feature`` matchers, no consent/panel clicks) and *after* (all bundled rules,
clicks on). The probes of both variants are shuffled together and run ``--concurrency`` at a time, so
the machine's load falls on both alike. Reports the mean probe time per page visited per engine and
variant and the growth, and appends one JSON line to ``bench/results/firstparty.jsonl``.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import functools
import json
import os
import random
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from farm import generate_farm  # noqa: E402

from playwright.async_api import async_playwright  # noqa: E402

from nettsjekk.fakenet import FakeInternet  # noqa: E402
from nettsjekk.probes.browsers import Browsers, BrowserSettings  # noqa: E402
from nettsjekk.probes.probe import ProbeOptions, probe_url  # noqa: E402
from nettsjekk.probes.rulebook import load_rules  # noqa: E402
from nettsjekk.probes.runner import gather_limited  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results" / "firstparty.jsonl"
ENGINES = ("chromium", "firefox")


async def measure(args: argparse.Namespace, root: Path, urls: list[str]) -> dict:
    rules = tuple(load_rules())
    without = tuple(r for r in rules if not any(m.kind == "feature" for m in r.rule.matchers))
    variants = {"before": (without, False), "after": (rules, True)}
    runs = [(url, engine, variant) for url in urls for engine in ENGINES for variant in variants
            for _ in range(args.reps)]
    random.Random(args.seed).shuffle(runs)
    per_page: dict[tuple[str, str], list[float]] = {}
    with FakeInternet([root], name="farm", latency_ms=args.latency_ms) as rig:
        async with async_playwright() as playwright:
            browsers = Browsers(playwright, BrowserSettings(trust_ca=(rig.ca_cert_path,)))

            async def one(url: str, engine: str, variant: str) -> None:
                chosen, reveal = variants[variant]
                options = ProbeOptions(proxy=rig.proxy_url, rules=chosen, reveal=reveal, settle_s=args.settle_s,
                                       max_subpages=args.subpages, location="bench")
                result = await probe_url(browsers, url, engine, options)
                if result.ok:
                    per_page.setdefault((engine, variant), []).append(result.elapsed_ms / 1000 / max(1, len(result.pages)))

            try:
                await gather_limited([functools.partial(one, *run) for run in runs], args.concurrency)
            finally:
                await browsers.close()
    table = {}
    for engine in ENGINES:
        before, after = (per_page.get((engine, v), []) for v in variants)
        mean_before, mean_after = (sum(xs) / len(xs) if xs else None for xs in (before, after))
        growth = round(100 * (mean_after / mean_before - 1), 1) if mean_before and mean_after else None
        table[engine] = {"before_s_per_page": round(mean_before or 0, 3), "after_s_per_page": round(mean_after or 0, 3),
                         "growth_pct": growth, "probes": [len(before), len(after)]}
    return table


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--resources", type=int, default=6)
    p.add_argument("--reps", type=int, default=2, help="probes per page, engine and variant")
    p.add_argument("--subpages", type=int, default=2)
    p.add_argument("--settle-s", type=float, default=5.0)
    p.add_argument("--latency-ms", type=int, default=200)
    p.add_argument("--concurrency", type=int, default=4)
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--no-record", action="store_true")
    args = p.parse_args()
    load_start = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="farm-fp-") as tmp:
        farm = generate_farm(Path(tmp), args.resources, args.seed)
        table = asyncio.run(measure(args, Path(tmp), [site.url for site in farm.sites]))
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                            cwd=Path(__file__).parent).stdout.strip()
    record = {"date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"), "commit": commit,
              "resources": args.resources, "reps": args.reps, "subpages": args.subpages, "settle_s": args.settle_s,
              "latency_ms": args.latency_ms, "load_avg": [round(load_start[0], 2), round(os.getloadavg()[0], 2)],
              "engines": table}
    print(f"{'engine':<10}{'before s/page':>15}{'after s/page':>14}{'growth %':>10}")
    for engine, row in table.items():
        print(f"{engine:<10}{row['before_s_per_page']:>15.3f}{row['after_s_per_page']:>14.3f}{row['growth_pct']!s:>10}")
    if not args.no_record:
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        with RESULTS.open("a", encoding="utf-8") as out:
            out.write(json.dumps(record) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
