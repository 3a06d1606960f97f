"""A school's test exam for the intake tests: a configuration over the demo list with two schools,
a finished automated run in its store (written as the flow writes it), and ``nettsjekk intake
serve`` running on a free loopback port as a subprocess."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import yaml

from nettsjekk.checkpoints.config import load_config
from nettsjekk.checkpoints.plan import finish_run, prepare_run
from nettsjekk.checkpoints.store import CellKey, Store
from nettsjekk.probes.findings import Evidence, Finding
from nettsjekk.probes.results import ProbeResult, RequestRecord

ROOT = Path(__file__).resolve().parent.parent
DAY = "2027-03-02T07:30:00+00:00"
ANSWERS = {"location": "skolen", "resource_id": "demo-ordbok", "loads": "yes", "login": "not_relevant",
           "translation": "no", "communication": "no", "search_engine": "no", "ai": "no", "links_blocked": "not_tested",
           "role": "pupil", "initials": "ab", "comment": ""}
CHAT = Finding(category="communication", rule="comm-intercom-messenger", name="Intercom", severity="block",
               page="https://www.laeremiddel-demo.no/", evidence=Evidence(kind="element", value="#chat"), matches=1)


@dataclass
class School:
    folder: Path
    config: Path
    run_id: str
    url: str
    process: subprocess.Popen

    @property
    def database(self) -> Path:
        return self.folder / "store.db"

    def stored(self) -> list:
        store = Store(self.database, create=False)
        try:
            return store.manual_tests()
        finally:
            store.close()

    def nettsjekk(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "nettsjekk.cli.main", *args], capture_output=True, text=True,
                              timeout=timeout, cwd=self.folder)


def write_config(folder: Path) -> Path:
    settings = {"lists": [str(ROOT / "lists" / "demo.yaml")], "browsers": ["chromium", "firefox"],
                "locations": [{"name": "kontoret", "kind": "local"},
                              {"name": "skolen", "kind": "local", "description": "Skolen (eksamensnettet)"}],
                "database": "store.db", "output_dir": "runs", "tester": "Kari Nordmann"}
    path = folder / "nettsjekk.yaml"
    path.write_text(yaml.safe_dump(settings, allow_unicode=True), encoding="utf-8")
    return path


def _result(url: str, engine: str, location: str, findings: tuple[Finding, ...] = ()) -> ProbeResult:
    host = url.split("/")[2]
    return ProbeResult(url=url, browser=engine, browser_version="1.2.3", location=location, started_at=DAY,
                       status=200, ok=True, title="Tittel", hosts=[host], findings=list(findings),
                       requests=[RequestRecord(url=url, host=host, domain=host, type="document", status=200)])


def automated_run(config_path: Path) -> str:
    """The run: the dictionary and the chatbot load everywhere; the run finds the chatbot's chat."""
    config = load_config(config_path)
    store = Store(config.database)
    plan = prepare_run(config, store, "test-exam")
    for location in ("kontoret", "skolen"):
        for engine in ("chromium", "firefox"):
            store.save_cell(plan.run_id, CellKey("demo-ordbok", engine, location), "ok", 1,
                            _result("https://ordbok.demo-eksamen.no/", engine, location))
            store.save_cell(plan.run_id, CellKey("demo-chatbot", engine, location), "ok", 1,
                            _result("https://www.laeremiddel-demo.no/", engine, location, (CHAT,)))
    finish_run(plan, store)
    store.close()
    return plan.run_id


def start_school(folder: Path) -> School:
    config = write_config(folder)
    run_id = automated_run(config)
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen([sys.executable, "-m", "nettsjekk.cli.main", "intake", "serve", "--config",
                                str(config), "--checkpoint", "test-exam", "--port", "0"], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, cwd=folder, env=env)
    url = process.stdout.readline().strip()
    assert url.startswith("http://127.0.0.1:"), process.stderr.read() if process.poll() is not None else url
    _wait_until_up(url)
    return School(folder, config, run_id, url, process)


def _wait_until_up(url: str) -> None:
    import httpx

    for _ in range(100):
        try:
            httpx.get(url, timeout=2)
            return
        except httpx.TransportError:
            time.sleep(0.1)
    raise AssertionError(f"intake server at {url} did not answer")


def stop_school(school: School) -> str:
    """Stop the server (SIGTERM, as a service manager does); return what it printed on stderr."""
    school.process.terminate()
    try:
        _, err = school.process.communicate(timeout=15)
    except subprocess.TimeoutExpired:
        school.process.kill()
        _, err = school.process.communicate()
    return err


def png(width: int = 40, height: int = 30, extra: bytes = b"") -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(out, "PNG")
    return out.getvalue() + extra
