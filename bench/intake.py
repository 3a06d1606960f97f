#!/usr/bin/env python3
"""The intake form under a test exam's load: classes of pupils submitting within the same minute.

    python bench/intake.py                          # 300 pupils (30 x 10 schools), all at once
    python bench/intake.py --pupils 300 --spread 60 # the same, starting spread evenly over 60 s

Starts ``nettsjekk intake serve`` (a subprocess, on a free loopback port, over the demo list and a
fresh store), then each pupil (its own httpx client and cookie, as its own browser) opens the form
and posts it. Records the response times of the form (GET) and the submission (POST, until the
303), their median, 95th percentile and maximum, the errors by kind, and how many submissions the
store holds afterwards. Prints them and appends one JSON line to ``bench/results/intake.jsonl`` with
the load average, so a figure taken on a busy machine says so.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import re
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "intake.jsonl"
ANSWERS = {"location": "skolen", "resource_id": "demo-ordbok", "loads": "yes", "login": "not_relevant",
           "translation": "no", "communication": "no", "search_engine": "no", "ai": "unsure",
           "links_blocked": "not_tested", "role": "pupil"}


def start(folder: Path) -> tuple[subprocess.Popen, str]:
    config = folder / "nettsjekk.yaml"
    config.write_text(f"lists: [{ROOT / 'lists' / 'demo.yaml'}]\nlocations:\n  - {{name: kontoret, kind: local}}\n"
                      "  - {name: skolen, kind: local}\ndatabase: store.db\n", encoding="utf-8")
    process = subprocess.Popen([sys.executable, "-m", "nettsjekk.cli.main", "intake", "serve", "--config",
                                str(config), "--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    url = process.stdout.readline().strip()
    for _ in range(100):
        try:
            httpx.get(url, timeout=2)
            break
        except httpx.TransportError:
            time.sleep(0.1)
    return process, url


async def pupil(number: int, url: str, delay: float, timings: dict[str, list[float]], errors: dict[str, int],
                transport: httpx.AsyncHTTPTransport) -> None:
    await asyncio.sleep(delay)
    # Its own client (cookies): its own browser. Not closed: that would close the shared transport.
    client, phase = httpx.AsyncClient(timeout=120, transport=transport), "get"
    try:
        began = time.perf_counter()
        form = await client.get(url)
        timings["get"].append(time.perf_counter() - began)
        csrf = re.search(r'name="csrf" value="([^"]+)"', form.text).group(1)
        data = {**ANSWERS, "initials": f"P{chr(65 + number % 26)}", "comment": f"elev {number}", "csrf": csrf}
        began, phase = time.perf_counter(), "post"
        answer = await client.post(url, data=data, files={"screenshot": ("", b"", "application/octet-stream")})
        timings["post"].append(time.perf_counter() - began)
        if answer.status_code != 303:
            errors[f"http_{answer.status_code}"] = errors.get(f"http_{answer.status_code}", 0) + 1
    except (httpx.HTTPError, AttributeError) as exc:
        kind = f"{phase}: {type(exc).__name__}"
        errors[kind] = errors.get(kind, 0) + 1


def server_cpu(pid: int) -> float:
    """User + system CPU seconds of the server process so far (start-up included)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return round((int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK"), 2)


def summary(values: list[float]) -> dict:
    if not values:
        return {}
    ordered = sorted(values)
    return {"n": len(ordered), "median_ms": round(statistics.median(ordered) * 1000, 1),
            "p95_ms": round(ordered[max(0, int(len(ordered) * 0.95) - 1)] * 1000, 1),
            "max_ms": round(ordered[-1] * 1000, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pupils", type=int, default=300)
    parser.add_argument("--spread", type=float, default=0.0, help="seconds over which the pupils start (0: at once)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="nettsjekk-bench-intake-") as folder:
        process, url = start(Path(folder))
        timings: dict[str, list[float]] = {"get": [], "post": []}
        errors: dict[str, int] = {}

        async def everyone() -> None:
            async with httpx.AsyncHTTPTransport(limits=httpx.Limits(max_connections=args.pupils)) as transport:
                await asyncio.gather(*(pupil(n, url, args.spread * n / args.pupils, timings, errors, transport)
                                       for n in range(args.pupils)))

        began = time.perf_counter()
        asyncio.run(everyone())
        wall = time.perf_counter() - began
        cpu = server_cpu(process.pid)
        process.terminate()
        _, err = process.communicate(timeout=30)
        if err.strip():
            print(err[-3000:], file=sys.stderr)
        stored = sqlite3.connect(Path(folder) / "store.db").execute("SELECT COUNT(*) FROM manual_tests").fetchone()[0]
    record = {"when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), "pupils": args.pupils,
              "spread_s": args.spread, "wall_s": round(wall, 2), "stored": stored, "errors": errors, "server_cpu_s": cpu,
              "get": summary(timings["get"]), "post": summary(timings["post"]), "load_average": os.getloadavg()[0]}
    print(json.dumps(record, indent=1))
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    with RESULTS.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(record) + "\n")


if __name__ == "__main__":
    main()
