#!/usr/bin/env python3
"""``nettsjekk observe`` on a large synthetic Squid access.log, against a plain ``awk`` count of the same file.

    python bench/observe.py                    # 2,000,000 lines (about 270 MB), the default
    python bench/observe.py --lines 200000     # a quick look

Writes a deterministic log (``random.Random(--seed)``) in Squid's native format into a temp folder:
an exam morning of 300 machines, mostly tunnels to allowed resources, some other hosts, denied
attempts at AI, translation, search, social and video hosts, a few leaks (a forbidden host in the
allowlist), and one malformed line in 10,000. Then times, each ``--repeat`` times (the best counts):

* ``awk 'END {print NR}'``: the floor, reading the file and counting lines;
* ``nettsjekk observe`` on an empty log: the start-up (imports, the deny catalog), a fixed cost;
* ``nettsjekk observe LOG --allowlist ... --format-out json --no-store`` as a subprocess, with its CPU
  time and peak RSS (``getrusage`` of the child), so memory can be compared across sizes.

Both wall and CPU seconds are recorded; on a shared machine (load above the core count) the wall clock
mostly measures waiting for a core, and CPU seconds are what carries over to a quiet 2-core proxy.

Prints a table and appends one JSON line to ``bench/results/observe.jsonl`` with the load average,
so a figure taken on a busy machine says so.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "observe.jsonl"
ALLOWED = ["www.eksamensressurs.no", "api.eksamensressurs.no", "static.eksamensressurs-cdn.no", "snl.no",
           "ordbokene.no", "www.ndla.no", "api.ndla.no", "bilder.ressurs-media.no", "pgsa.udir.no"]
OTHER = ["www.vg.no", "www.nrk.no", "fonts.gstatic.com", "clients2.google.com", "www.microsoft.com"]
FORBIDDEN = ["chatgpt.com", "claude.ai", "translate.google.com", "www.google.com", "www.facebook.com",
             "www.youtube.com", "www.snapchat.com", "www.deepl.com"]
LEAKING = "gemini.google.com"
START = dt.datetime(2027, 5, 20, 8, 0, tzinfo=dt.UTC).timestamp()


def generate(path: Path, lines: int, seed: int) -> int:
    """Write ``lines`` lines to ``path``; return its size in bytes."""
    rng = random.Random(seed)
    clients = [f"10.20.{rng.randrange(1, 8)}.{rng.randrange(2, 250)}" for _ in range(300)]
    step = 6 * 3600 / lines
    with path.open("w", encoding="utf-8", buffering=1 << 20) as out:
        for number in range(lines):
            out.write(_line(rng, START + number * step, rng.choice(clients), number))
    return path.stat().st_size


def _line(rng: random.Random, when: float, client: str, number: int) -> str:
    if number % 10_000 == 9_999:
        return "squid: this line is not an access.log record\n"
    roll = rng.random()
    if roll < 0.70:
        host, result, hier = rng.choice(ALLOWED), "TCP_TUNNEL/200", "HIER_DIRECT/192.0.2.10"
    elif roll < 0.85:
        host, result, hier = rng.choice(OTHER), "TCP_DENIED/403", "HIER_NONE/-"
    elif roll < 0.9995:
        host, result, hier = rng.choice(FORBIDDEN), "TCP_DENIED/403", "HIER_NONE/-"
    else:
        host, result, hier = LEAKING, "TCP_TUNNEL/200", "HIER_DIRECT/192.0.2.20"
    elapsed, size = rng.randrange(0, 60_000), rng.randrange(0, 200_000)
    if rng.random() < 0.8:
        return f"{when:.3f} {elapsed:6d} {client} {result} {size} CONNECT {host}:443 - {hier} -\n"
    return f"{when:.3f} {elapsed:6d} {client} {result} {size} GET http://{host}/side/{size} - {hier} text/html\n"


def timed(command: list[str]) -> tuple[float, float, float, str]:
    """Wall seconds, CPU seconds (user + system), the child's peak RSS in MiB, and its stdout. On a
    shared machine the CPU seconds are the figure that carries over; the wall clock includes waiting."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    before, cpu_before = usage.ru_maxrss, usage.ru_utime + usage.ru_stime
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    if done.returncode not in (0, 1):
        raise SystemExit(f"{command[0]} failed ({done.returncode}): {done.stderr[-2000:]}")
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, usage.ru_utime + usage.ru_stime - cpu_before, max(usage.ru_maxrss, before) / 1024, done.stdout


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lines", type=int, default=2_000_000)
    parser.add_argument("--seed", type=int, default=19)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--results", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="nettsjekk-observe-bench-") as scratch:
        log, allowlist = Path(scratch) / "access.log", Path(scratch) / "allowlist.txt"
        allowlist.write_text("\n".join(ALLOWED + [LEAKING]) + "\n")
        size = generate(log, args.lines, args.seed)
        awk_runs = [timed(["awk", "END {print NR}", str(log)]) for _ in range(args.repeat)]
        command = [sys.executable, "-m", "nettsjekk.cli.main", "observe", "--allowlist", str(allowlist),
                   "--format-out", "json", "--no-store", "--format", "squid"]
        empty = Path(scratch) / "empty.log"
        empty.write_text("")
        startup = min(timed([*command, str(empty)])[1] for _ in range(args.repeat))
        runs = [timed([*command, str(log)]) for _ in range(args.repeat)]
    awk, awk_cpu = min(run[0] for run in awk_runs), min(run[1] for run in awk_runs)
    wall, cpu, rss, out = min(runs, key=lambda run: run[1])
    data = json.loads(out)
    record = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), "cpus": os.cpu_count(),
        "load_avg_start": os.getloadavg()[0], "lines": args.lines, "bytes": size, "seed": args.seed,
        "awk_s": round(awk, 2), "awk_cpu_s": round(awk_cpu, 2), "awk_lines_per_cpu_s": round(args.lines / awk_cpu),
        "observe_s": round(wall, 2), "observe_cpu_s": round(cpu, 2),
        "observe_lines_per_s": round(args.lines / wall), "observe_lines_per_cpu_s": round(args.lines / cpu),
        "observe_peak_rss_mib": round(rss, 1), "read_lines": data["lines"], "malformed": data["malformed"],
        "leaks": len(data["leaks"]), "attempt_rows": len(data["attempts"]),
        "startup_cpu_s": round(startup, 2),
        "extrapolated_1gb_cpu_s": round(startup + (cpu - startup) * (1 << 30) / size, 1),
    }
    args.results.parent.mkdir(parents=True, exist_ok=True)
    with args.results.open("a", encoding="utf-8") as out_file:
        out_file.write(json.dumps(record) + "\n")
    print(f"{args.lines:,} lines, {size / 1e6:.0f} MB, load {record['load_avg_start']:.1f} on {os.cpu_count()} cpus")
    print(f"  awk count         wall {awk:7.2f} s  cpu {awk_cpu:6.2f} s  {record['awk_lines_per_cpu_s']:>11,} lines/cpu-s")
    print(f"  nettsjekk observe wall {wall:7.2f} s  cpu {cpu:6.2f} s  {record['observe_lines_per_cpu_s']:>11,} "
          f"lines/cpu-s  peak {rss:.0f} MiB")
    print(f"  1 GB (x{(1 << 30) / size:.1f} the lines, plus {startup:.2f} cpu-s start-up) extrapolated: "
          f"{record['extrapolated_1gb_cpu_s']} cpu-s")
    return record


if __name__ == "__main__":
    main()
