#!/usr/bin/env python3
"""Probe-matrix throughput and memory: nettsjekk's one-browser-per-engine service against a fresh
browser per check (how Checkly and OneUptime run browser checks).

    python bench/probes.py                                  # 60 resources x chromium,firefox x 2 locations
    python bench/probes.py --concurrency 2,4,6,8 --subpages 0,5
    python bench/probes.py --smoke                          # 3 resources x 1 engine x 1 location

Generates the farm (``bench/farm.py``) in a temp folder and serves it as ``--locations`` fake-internet
locations with ``--latency-ms`` per response, in a separate process (its CPU is reported apart). Each
cell goes through the checkpoint flow's own code path: ``checkpoints.matrix.run_cell`` with a
``ProbeService``, a ``Store`` and the bundled detection rules, ``--concurrency`` cells at a time (the
flow's task gate), with ``nettsjekk.yaml``'s defaults (timeout 30 s, settle 5 s, up to 5 sub-pages with
2 s settle, a screenshot per cell, retries). The baseline runs the same cells the same way, except that
its service launches a fresh browser for every check and closes it afterwards (``FreshBrowserService``:
a new ``Browsers`` per probe); on ``--baseline-sample`` cells (spread over engines and locations) when
that is fewer than all, its full-matrix figures then extrapolated and marked so.

Measured per phase: wall time, probes per second, CPU seconds (this process and every browser and driver
process: ``getrusage`` of this process and of reaped children, plus ``/proc`` for live ones), the peak of
the summed RSS (and PSS) of this process tree sampled every 200 ms, and the load average. Prints a table
and appends one JSON line per invocation to ``bench/results/probes.jsonl``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from farm import Farm, generate_farm  # noqa: E402
from procstat import cpu_seconds, process_tree, pss_bytes, rss_bytes  # noqa: E402

import yaml  # noqa: E402
from nettsjekk.allowlists.selection import compile_selection, run_results, select  # noqa: E402
from nettsjekk.checkpoints.config import Config, Location, Settings  # noqa: E402
from nettsjekk.checkpoints.link_phase import check_links_together, plan_link_checks  # noqa: E402
from nettsjekk.checkpoints.replay_phase import replay_targets, run_replays  # noqa: E402
from nettsjekk.lists.catalog import load_catalog  # noqa: E402
from nettsjekk.checkpoints.matrix import CellSpec, run_cell, subpage_share  # noqa: E402
from nettsjekk.checkpoints.store import Store  # noqa: E402
from nettsjekk.probes import browsers as browsers_module  # noqa: E402
from nettsjekk.probes.browsers import Browsers, BrowserSettings  # noqa: E402
from nettsjekk.probes.probe import ProbeOptions, probe_url  # noqa: E402
from nettsjekk.probes.results import ProbeResult  # noqa: E402
from nettsjekk.probes.rulebook import load_rules  # noqa: E402
from nettsjekk.probes.service import ProbeService  # noqa: E402
from nettsjekk.probes.trust import make_nss_db  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "probes.jsonl"
LOCATION_NAMES = ("kontoret", "skolen", "bergen", "tromso", "agder", "molde")
SAMPLE_S = 0.2
PSS_EVERY = 10  # PSS (smaps_rollup) is dear to read: every 2 s


class FreshBrowserService(ProbeService):
    """The baseline: the same service, but every probe launches its own browser and closes it after.

    Each launch gets its trust store for the farm's certificate authorities copied from one built at
    the start, instead of building it with ``certutil`` (0.4-0.8 s, on the event loop): a monitor on
    the real internet needs no extra authority, so the baseline is not charged for one.
    """

    def __init__(self, settings: BrowserSettings | None = None) -> None:
        super().__init__(settings)
        self._trust_store = self.browsers._tmp / "prepared-nssdb"
        if self.browsers.settings.trust_ca:
            make_nss_db(self._trust_store, list(self.browsers.settings.trust_ca))
        browsers_module.make_nss_db = self._copy_trust_store

    def _copy_trust_store(self, folder: Path, ca_files: list[Path]) -> Path:
        if not (folder / "cert9.db").exists():
            shutil.copytree(self._trust_store, folder, dirs_exist_ok=True)
        return folder

    def close(self) -> None:
        browsers_module.make_nss_db = make_nss_db
        super().close()

    def probe(self, url: str, engine: str, options: ProbeOptions) -> ProbeResult:
        return self.run(self._fresh(url, engine, options))

    async def _fresh(self, url: str, engine: str, options: ProbeOptions) -> ProbeResult:
        browsers = Browsers(self._playwright, self.browsers.settings)
        try:
            return await probe_url(browsers, url, engine, options)
        finally:
            await browsers.close()


# ---------------------------------------------------------------- processes: CPU and memory


def own_cpu() -> float:
    me = resource.getrusage(resource.RUSAGE_SELF)
    return me.ru_utime + me.ru_stime


def children_cpu(exclude: set[int]) -> float:
    """CPU seconds so far of reaped children (``getrusage``) and live descendants (``/proc``), not ``exclude``.

    The farm's server is a child too: it is excluded here and reaped only after the last phase.
    """
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    live = sum(cpu_seconds(pid) for pid in process_tree(os.getpid(), exclude) if pid != os.getpid())
    return kids.ru_utime + kids.ru_stime + live


class MemorySampler(threading.Thread):
    """Sums the RSS of this process tree every 200 ms (PSS every 2 s) and keeps the peaks; also keeps
    the last seen CPU time of every descendant (browsers that are reaped by init, not by this
    process, never reach ``RUSAGE_CHILDREN``)."""

    def __init__(self, exclude: set[int]) -> None:
        super().__init__(name="bench-sampler", daemon=True)
        self.exclude = exclude
        self.peak_rss = self.peak_pss = self.peak_processes = 0
        self.samples = 0
        self.seen_cpu: dict[int, float] = {}
        self.cpu_s = 0.0
        """The sampler's own CPU time (reading /proc), taken off the measured CPU."""
        self._halt = threading.Event()

    def run(self) -> None:
        while not self._halt.wait(SAMPLE_S):
            pids = process_tree(os.getpid(), self.exclude)
            for pid in pids[1:]:
                self.seen_cpu[pid] = max(self.seen_cpu.get(pid, 0.0), cpu_seconds(pid, reaped=False))
            self.peak_rss = max(self.peak_rss, sum(rss_bytes(pid) for pid in pids))
            self.peak_processes = max(self.peak_processes, len(pids))
            if self.samples % PSS_EVERY == 0:
                self.peak_pss = max(self.peak_pss, sum(pss_bytes(pid) for pid in pids))
            self.samples += 1
        self.cpu_s = time.thread_time()

    def stop(self) -> None:
        self._halt.set()
        self.join()


# ---------------------------------------------------------------- the farm's locations


class FarmServer:
    """The farm as fake-internet locations, served by ``bench/farm.py serve`` in its own process."""

    def __init__(self, root: Path, names: list[str], latency_ms: int) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, str(Path(__file__).with_name("farm.py")), "serve", "--root", str(root),
             "--latency-ms", str(latency_ms), *[a for n in names for a in ("--name", n)]],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.locations = [json.loads(self.proc.stdout.readline()) for _ in names]

    @property
    def cpu_s(self) -> float:
        return cpu_seconds(self.proc.pid)

    def close(self) -> None:
        self.proc.stdin.close()
        self.proc.wait(30)


# ---------------------------------------------------------------- one phase


@dataclass
class Phase:
    """One measured run of cells: the matrix with the shared service, or the fresh-browser baseline."""

    mode: str
    concurrency: int
    max_subpages: int
    probes: int
    wall_s: float = 0.0
    cpu_s: float = 0.0
    fakenet_cpu_s: float = 0.0
    sampler_cpu_s: float = 0.0
    peak_rss_mib: float = 0.0
    peak_pss_mib: float = 0.0
    peak_processes: int = 0
    ok: int = 0
    stored: int = 0
    attempts: int = 0
    statuses: dict = field(default_factory=dict)
    errors: dict = field(default_factory=dict)
    probe_elapsed_s_mean: float = 0.0
    load_avg_1m: list[float] = field(default_factory=list)
    extrapolated_from: int | None = None
    """For a baseline on a sample: how many cells were probed; the full-matrix figures are scaled."""

    @property
    def probes_per_s(self) -> float:
        return self.probes / self.wall_s if self.wall_s else 0.0

    def to_dict(self) -> dict:
        out = asdict(self)
        out["probes_per_s"] = round(self.probes_per_s, 3)
        out["cpu_s_per_probe"] = round(self.cpu_s / self.probes, 2) if self.probes else None
        for key in ("wall_s", "cpu_s", "fakenet_cpu_s", "sampler_cpu_s", "peak_rss_mib", "peak_pss_mib", "probe_elapsed_s_mean"):
            out[key] = round(out[key], 2)
        return out


def run_phase(mode: str, cells: list[CellSpec], config: Config, settings: BrowserSettings, server: FarmServer,
              workdir: Path) -> Phase:
    """Probe ``cells`` the way the checkpoint flow does and measure it; the store is kept in ``workdir``."""
    phase = Phase(mode, config.settings.concurrency, config.settings.max_subpages, len(cells))
    store = Store(phase_store(workdir, phase))
    run_id = store.start_run("test-exam", {"bench": mode})
    rules = tuple(load_rules(config.settings.rules))
    evidence = workdir / f"evidence-{mode}-{phase.concurrency}-{phase.max_subpages}"
    service_class = FreshBrowserService if mode == "baseline" else ProbeService

    def work(service: ProbeService) -> list:
        with ThreadPoolExecutor(max_workers=phase.concurrency, thread_name_prefix=f"bench-{mode}") as pool:
            return list(pool.map(lambda spec: run_cell(service, store, run_id, spec, config, rules, evidence), cells))

    outcomes = measured(phase, server, lambda: service_class(settings), work)
    phase.ok = sum(o.result.ok for o in outcomes)
    phase.attempts = sum(o.attempts for o in outcomes)
    phase.statuses = dict(Counter(o.status for o in outcomes))
    phase.errors = dict(Counter(f"{o.result.error}/{o.result.stage}" for o in outcomes if o.result.error))
    phase.probe_elapsed_s_mean = sum(o.result.elapsed_ms for o in outcomes) / len(outcomes) / 1000
    phase.stored = store.cell_count(run_id)
    store.close()
    return phase


def phase_store(workdir: Path, phase: Phase) -> Path:
    return workdir / f"{phase.mode}-{phase.concurrency}-{phase.max_subpages}.db"


def measured(phase: Phase, server: FarmServer, make_service: Callable[[], ProbeService],
             work: Callable[[ProbeService], list]) -> list:
    """Run ``work`` with a fresh service and record wall time, CPU and memory in ``phase``."""
    exclude = {server.proc.pid}
    load_before = os.getloadavg()[0]
    sampler = MemorySampler(exclude)
    own_before, children_before, fakenet_before = own_cpu(), children_cpu(exclude), server.cpu_s
    sampler.start()
    started = time.monotonic()
    service = make_service()
    try:
        out = work(service)
    finally:
        children_live = children_cpu(exclude)
        service.close()
    phase.wall_s = time.monotonic() - started
    sampler.stop()
    # Two lower bounds of the browsers' and driver's CPU, the larger one counts: getrusage + /proc (misses
    # processes reaped by init, e.g. a browser that outlives its driver for a moment) and the sampler's
    # last look at every descendant (misses each process's last 200 ms).
    reaped = max(children_live, children_cpu(exclude)) - children_before
    phase.cpu_s = own_cpu() - own_before - sampler.cpu_s + max(reaped, sum(sampler.seen_cpu.values()))
    phase.sampler_cpu_s = sampler.cpu_s
    phase.fakenet_cpu_s = server.cpu_s - fakenet_before
    phase.load_avg_1m = [round(load_before, 2), round(os.getloadavg()[0], 2)]
    phase.peak_rss_mib, phase.peak_pss_mib = sampler.peak_rss / 2**20, sampler.peak_pss / 2**20
    phase.peak_processes = sampler.peak_processes
    return out


def run_replay_phase(matrix: Phase, config: Config, settings: BrowserSettings, server: FarmServer,
                     workdir: Path, list_path: Path, vendor_dir: Path) -> Phase:
    """The checkpoint's exam-mode replay after ``matrix``: the allowlist compiled from the matrix's cells
    as ``nettsjekk export --run`` compiles it, then every resource in every engine at the first location
    that reached it (``checkpoints.replay_phase``), measured like a phase; ``probes`` counts replays."""
    store = Store(phase_store(workdir, matrix))
    run_id = store.runs()[-1]["id"]
    cells = store.cells(run_id)
    targets, _skipped = replay_targets(cells, list(config.settings.locations), list(config.settings.browsers))
    phase = Phase("replay", matrix.concurrency, matrix.max_subpages, len(targets))

    def work(service: ProbeService) -> list:
        selection = select([list_path], vendor_dir, extra_results=run_results(store, run_id))
        allowlist, _exceptions = compile_selection(selection)
        return run_replays(service, config, targets, allowlist.allows)

    records = measured(phase, server, lambda: ProbeService(settings), work)
    phase.ok = phase.stored = sum(bool(r.works) for r in records)
    phase.statuses = dict(Counter("works" if r.works else f"fails: {r.error or ', '.join(r.missing_hosts)}"
                                  for r in records))
    phase.errors = dict(Counter(r.error for r in records if r.error))
    phase.attempts = len(records)
    store.close()
    return phase


def run_links_phase(matrix: Phase, config: Config, settings: BrowserSettings, server: FarmServer,
                    workdir: Path, list_path: Path, vendor_dir: Path) -> Phase:
    """The checkpoint's link phase after ``matrix``: every resource crawled once from the first location
    that loaded it (``links: first``), all in one crawler process, with browser rechecks where needed
    (``checkpoints.link_phase.check_links_together``), measured like a phase; ``probes`` counts crawls."""
    os.environ.setdefault("NETTSJEKK_CONTACT", "bench@nettsjekk.invalid")  # the crawler's User-Agent names one
    store = Store(phase_store(workdir, matrix))
    run_id = store.runs()[-1]["id"]
    plan = plan_link_checks(config, store.cells(run_id), list(config.settings.locations), list(config.settings.browsers))
    phase = Phase("links", matrix.concurrency, matrix.max_subpages, len(plan.targets))
    catalog = load_catalog([list_path], vendor_dir)

    def work(service: ProbeService) -> list[dict]:
        return check_links_together(config, catalog, store, run_id, plan.targets, service)

    checks = measured(phase, server, lambda: ProbeService(settings), work)
    phase.ok = phase.stored = sum(bool(c["checked"]) for c in checks)
    phase.statuses = dict(Counter("checked" if c["checked"] else f"not checked: {c['reason']}" for c in checks))
    phase.attempts = len(checks)
    store.close()
    return phase


def write_farm_list(farm: Farm, folder: Path) -> tuple[Path, Path]:
    """A list of the farm's resources and one vendor file naming their own hosts (what the replay compiles from)."""
    vendors = folder / "vendors"
    vendors.mkdir(parents=True, exist_ok=True)
    resources = [{"id": site.resource_id, "name": site.resource_id, "url": site.url, "vendor": "bench-farm",
                  "source": "bench farm"} for site in farm.sites]
    list_path = folder / "bench-farm.yaml"
    list_path.write_text(yaml.safe_dump({"list": "national", "version": "bench", "resources": resources}),
                         encoding="utf-8")
    hosts = sorted({host for site in farm.sites for host in site.hosts})
    (vendors / "bench-farm.yaml").write_text(yaml.safe_dump(
        {"id": "bench-farm", "name": "Bench farm", "sources": ["bench farm"], "domains": hosts}), encoding="utf-8")
    return list_path, vendors


def extrapolate(sample: Phase, total: int) -> Phase:
    """The baseline's full-matrix figures from a sample: time and CPU scale with the cell count."""
    scale = total / sample.probes
    full = Phase(**{**asdict(sample), "probes": total, "wall_s": sample.wall_s * scale,
                    "cpu_s": sample.cpu_s * scale, "fakenet_cpu_s": sample.fakenet_cpu_s * scale,
                    "extrapolated_from": sample.probes})
    return full


# ---------------------------------------------------------------- the matrix


def build_config(args: argparse.Namespace, locations: list[Location], concurrency: int, subpages: int,
                 workdir: Path) -> Config:
    settings = Settings(lists=["bench-farm.yaml"], vendor_dir="vendors", browsers=args.engines, locations=locations,
                        concurrency=concurrency, settle_s=args.settle_s, max_subpages=subpages,
                        database=str(workdir / "unused.db"), output_dir=str(workdir))
    return Config(settings, workdir, "bench")


def build_cells(farm: Farm, engines: list[str], locations: list[Location], subpages_per_location: str = "split"
                ) -> list[CellSpec]:
    """Every resource x location x engine, in the checkpoint's order, sub-pages shared out as it does."""
    cells = []
    for site in farm.sites:
        own = (site.url.split("/")[2].split(".", 1)[1],)
        for position, location in enumerate(locations):
            for engine in engines:
                share = subpage_share(position, len(locations), subpages_per_location)
                cells.append(CellSpec(site.resource_id, site.url, engine, location, (), own, (), share))
    return cells


def baseline_sample(cells: list[CellSpec], size: int, seed: int = 11) -> list[CellSpec]:
    """``size`` cells spread evenly over engines and locations (all of them when size >= len)."""
    if size >= len(cells):
        return list(cells)
    groups: dict[tuple[str, str], list[CellSpec]] = {}
    for cell in cells:
        groups.setdefault((cell.engine, cell.location.name), []).append(cell)
    rng = random.Random(seed)
    picked: list[CellSpec] = []
    keys = sorted(groups)
    for i in range(size):
        group = groups[keys[i % len(keys)]]
        picked.append(group.pop(rng.randrange(len(group))))
    return sorted(picked, key=cells.index)


def run_benchmark(args: argparse.Namespace) -> dict:
    record: dict = {"date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
                    "commit": _git_commit(), "cpus": os.cpu_count(), "smoke": args.smoke,
                    "resources": args.resources, "engines": args.engines, "locations": args.locations,
                    "latency_ms": args.latency_ms, "settle_s": args.settle_s,
                    "subpages_per_location": args.subpages_per_location, "baseline_sample": args.baseline_sample,
                    "replay": args.replay, "links": args.links,
                    "load_avg_start": [round(x, 2) for x in os.getloadavg()], "phases": []}
    with tempfile.TemporaryDirectory(prefix="nettsjekk-probebench-") as folder:
        workdir = Path(folder)
        farm = generate_farm(workdir / "farm", args.resources, args.seed)
        record["farm"] = farm.describe()
        list_path, vendor_dir = write_farm_list(farm, workdir)
        names = list(LOCATION_NAMES[: args.locations])
        server = FarmServer(farm.root, names, args.latency_ms)
        try:
            locations = [Location(name=loc["name"], kind="proxy", proxy=loc["proxy_url"]) for loc in server.locations]
            settings = BrowserSettings(trust_ca=tuple(Path(loc["ca"]) for loc in server.locations))
            cells = build_cells(farm, args.engines, locations, args.subpages_per_location)
            record["probes"] = len(cells)
            for subpages in args.subpages:
                for concurrency in args.concurrency:
                    config = build_config(args, locations, concurrency, subpages, workdir)
                    _say(f"matrix: {len(cells)} probes, concurrency {concurrency}, sub-pages {subpages} ...")
                    matrix = run_phase("matrix", cells, config, settings, server, workdir)
                    record["phases"].append(matrix.to_dict())
                    _say(format_table([matrix]))
                    if args.replay:
                        _say(f"replay: every resource x engine under the compiled allowlist, concurrency {concurrency} ...")
                        replayed = run_replay_phase(matrix, config, settings, server, workdir, list_path, vendor_dir)
                        record["phases"].append(replayed.to_dict())
                        _say(format_table([replayed]))
                    if args.links:
                        _say("links: every resource crawled once for broken links, in one crawler process ...")
                        crawled = run_links_phase(matrix, config, settings, server, workdir, list_path, vendor_dir)
                        record["phases"].append(crawled.to_dict())
                        _say(format_table([crawled]))
                    size = 6 * concurrency if args.baseline_sample is None else args.baseline_sample
                    if size <= 0:
                        continue
                    sample = baseline_sample(cells, size)
                    _say(f"baseline: {len(sample)} probes, a fresh browser each, concurrency {concurrency} ...")
                    base = run_phase("baseline", sample, config, settings, server, workdir)
                    full = extrapolate(base, len(cells)) if len(sample) < len(cells) else base
                    record["phases"].append(full.to_dict())
                    _say(format_table([full]))
        finally:
            server.close()
    record["load_avg_end"] = [round(x, 2) for x in os.getloadavg()]
    record["speedup"] = speedups(record["phases"])
    record["replay_cost"] = phase_costs(record["phases"], "replay")
    record["links_cost"] = phase_costs(record["phases"], "links")
    return record


def speedups(phases: list[dict]) -> list[dict]:
    """Baseline wall time over the matrix's, per concurrency and sub-page setting."""
    out = []
    for base in (p for p in phases if p["mode"] == "baseline"):
        matrix = next(p for p in phases if p["mode"] == "matrix" and p["concurrency"] == base["concurrency"]
                      and p["max_subpages"] == base["max_subpages"])
        out.append({"concurrency": base["concurrency"], "max_subpages": base["max_subpages"],
                    "wall_ratio": round(base["wall_s"] / matrix["wall_s"], 2),
                    "cpu_ratio": round(base["cpu_s"] / matrix["cpu_s"], 2) if matrix["cpu_s"] else None,
                    "rss_ratio": round(base["peak_rss_mib"] / matrix["peak_rss_mib"], 2),
                    "baseline_extrapolated_from": base["extrapolated_from"]})
    return out


def phase_costs(phases: list[dict], mode: str) -> list[dict]:
    """The wall time and CPU of each ``mode`` phase (replay, links) as a share of the probe matrix it followed."""
    out = []
    for index, replayed in enumerate(phases):
        if replayed["mode"] != mode:
            continue
        matrix = next(p for p in reversed(phases[:index]) if p["mode"] == "matrix")
        out.append({"concurrency": replayed["concurrency"], "max_subpages": replayed["max_subpages"],
                    "replays" if mode == "replay" else mode: replayed["probes"], "probes": matrix["probes"],
                    "wall_share": round(replayed["wall_s"] / matrix["wall_s"], 3),
                    "cpu_share": round(replayed["cpu_s"] / matrix["cpu_s"], 3) if matrix["cpu_s"] else None})
    return out


def format_table(phases: list[Phase | dict]) -> str:
    head = (f"{'mode':9} {'conc':>4} {'sub':>3} {'probes':>6} {'wall s':>8} {'probes/s':>8} {'CPU s':>8} "
            f"{'CPU/probe':>9} {'peak RSS MiB':>12} {'peak PSS MiB':>12} {'ok':>5} {'load':>10}  note")
    lines = [head]
    for p in phases:
        d = p.to_dict() if isinstance(p, Phase) else p
        note = f"extrapolated from {d['extrapolated_from']} probes" if d.get("extrapolated_from") else ""
        ok = f"{d['ok']}/{d['extrapolated_from'] or d['probes']}"
        load = "->".join(f"{x:.1f}" for x in d["load_avg_1m"])
        lines.append(f"{d['mode']:9} {d['concurrency']:>4} {d['max_subpages']:>3} {d['probes']:>6} {d['wall_s']:>8.1f} "
                     f"{d['probes_per_s']:>8.3f} {d['cpu_s']:>8.1f} {d['cpu_s_per_probe']:>9.2f} "
                     f"{d['peak_rss_mib']:>12.0f} {d['peak_pss_mib']:>12.0f} {ok:>5} {load:>10}  {note}")
    return "\n".join(lines)


def format_record(record: dict) -> str:
    lines = [f"{record['probes']} probes ({record['resources']} resources x {', '.join(record['engines'])} x "
             f"{record['locations']} locations), {record['latency_ms']} ms latency, settle {record['settle_s']} s, "
             f"{record['cpus']} CPUs, load {record['load_avg_start'][0]} -> {record['load_avg_end'][0]}", "",
             format_table(record["phases"])]
    for s in record["speedup"]:
        lines.append(f"\nconcurrency {s['concurrency']}, sub-pages {s['max_subpages']}: the shared browsers are "
                     f"{s['wall_ratio']}x faster than a fresh browser per check (CPU {s['cpu_ratio']}x, peak RSS "
                     f"{s['rss_ratio']}x){' (baseline extrapolated)' if s['baseline_extrapolated_from'] else ''}")
    for c in record.get("replay_cost", []):
        lines.append(f"\nconcurrency {c['concurrency']}, sub-pages {c['max_subpages']}: the replay phase ({c['replays']} "
                     f"replays) took {c['wall_share']:.0%} of the probe matrix's wall time ({c['probes']} probes) "
                     f"and {c['cpu_share']:.0%} of its CPU")
    for c in record.get("links_cost", []):
        lines.append(f"\nconcurrency {c['concurrency']}, sub-pages {c['max_subpages']}: the link phase ({c['links']} "
                     f"crawls) took {c['wall_share']:.0%} of the probe matrix's wall time ({c['probes']} probes) "
                     f"and {c['cpu_share']:.0%} of its CPU")
    return "\n".join(lines)


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def _git_commit() -> str:
    """The commit measured, with ``+dirty`` when the work tree has changes to tracked files."""
    try:
        head = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True,
                              text=True, check=False).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True, check=False).stdout.strip()
    except OSError:
        return ""
    return head + ("+dirty" if dirty else "")


def _ints(text: str) -> list[int]:
    return [int(x) for x in text.split(",") if x.strip()]


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--resources", type=int, default=60)
    p.add_argument("--engines", default="chromium,firefox", help="comma-separated (default chromium,firefox)")
    p.add_argument("--locations", type=int, default=2, help=f"fake-internet locations (at most {len(LOCATION_NAMES)})")
    p.add_argument("--latency-ms", type=int, default=200, help="latency per response (default 200)")
    p.add_argument("--concurrency", type=_ints, default=[4], help="probes at once; a list runs each (e.g. 2,4,6,8)")
    p.add_argument("--subpages", type=_ints, default=[5], help="max sub-pages per probe; a list runs each (e.g. 0,5)")
    p.add_argument("--settle-s", type=float, default=5.0)
    p.add_argument("--subpages-per-location", choices=("split", "all"), default="split",
                   help="share the sub-pages out between locations, as a checkpoint does by default (split), or "
                        "visit every sub-page in every cell (all)")
    p.add_argument("--baseline-sample", type=int, default=None,
                   help="cells the fresh-browser baseline probes (default: 6 x concurrency, so that its tail is "
                        "short; 0: no baseline; >= all: the whole matrix)")
    p.add_argument("--seed", type=int, default=7, help="the farm's seed")
    p.add_argument("--replay", action="store_true",
                   help="after each matrix, measure the checkpoint's exam-mode replay phase on its results")
    p.add_argument("--links", action="store_true",
                   help="after each matrix, measure the checkpoint's link phase (one crawl per resource) on its results")
    p.add_argument("--smoke", action="store_true",
                   help="tiny: 3 resources x 1 engine x 1 location, baseline 1, 20 ms latency, settle 0.5 s, no sub-pages")
    p.add_argument("--results", type=Path, default=RESULTS, help="JSON lines file to append to")
    p.add_argument("--no-record", action="store_true", help="do not append to the results file")
    return p


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    args = parser().parse_args(argv)
    given = set(argv if argv is not None else sys.argv[1:])
    if args.smoke:
        defaults = {"--resources": ("resources", 3), "--engines": ("engines", "chromium"),
                    "--locations": ("locations", 1), "--baseline-sample": ("baseline_sample", 1),
                    "--latency-ms": ("latency_ms", 20), "--settle-s": ("settle_s", 0.5),
                    "--subpages": ("subpages", [0])}
        for flag, (name, value) in defaults.items():
            if not any(g == flag or g.startswith(flag + "=") for g in given):
                setattr(args, name, value)
    args.engines = [e.strip() for e in args.engines.split(",") if e.strip()] if isinstance(args.engines, str) else args.engines
    if not 1 <= args.locations <= len(LOCATION_NAMES):
        parser().error(f"--locations must be 1..{len(LOCATION_NAMES)}")
    return args


def main(argv: list[str] | None = None) -> dict:
    args = parse_args(argv)
    record = run_benchmark(args)
    print(format_record(record), flush=True)
    if not args.no_record:
        args.results.parent.mkdir(parents=True, exist_ok=True)
        with args.results.open("a", encoding="utf-8") as out:
            out.write(json.dumps(record) + "\n")
    return record


if __name__ == "__main__":
    main()
    sys.exit(0)
