"""``nettsjekk demo``: probe the bundled demo web, fully offline.

Starts the fake internet over ``demo_web/``, probes every resource of ``lists/demo.yaml`` in
every engine available here, prints a table and writes the results as JSON.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

from playwright.async_api import async_playwright

import nettsjekk.demo_web
import nettsjekk.lists
import nettsjekk.vendor_whitelists
from nettsjekk.fakenet import FakeInternet
from nettsjekk.lists.catalog import load_catalog
from nettsjekk.probes.browsers import Browsers, BrowserSettings, available_engines
from nettsjekk.probes.probe import ProbeOptions
from nettsjekk.probes.results import ProbeResult
from nettsjekk.probes.runner import Cell, probe_cells

from .text import format_table

DEMO_WEB = Path(nettsjekk.demo_web.__file__).parent
DEMO_LIST = Path(nettsjekk.lists.__file__).parent / "demo.yaml"
VENDOR_DIR = Path(nettsjekk.vendor_whitelists.__file__).parent
DEMO_LOCATION = "demo"


@dataclass
class DemoRun:
    """What the demo measured: (resource id, result) pairs and where the JSON went."""

    engines: list[str]
    results: list[tuple[str, ProbeResult]]
    output: Path


async def run_demo(engines: list[str] | None, output: Path, timeout_s: float = 20.0, concurrency: int = 4) -> DemoRun:
    """Probe every demo resource in every requested (or available) engine."""
    catalog = load_catalog([DEMO_LIST], VENDOR_DIR)
    with FakeInternet([DEMO_WEB], name=DEMO_LOCATION) as rig:
        async with async_playwright() as playwright:
            engines = engines or available_engines(playwright)
            browsers = Browsers(playwright, BrowserSettings(trust_ca=(rig.ca_cert_path,)))
            options = ProbeOptions(timeout_s=timeout_s, proxy=rig.proxy_url, location=DEMO_LOCATION)
            cells = [Cell(r.id, str(r.url), engine, options) for r in catalog.resources for engine in engines]
            try:
                done = await probe_cells(browsers, cells, concurrency)
            finally:
                await browsers.close()
    results = [(cell.resource_id, result) for cell, result in done]
    write_results(results, engines, output)
    return DemoRun(engines, results, output)


def write_results(results: list[tuple[str, ProbeResult]], engines: list[str], output: Path) -> None:
    """Write the run as one JSON document (the probe JSON per cell, plus the resource id)."""
    output.parent.mkdir(parents=True, exist_ok=True)
    document = {
        "generated_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "list": str(DEMO_LIST.name),
        "engines": engines,
        "results": [{"resource": rid, **result.model_dump()} for rid, result in results],
    }
    output.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def summary_table(run: DemoRun) -> str:
    """One row per resource × engine: what a tester reads first."""
    rows = [
        (rid, r.browser, "OK" if r.ok else "FAILED", r.status, r.error or "", f"{r.elapsed_ms} ms", len(r.hosts),
         r.title or "")
        for rid, r in run.results
    ]
    headers = ("resource", "browser", "result", "status", "error", "time", "hosts", "title")
    return format_table(headers, rows)
