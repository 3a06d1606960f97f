#!/usr/bin/env python3
"""Round time of the exam-day watch when nothing changes: 60 farm sites × 3 locations.

    python bench/watch.py [--sites 60] [--locations 3] [--rounds 5] [--latency-ms 50]

The farm (``bench/farm.py``) is served in a process of its own (one fake-internet location per
name, each with ``--latency-ms`` on every answer), so the CPU figures are the watch's alone. Each
resource's needed hosts are its home page's subresource hosts (up to ``MAX_HOSTS``, as from a
checkpoint run). The watch runs ``--rounds`` rounds back to back (cheap checks only: nothing
changes, so no browser is started), writing the status page each round. Prints the rounds and
appends one JSON line to ``bench/results/watch.jsonl``: wall seconds per round (first and the rest),
the watch's CPU seconds, requests per round and the most requests any one host got per round, with
the load average (on a shared machine the wall clock is slower than on a quiet one).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "watch.jsonl"
sys.path.insert(0, str(ROOT / "bench"))


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sites", type=int, default=60)
    parser.add_argument("--locations", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--latency-ms", type=int, default=50)
    args = parser.parse_args(argv)

    from farm import generate_farm

    from nettsjekk.checkpoints.store import Store
    from nettsjekk.watch.cheap import Probe
    from nettsjekk.watch.inventory import MAX_HOSTS, Target
    from nettsjekk.watch.loop import Watch, WatchSetup
    from nettsjekk.watch.words import Words

    work = Path(tempfile.mkdtemp(prefix="bench-watch-"))
    farm = generate_farm(work / "farm", sites=args.sites)
    names = [f"sted-{n}" for n in range(1, args.locations + 1)]
    server = subprocess.Popen([sys.executable, str(ROOT / "bench" / "farm.py"), "serve", "--root", str(work / "farm"),
                               "--latency-ms", str(args.latency_ms), *[a for n in names for a in ("--name", n)]],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        rigs = [json.loads(server.stdout.readline()) for _ in names]
        targets = []
        for site in farm.sites:
            home = urlsplit(site.url).hostname
            hosts = list(dict.fromkeys(urlsplit(u).hostname for u in site.pages[0].subresources))
            targets.append(Target(site.resource_id, site.resource_id, site.url, "none",
                                  tuple(h for h in hosts if h != home)[:MAX_HOSTS]))
        probes = [Probe(r["name"], r["proxy_url"], (r["ca"],)) for r in rigs]
        setup = WatchSetup(targets, probes, Store(work / "store.db"), Words("nb"), status_page=work / "status.html",
                           every_s=0)
        load = os.getloadavg()[0]
        watch = Watch(setup, emit=lambda line: None)
        cpu0 = resource.getrusage(resource.RUSAGE_SELF)
        reports = []
        for _ in range(args.rounds):
            reports.append(watch.round())
            print(reports[-1].line(), flush=True)
        cpu1 = resource.getrusage(resource.RUSAGE_SELF)
        watch.stop()
    finally:
        server.stdin.close()
        server.wait(timeout=30)
    walls = [r.elapsed_s for r in reports]
    record = {
        "bench": "watch", "at": dt.datetime.now().isoformat(timespec="seconds"), "load_avg_start": load,
        "cpus": os.cpu_count(), "sites": args.sites, "locations": args.locations, "latency_ms": args.latency_ms,
        "rounds": args.rounds, "first_round_s": round(walls[0], 2),
        "round_s_median": round(sorted(walls[1:] or walls)[len(walls[1:] or walls) // 2], 2),
        "round_s_max": round(max(walls), 2),
        "watch_cpu_s_per_round": round((cpu1.ru_utime + cpu1.ru_stime - cpu0.ru_utime - cpu0.ru_stime) / args.rounds, 2),
        "requests_per_round": sum(reports[-1].requests.values()),
        "max_requests_per_host_per_round": max(reports[-1].requests.values()),
        "states": reports[-1].states, "changes_after_first": sum(len(r.changes) for r in reports[1:]),
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    with RESULTS.open("a", encoding="utf-8") as out:
        out.write(json.dumps(record) + "\n")
    print(json.dumps(record, indent=1))
    return record


if __name__ == "__main__":
    main()
