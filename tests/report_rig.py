"""A generated checkpoint run the size of a real county list, for the reports' layout promises.

``big_run(folder)`` writes a list of 80 resources (one vendor), a configuration with three locations
and two browsers, and a finished run in a fresh store: most resources load everywhere; some answer
404, some show a chat widget in one browser, some have a finding to review, one location cannot
reach a few. An earlier test-exam run (verdicts only: the first resource failed, the rest were OK) is
the approved baseline. No browser runs: the cells are written to the store as the checkpoint flow would.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml
from nettsjekk.checkpoints.config import Config, load_config
from nettsjekk.checkpoints.plan import finish_run, prepare_run
from nettsjekk.checkpoints.store import CellKey, Store
from nettsjekk.probes.findings import Evidence, Finding
from nettsjekk.probes.results import ProbeResult, RequestRecord

ROOT = Path(__file__).resolve().parent.parent
LOCATIONS = ("kontoret", "skolen-nord", "skolen-sor")
ENGINES = ("chromium", "firefox")
DAY = "2027-03-02T07:30:00+00:00"
SUBJECTS = ("Ordbok bokmål–nynorsk", "Matematikk formelsamling", "Norsk grammatikk og rettskriving",
            "Engelsk–norsk ordbok", "Kjemi periodesystem interaktivt", "Geografi kartverktøy",
            "Historie kildearkiv", "Samfunnsfag statistikkbank", "Fysikk simuleringer", "Tysk verbbøying")
CHAT = Finding(category="communication", rule="comm-intercom-messenger", name="Intercom Messenger",
               name_nb="Intercom Messenger (livechat)", severity="block", page="https://ressurs-{n}.eksamen-demo.no/",
               evidence=Evidence(kind="element", value="#intercom-frame"))
TRANSLATE = Finding(category="translation", rule="tr-google-widget", name="Google Translate widget",
                    name_nb="Google Oversetter-widget", severity="review", page="https://ressurs-{n}.eksamen-demo.no/",
                    evidence=Evidence(kind="script", value="translate.google.com"))


CDN = "bilder.eksamen-cdn.no"
"""Every tenth resource loads its pictures from here; skolen-nord's proxy refuses it."""


def resource_id(n: int) -> str:
    return f"ressurs-{n:02d}"


def host(n: int) -> str:
    return f"ressurs-{n:02d}.eksamen-demo.no"


def write_setup(folder: Path, count: int) -> Path:
    """List, vendor file and nettsjekk.yaml for ``count`` resources; returns the configuration's path."""
    vendors = folder / "vendors"
    vendors.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "vendor_whitelists" / "_platform.yaml", vendors)
    domains = [{"host": h, "status": "confirmed", "source": "generated"} for h in [host(n) for n in range(1, count + 1)]
               + [CDN]]
    vendor = {"id": "fylkets-leverandor", "name": "Fylkets læremiddelleverandør AS", "sources": ["generated"],
              "domains": domains}
    (vendors / "fylkets-leverandor.yaml").write_text(yaml.safe_dump(vendor, allow_unicode=True), encoding="utf-8")
    resources = [{"id": resource_id(n), "name": f"{SUBJECTS[n % len(SUBJECTS)]} {n}", "url": f"https://{host(n)}/",
                  "vendor": "fylkets-leverandor", "source": "generated", "confirmed": True}
                 for n in range(1, count + 1)]
    listing = folder / "fylket.yaml"
    listing.write_text(yaml.safe_dump({"list": "local", "county": "vestland", "version": "2027",
                                       "resources": resources}, allow_unicode=True), encoding="utf-8")
    settings = {"lists": [str(listing)], "vendor_dir": str(vendors), "browsers": list(ENGINES),
                "locations": [{"name": name, "kind": "local"} for name in LOCATIONS],
                "database": "store.db", "output_dir": "runs", "tester": "Kari Nordmann"}
    path = folder / "nettsjekk.yaml"
    path.write_text(yaml.safe_dump(settings, allow_unicode=True), encoding="utf-8")
    return path


def _cell(n: int, engine: str, location: str) -> tuple[str, ProbeResult]:
    url = f"https://{host(n)}/"
    status, code, error, findings = "ok", 200, None, []
    if n % 9 == 0:
        status, code, error = "failing", 404, "http_4xx"
    elif n % 13 == 0 and location == LOCATIONS[2]:
        status, code, error = "location_unreachable", None, "proxy"
    if status == "ok" and n % 7 == 0 and engine == "chromium":
        findings.append(CHAT.model_copy(update={"page": url}))
    if status == "ok" and n % 11 == 0:
        findings.append(TRANSLATE.model_copy(update={"page": url + "ordbok/sok"}))
    requests = [RequestRecord(url=url, host=host(n), domain="eksamen-demo.no", type="document", status=code)]
    if status == "ok" and n % 10 == 0:
        refused = location == LOCATIONS[1]
        requests.append(RequestRecord(url=f"https://{CDN}/{n}.png", host=CDN, domain="eksamen-cdn.no", type="image",
                                      status=None if refused else 200,
                                      failure=("net::ERR_TUNNEL_CONNECTION_FAILED" if engine == "chromium"
                                               else "NS_ERROR_PROXY_FORBIDDEN") if refused else None,
                                      cause="blocked" if refused else None))
    return status, ProbeResult(url=url, browser=engine, browser_version="131.0", location=location, started_at=DAY,
                               status=code, ok=status == "ok", error=error, title=f"Ressurs {n}",
                               elapsed_ms=800 + 10 * n + (400 if location == LOCATIONS[1] else 0),
                               requests=requests, hosts=sorted({r.host for r in requests}), findings=findings)


def big_run(folder: Path, count: int = 80) -> tuple[Config, Store, str]:
    """A finished run of ``count`` resources × 3 locations × 2 browsers (see the module docstring)."""
    config = load_config(write_setup(folder, count))
    store = Store(config.database)
    earlier = store.start_run("test-exam", {"locations": list(LOCATIONS), "browsers": list(ENGINES)}, "Kari Nordmann")
    store.save_verdicts(earlier, {resource_id(n): ("not OK" if n == 1 else "OK", []) for n in range(1, count + 1)})
    store.finish_run(earlier)
    store.approve_baseline(earlier, who="pytest")
    plan = prepare_run(config, store, "pre-exam")
    for n in range(1, count + 1):
        for location in LOCATIONS:
            for engine in ENGINES:
                status, result = _cell(n, engine, location)
                store.save_cell(plan.run_id, CellKey(resource_id(n), engine, location), status, 1, result)
    finish_run(plan, store)
    return config, store, plan.run_id
