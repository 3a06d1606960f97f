#!/usr/bin/env python3
"""Where a probe's time goes: wall time per stage and CPU per process kind, on a small matrix.

    python bench/profile_probes.py                          # 5 resources x 2 engines x 2 locations = 20 probes
    py-spy record -o /tmp/probes.svg -- python bench/profile_probes.py   # plus the Python side's CPU
    python bench/profile_probes.py --legacy-rev 2815147      # A/B: that commit's detectors, collect and settle

Runs the same cells as ``bench/probes.py`` (the checkpoint's code path, ``run_cell`` with one
``ProbeService``) with timers wrapped around the probe's stages (context, navigation, document, load,
script check, title and screenshot, settle, collect.js, detectors, crops, sub-page navigations, close),
and samples ``/proc`` every 0.5 s to split CPU time between this Python process, the Playwright driver
(node), and each browser's processes. Prints both tables; ``--json`` writes them too.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import probes as bench  # noqa: E402
import procstat  # noqa: E402
from farm import generate_farm  # noqa: E402

from nettsjekk.checkpoints.config import Location  # noqa: E402
from nettsjekk.probes import detection, probe  # noqa: E402
from nettsjekk.probes.browsers import BrowserSettings  # noqa: E402

STAGES: dict[tuple[str, str], list[float]] = defaultdict(list)
_current_engine = threading.local()


def _timed_method(cls: type, name: str, stage: str) -> None:
    original = getattr(cls, name)

    @functools.wraps(original)
    async def wrapper(self, *args, **kwargs):
        started = time.monotonic()
        try:
            return await original(self, *args, **kwargs)
        finally:
            STAGES[(self.engine, stage)].append(time.monotonic() - started)

    setattr(cls, name, wrapper)


def _timed_function(module, name: str, stage: str, engine_of) -> None:
    original = getattr(module, name)

    @functools.wraps(original)
    async def wrapper(*args, **kwargs):
        started = time.monotonic()
        try:
            return await original(*args, **kwargs)
        finally:
            STAGES[(engine_of(args), stage)].append(time.monotonic() - started)

    setattr(module, name, wrapper)


def _engine_of_page(args) -> str:
    page = args[0]
    browser = page.context.browser
    return browser.browser_type.name if browser else "?"


def install_timers() -> None:
    """Wrap the probe's stages; sub-page visits include their own settle and detection."""
    run = probe._ProbeRun
    for name, stage in (("_open_context", "context: new"), ("_navigate", "navigation (commit)"),
                        ("_document", "document (DOMContentLoaded)"), ("_best_effort_load", "load event"),
                        ("_responsive", "script check"), ("_title_and_screenshot", "title + screenshot"),
                        ("_visit", "sub-page (goto+settle+detect)"), ("_wrap_up", "wrap-up + context close"),
                        ("run", "probe total")):
        _timed_method(run, name, stage)
    _timed_function(probe, "settle", "settle (all pages)", _engine_of_page)
    _timed_function(probe, "detect_page", "detect (all pages)", _engine_of_page)
    _timed_function(detection, "snapshot_page", "  collect.js (all frames)", _engine_of_page)
    _timed_function(detection, "_crop", "  evidence crops", _engine_of_page)
    original = detection.run_detectors

    def run_detectors(rules, snapshot, *args, **kwargs):
        started = time.thread_time()
        try:
            return original(rules, snapshot, *args, **kwargs)
        finally:
            STAGES[("python", "  detectors (Python CPU)")].append(time.thread_time() - started)

    detection.run_detectors = run_detectors


class CpuByKind(threading.Thread):
    """Last-seen utime+stime of every process in this tree, by kind (a process's last 0.5 s may be lost)."""

    def __init__(self, exclude: set[int]) -> None:
        super().__init__(daemon=True)
        self.exclude, self.seen, self.kind = exclude, {}, {}
        self.halt = threading.Event()

    def run(self) -> None:
        while not self.halt.wait(0.5):
            self.sample()

    def sample(self) -> None:
        for pid in procstat.process_tree(os.getpid(), self.exclude):
            if procstat.stat_fields(pid) is None:
                continue  # gone
            if pid not in self.kind:
                exe = procstat.executable(pid)
                if not exe:
                    continue
                self.kind[pid] = _kind(exe, procstat.argv(pid))
            self.seen[pid] = procstat.cpu_seconds(pid, reaped=False)

    def totals(self) -> dict[str, float]:
        out: dict[str, float] = defaultdict(float)
        for pid, cpu in self.seen.items():
            out[self.kind[pid]] += cpu
        return dict(sorted(out.items(), key=lambda kv: -kv[1]))


def _kind(exe_path: str, argv: list[bytes]) -> str:
    exe = os.path.basename(exe_path)
    args = b" ".join(argv).decode(errors="replace")
    if "python" in exe:
        return "python (bench + ProbeService)"
    if exe == "node":
        return "node (Playwright driver)"
    if "chrom" in exe:
        kind = next((a.split("=", 1)[1] for a in args.split(" ") if a.startswith("--type=")), "browser")
        return f"chromium {kind}"
    if "firefox" in exe:
        return "firefox parent" if "--remote-debugging-port" in args else "firefox content"
    return exe


def install_legacy(rev: str, workdir: Path) -> None:
    """Run ``rev``'s detectors, collect.js hand-over and settle instead of the working tree's (for a
    before/after at the same machine load)."""
    import nettsjekk.probes as package
    from nettsjekk.probes import settle as settle_module

    root = Path(__file__).resolve().parent.parent
    legacy = workdir / "legacy" / "legacydetectors"
    legacy.mkdir(parents=True)
    for name in ("__init__", "base", "destinations", "network", "text", "markup", "globals"):
        source = subprocess.run(["git", "-C", str(root), "show", f"{rev}:probes/detectors/{name}.py"],
                                capture_output=True, text=True, check=True).stdout
        (legacy / f"{name}.py").write_text(source)
    package.__path__.append(str(legacy.parent))
    from nettsjekk.probes import legacydetectors

    detection.DETECTORS = legacydetectors.DETECTORS
    detection.run_detectors.__defaults__ = (legacydetectors.DETECTORS,)
    detection._collect = lambda frame, args: frame.evaluate(detection.COLLECT_JS, args)
    namespace: dict = {}
    exec(subprocess.run(["git", "-C", str(root), "show", f"{rev}:probes/settle.py"], capture_output=True, text=True,
                        check=True).stdout, namespace)
    settle_module.settle = probe.settle = namespace["settle"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--resources", type=int, default=5)
    parser.add_argument("--engines", default="chromium,firefox")
    parser.add_argument("--locations", type=int, default=2)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--subpages", type=int, default=5)
    parser.add_argument("--settle-s", type=float, default=5.0)
    parser.add_argument("--latency-ms", type=int, default=200)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--legacy-rev", help="use this commit's detectors, collect.js hand-over and settle")
    args = parser.parse_args(argv)
    args.engines = args.engines.split(",")
    with tempfile.TemporaryDirectory(prefix="nettsjekk-probeprofile-") as folder:
        workdir = Path(folder)
        if args.legacy_rev:
            install_legacy(args.legacy_rev, workdir)
        install_timers()
        farm = generate_farm(workdir / "farm", args.resources)
        server = bench.FarmServer(farm.root, list(bench.LOCATION_NAMES[: args.locations]), args.latency_ms)
        try:
            locations = [Location(name=loc["name"], kind="proxy", proxy=loc["proxy_url"]) for loc in server.locations]
            settings = BrowserSettings(trust_ca=tuple(Path(loc["ca"]) for loc in server.locations))
            cells = bench.build_cells(farm, args.engines, locations)
            config = bench.build_config(args, locations, args.concurrency, args.subpages, workdir)
            cpu = CpuByKind({server.proc.pid})
            cpu.start()
            phase = bench.run_phase("matrix", cells, config, settings, server, workdir)
            cpu.halt.set()
        finally:
            server.close()
    print(bench.format_table([phase]))
    probes_per_engine = {e: sum(1 for c in cells if c.engine == e) for e in args.engines}
    print(f"\nwall time per probe by stage (s; mean over {len(cells)} probes, concurrency {args.concurrency}):")
    engines = [*args.engines, "python"]
    print(f"{'stage':34}" + "".join(f"{e:>12}" for e in engines))
    stages = list(dict.fromkeys(s for (_, s) in STAGES))
    table = {}
    for stage in stages:
        row = {e: sum(STAGES.get((e, stage), [])) / probes_per_engine.get(e, len(cells)) for e in engines}
        table[stage] = row
        print(f"{stage:34}" + "".join(f"{row[e]:>12.2f}" for e in engines))
    totals = cpu.totals()
    print(f"\nCPU seconds by process kind (sampled; total by getrusage: {phase.cpu_s:.1f} s, "
          f"fake internet {phase.fakenet_cpu_s:.1f} s):")
    for kind, seconds in totals.items():
        print(f"  {kind:40} {seconds:8.1f}")
    if args.json:
        args.json.write_text(json.dumps({"phase": phase.to_dict(), "stages": table, "cpu_by_kind": totals}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
