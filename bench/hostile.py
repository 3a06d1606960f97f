#!/usr/bin/env python3
"""100 probes, a tenth of them hostile, the browser killed twice: does the run finish with every
non-hostile result correct and nothing lost?

    python bench/hostile.py [--engine chromium] [--probes 100] [--concurrency 4]

Clean probes load fixture pages from tests/sites and must come back ok with their known title;
hostile ones come from tests/sites/fiendtlig.hostile-test.no. The browser's main process is killed
with SIGKILL after 30 % and 65 % of the probes were started; the probes in flight then end as
``crash`` and the browser is relaunched. Prints the states and appends a JSON line to
bench/results/hostile.jsonl.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import json
import os
import signal
import time
from collections import Counter
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from procstat import browser_pids  # noqa: E402

from nettsjekk.fakenet import FakeInternet  # noqa: E402
from nettsjekk.probes.browsers import BrowserSettings  # noqa: E402
from nettsjekk.probes.probe import ProbeOptions, probe_url  # noqa: E402
from nettsjekk.probes.runner import gather_limited  # noqa: E402
from nettsjekk.probes.service import ProbeService  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SITES = ROOT / "tests" / "sites"
CLEAN = [("https://www.example-ordbok.no/", "Eksempelordboka"), ("https://www.capture-test.no/", "Fangsttest"),
         ("https://plain.http-only.no/", "Bare HTTP"), ("https://www.undersider.no/", "Undersider")]
HOSTILE = ["/hang", "/stream", "/meta-a.html", "/js-a.html", "/popups.html", "/dialogs.html", "/download",
           "/spin.html", "/spin-late.html", "/huge"]


async def run(service: ProbeService, engine: str, proxy: str, total: int, concurrency: int) -> list[tuple]:
    plan = []
    for number in range(total):
        if number % 10 == 5:
            plan.append(("hostile", f"https://fiendtlig.hostile-test.no{HOSTILE[number // 10 % len(HOSTILE)]}", None))
        else:
            url, title = CLEAN[number % len(CLEAN)]
            plan.append(("clean", url, title))
    started = [0]
    kills_at = {int(total * 0.30), int(total * 0.65)}
    options = ProbeOptions(proxy=proxy, timeout_s=5, settle_s=1, max_subpages=1, budget_s=30)

    async def one(kind: str, url: str, title: str | None) -> tuple:
        started[0] += 1
        if started[0] in kills_at:
            asyncio.get_running_loop().call_later(0.5, lambda: [os.kill(p, signal.SIGKILL)
                                                                for p in browser_pids(engine)])
        result = await probe_url(service.browsers, url, engine, options)
        return kind, url, title, result

    return await gather_limited([functools.partial(one, *item) for item in plan], concurrency)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--engine", default="chromium", choices=["chromium", "firefox"])
    parser.add_argument("--probes", type=int, default=100)
    parser.add_argument("--concurrency", type=int, default=4)
    args = parser.parse_args()
    with FakeInternet([SITES], name="bench") as rig, ProbeService(BrowserSettings(trust_ca=(rig.ca_cert_path,))) as svc:
        started = time.monotonic()
        done = svc.run(run(svc, args.engine, rig.proxy_url, args.probes, args.concurrency))
        wall = time.monotonic() - started
    states = Counter(f"{kind}:{'ok' if r.ok else r.error}" for kind, _, _, r in done)
    wrong = [(url, r.error, r.title) for kind, url, title, r in done
             if kind == "clean" and r.error != "crash" and not (r.ok and r.title == title)]
    line = {"bench": "hostile", "engine": args.engine, "probes": len(done), "concurrency": args.concurrency,
            "wall_s": round(wall, 1), "states": dict(sorted(states.items())), "clean_wrong": len(wrong),
            "at": time.strftime("%Y-%m-%dT%H:%M:%S"), "load": os.getloadavg()[0]}
    print(f"{len(done)} probes in {wall:.1f} s ({args.engine}, concurrency {args.concurrency})")
    for state, count in sorted(states.items()):
        print(f"  {state:<28}{count:>4}")
    print(f"clean probes with a wrong result (other than the crashes the kills cause): {len(wrong)} {wrong[:5]}")
    results = ROOT / "bench" / "results"
    results.mkdir(parents=True, exist_ok=True)
    with (results / "hostile.jsonl").open("a", encoding="utf-8") as out:
        out.write(json.dumps(line) + "\n")


if __name__ == "__main__":
    main()
