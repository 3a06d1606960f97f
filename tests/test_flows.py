"""Checkpoint runs through the real Prefect engine, real browsers and the fake internet."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from nettsjekk.fakenet import FakeInternet, Route
from nettsjekk.checkpoints.config import ConfigFileError, load_config
from nettsjekk.checkpoints.store import Store

pytestmark = [pytest.mark.browser]
ROOT = Path(__file__).resolve().parent.parent
DEMO_WEB, DEMO_LIST = ROOT / "demo_web", ROOT / "lists" / "demo.yaml"
FLOWDATA = Path(__file__).parent / "flowdata"
SITES = Path(__file__).parent / "sites"


def write_config(folder: Path, locations: list[tuple[str, FakeInternet]], **extra) -> Path:
    settings = {
        "lists": [str(DEMO_LIST)], "browsers": ["chromium", "firefox"],
        "locations": [{"name": name, "kind": "proxy", "proxy": rig.proxy_url, "trust_ca": [str(rig.ca_cert_path)]}
                      for name, rig in locations],
        "settle_s": 1, "subpage_settle_s": 0.2, "max_subpages": 1, "concurrency": 6,
        "retries": {"attempts": 2, "backoff_s": [0.2]},
        "database": str(folder / "store.db"), "output_dir": str(folder / "runs"), "tester": "pytest",
        **extra,
    }
    path = folder / "nettsjekk.yaml"
    path.write_text(yaml.safe_dump(settings), encoding="utf-8")
    return path


def run(config: Path, checkpoint: str = "test-exam", **kwargs) -> dict:
    from prefect.task_runners import ThreadPoolTaskRunner

    from nettsjekk.flows.checkpoint import verify_checkpoint

    flow = verify_checkpoint.with_options(task_runner=ThreadPoolTaskRunner(max_workers=6))
    return flow(str(config), checkpoint, **kwargs)


def test_a_checkpoint_over_two_engines_and_two_locations_marks_a_location_specific_failure(prefect_api, tmp_path):
    with FakeInternet([DEMO_WEB], name="a") as office, \
            FakeInternet([DEMO_WEB], name="b", blocked_hosts={"ordbok.demo-eksamen.no"}) as school:
        summary = run(write_config(tmp_path, [("kontoret", office), ("skolen", school)]))

    assert summary["cells"] == {"ok": 10, "failing": 10}  # demo-lisens: login_required (no session here)
    verdicts = {rid: v["verdict"] for rid, v in summary["verdicts"].items()}
    assert verdicts == {"demo-ordbok": "OK with conditions", "demo-leksikon": "OK", "demo-chatbot": "not OK",
                        "demo-broken": "not OK", "demo-lisens": "not tested"}
    assert summary["verdicts"]["demo-ordbok"]["reasons"] == [
        "fails only at location skolen (location-specific): blocked"]
    assert any("communication" in reason for reason in summary["verdicts"]["demo-chatbot"]["reasons"])
    store = Store(tmp_path / "store.db")
    assert store.cell_count(summary["run_id"]) == 20 and store.run(summary["run_id"])["status"] == "finished"
    assert (Path(summary["run_dir"]) / "summary.json").is_file()


def test_a_transient_503_is_retried_and_ends_flaky_while_a_404_is_not_retried(prefect_api, tmp_path):
    with FakeInternet([SITES], name="a") as rig:
        config = write_config(tmp_path, [("kontoret", rig)], lists=[str(FLOWDATA / "retry.yaml")],
                              vendor_dir=str(FLOWDATA / "vendors"), browsers=["chromium"])
        summary = run(config)
        requests = [(r.host, r.status) for r in rig.requests if r.method == "GET" and r.path == "/"]

    cells = {c.key.resource_id: c for c in Store(tmp_path / "store.db").cells(summary["run_id"])}
    assert (cells["flaky-ordbok"].status, cells["flaky-ordbok"].attempts) == ("flaky", 2)
    assert (cells["borte-ordbok"].status, cells["borte-ordbok"].attempts) == ("failing", 1)
    assert requests.count(("borte.retry-test.no", 404)) == 1
    assert summary["verdicts"]["flaky-ordbok"]["verdict"] == "OK with conditions"


def test_drift_shows_a_new_third_party_host_and_a_new_finding_between_two_runs(prefect_api, tmp_path):
    with FakeInternet([DEMO_WEB], name="a") as rig:
        config = write_config(tmp_path, [("kontoret", rig)], browsers=["chromium"])
        first = run(config, "publication", list_name=None)
        page = (DEMO_WEB / "ordbok.demo-eksamen.no" / "index.html").read_text(encoding="utf-8")
        chat = ('<script>window.intercomSettings={app_id:"x1"};</script>'
                '<script async src="https://widget.intercom.io/widget/x1"></script></body>')
        rig.set_route("ordbok.demo-eksamen.no", "/", Route(body=page.replace("</body>", chat)))
        second = run(config, "test-exam")

    drift = {r["resource_id"]: r for r in second["drift_previous"]["resources"]}
    assert second["drift_previous"]["against"] == first["run_id"]
    assert "widget.intercom.io" in drift["demo-ordbok"]["new_hosts"]
    assert any(f.startswith("communication/") for f in drift["demo-ordbok"]["new_findings"])
    assert drift["demo-ordbok"]["newly_failing"] is True
    assert set(drift) == {"demo-ordbok"}


def test_a_run_killed_mid_way_and_resumed_ends_with_every_cell_done_once(prefect_api, tmp_path):
    with FakeInternet([DEMO_WEB], name="a", latency_ms=400) as rig:
        config = write_config(tmp_path, [("kontoret", rig)], concurrency=1, settle_s=0.5)
        env = {**os.environ, "PREFECT_API_URL": prefect_api, "PREFECT_LOGGING_LEVEL": "WARNING"}
        process = subprocess.Popen([sys.executable, "-m", "nettsjekk.cli.main", "verify", "--checkpoint",
                                    "pre-exam", "--config", str(config)], env=env,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        done_before = _wait_for_cells(tmp_path / "store.db", at_least=2, process=process)
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
        store = Store(tmp_path / "store.db")
        run_id = store.runs()[0]["id"]
        assert store.run(run_id)["status"] == "running"
        summary = run(config, "pre-exam", resume=run_id)

    assert summary["run_id"] == run_id
    after = _finished(tmp_path / "store.db")
    assert len(after) == 10, "5 resources x 2 engines x 1 location, each exactly once"
    assert all(after[key] == stamp for key, stamp in done_before.items()), "finished cells were not probed again"


def _finished(db: Path) -> dict[tuple, str]:
    with sqlite3.connect(db) as connection:
        rows = connection.execute("SELECT resource_id, engine, location, finished_at FROM cells").fetchall()
    return {tuple(r[:3]): r[3] for r in rows}


def _wait_for_cells(db: Path, at_least: int, process: subprocess.Popen, timeout: float = 120) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, "the run ended before it could be killed"
        if db.exists():
            try:
                done = _finished(db)
            except sqlite3.OperationalError:
                done = {}
            if len(done) >= at_least:
                return done
        time.sleep(0.2)
    raise AssertionError("no cells were stored in time")


def test_configuration_errors_name_file_line_and_field(tmp_path):
    path = tmp_path / "nettsjekk.yaml"
    path.write_text("lists: [a.yaml]\nbrowsers: [chromium, netscape]\nlocations:\n  - name: skole\n    kind: proxy\n"
                    "concurrency: many\n", encoding="utf-8")
    with pytest.raises(ConfigFileError) as caught:
        load_config(path)
    assert caught.value.problems == [
        f"{path}:2: browsers[1]: 'netscape' is not allowed (choose one of: chromium, firefox, webkit)",
        f"{path}:4: locations[0]: location 'skole' is kind 'proxy' but has no 'proxy: URL'",
        f"{path}:6: concurrency: expected a whole number, got 'many'",
    ]


class SiteInProcess:
    """The deployment hop in-process: ``start`` runs the real verify-location flow and keeps what it posts."""

    def __init__(self, tamper=None):
        self.started, self.posted, self.cancelled, self.tamper = [], [], [], tamper

    def start(self, deployment, parameters):
        from nettsjekk.flows.location import verify_location

        self.started.append(deployment)
        verify_location(**parameters, post=lambda cell: self.posted.append(self.tamper(cell) if self.tamper else cell))
        return "run-1"

    def state(self, flow_run_id):
        return "Completed", True

    def cells(self, flow_run_id):
        return list(enumerate(self.posted))

    def cancel(self, flow_run_id, message):
        self.cancelled.append(message)


def _pool_cell(rig, tmp_path):
    from nettsjekk.checkpoints.config import Location
    from nettsjekk.checkpoints.matrix import CellSpec

    config = load_config(write_config(tmp_path, [("kontoret", rig)]))
    pool = Location(name="bergen", kind="pool", work_pool="bergen-pool", trust_ca=[str(rig.ca_cert_path)])
    store = Store(tmp_path / "store.db")
    return config, pool, CellSpec("demo-ordbok", "https://ordbok.demo-eksamen.no/", "chromium", pool), store


def test_a_pool_location_runs_at_the_site_and_its_results_reach_the_store(prefect_api, tmp_path, monkeypatch):
    """The site side is the real verify-location flow, reaching the internet through its HTTPS_PROXY;
    only the Prefect API between the two sides is replaced (tests/test_workers.py runs real workers)."""
    from nettsjekk.flows.location import dispatch_pool_location

    site = SiteInProcess()
    with FakeInternet([DEMO_WEB], name="site") as rig:
        monkeypatch.setenv("HTTPS_PROXY", rig.proxy_url)
        config, pool, spec, store = _pool_cell(rig, tmp_path)
        run_id = store.start_run("pre-exam", {})
        outcomes = dispatch_pool_location(config, store, run_id, pool, [spec], orchestrator=site)

    assert site.started == ["verify-location/bergen"]
    assert [o.status for o in outcomes] == ["ok"]
    assert store.cells(run_id)[0].result.title == "Demo-ordboka – bokmål og nynorsk"


def test_a_worker_result_that_is_malformed_or_not_asked_for_is_not_stored(tmp_path):
    """A worker is another machine: a result for a cell it was not given is rejected, naming the location."""
    from nettsjekk.checkpoints.config import Location
    from nettsjekk.checkpoints.matrix import CellSpec
    from nettsjekk.checkpoints.worker_cells import decode
    from nettsjekk.flows.location import dispatch_pool_location

    def tamper(cell):
        return {**cell, "cell": {**cell["cell"], "resource_id": "not-asked-for"}}

    config_path = tmp_path / "c.yaml"
    config_path.write_text(f"lists: [{DEMO_LIST}]\npool_wait_s: 1\n", encoding="utf-8")
    pool = Location(name="bergen", kind="pool", work_pool="bergen-pool")
    spec = CellSpec("demo-ordbok", "https://ordbok.demo-eksamen.no/", "firefox", pool)
    good = {"cell": {"resource_id": "demo-ordbok", "engine": "firefox", "location": "bergen"}, "status": "ok",
            "attempts": 1, "result": {"url": spec.url, "browser": "firefox", "location": "bergen", "ok": True}}

    class Replies(SiteInProcess):
        def start(self, deployment, parameters):
            self.posted += [tamper(good), {**good, "status": "splendid"}, "{not json", good]
            return "run-1"

    store = Store(tmp_path / "store.db")
    run_id = store.start_run("pre-exam", {})
    import logging

    from nettsjekk.flows import location as location_module

    class Collect(logging.Handler):
        def __init__(self):
            super().__init__(logging.WARNING)
            self.messages = []

        def emit(self, record):
            self.messages.append(record.getMessage())

    collect = Collect()
    location_module.log.addHandler(collect)
    try:
        outcomes = dispatch_pool_location(load_config(config_path), store, run_id, pool, [spec], orchestrator=Replies())
    finally:
        location_module.log.removeHandler(collect)

    assert [o.status for o in outcomes] == ["ok"]  # the one valid answer, and only it
    rejected = [m for m in collect.messages if "was not stored" in m]
    assert len(rejected) == 3 and all(m.startswith("location bergen: ") for m in rejected)
    assert "not-asked-for/firefox/bergen, a cell it was not given" in rejected[0]
    assert "status" in rejected[1]
    assert decode("bergen", good, {spec.key: spec})[0] == spec


def test_a_pool_location_whose_worker_does_not_answer_is_unreachable_and_its_run_cancelled(tmp_path):
    from nettsjekk.checkpoints.config import Location
    from nettsjekk.flows.location import dispatch_pool_location
    from nettsjekk.checkpoints.matrix import CellSpec

    class NoWorker(SiteInProcess):
        def start(self, deployment, parameters):
            return "run-1"

        def state(self, flow_run_id):
            return "Scheduled", False

    config_path = tmp_path / "c.yaml"
    config_path.write_text(f"lists: [{DEMO_LIST}]\npool_wait_s: 0.5\n", encoding="utf-8")
    pool = Location(name="bergen", kind="pool", work_pool="bergen-pool")
    store = Store(tmp_path / "store.db")
    run_id = store.start_run("pre-exam", {})
    site = NoWorker()
    outcomes = dispatch_pool_location(load_config(config_path), store, run_id, pool,
                                      [CellSpec("demo-ordbok", "https://ordbok.demo-eksamen.no/", "firefox", pool)],
                                      orchestrator=site)

    assert [o.status for o in outcomes] == ["location_unreachable"]
    detail = store.cells(run_id)[0].result.error_detail
    assert "no answer from work pool bergen-pool for 0.5 s" in detail and "Scheduled" in detail
    assert len(site.cancelled) == 1


def test_schedule_builds_one_schedule_per_checkpoint_date(tmp_path):
    from nettsjekk.flows.schedule import build_deployment

    path = tmp_path / "nettsjekk.yaml"
    path.write_text(f"lists: [{DEMO_LIST}]\ncheckpoints:\n  pre-exam: {{date: 2027-05-18, time: '06:00'}}\n"
                    "  publication: {date: 2027-01-11, time: '08:00'}\n", encoding="utf-8")
    deployment = build_deployment(load_config(path), path, "sjekk")

    schedules = [(s.schedule.rrule, s.schedule.timezone, s.parameters["checkpoint"]) for s in deployment.schedules]
    assert schedules == [("DTSTART:20270111T080000\nRRULE:FREQ=DAILY;COUNT=1", "Europe/Oslo", "publication"),
                         ("DTSTART:20270518T060000\nRRULE:FREQ=DAILY;COUNT=1", "Europe/Oslo", "pre-exam")]
    assert deployment.parameters["config_path"] == str(path.resolve())
