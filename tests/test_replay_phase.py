"""The exam-mode replay in a checkpoint run, as a county runs it: ``nettsjekk verify`` on a list of its
own through the fake internet, then the Testmal column "Forbudte lenker blokkert", the verdicts and
``summary.json``.

The list (tests/replaydata): a resource linking to YouTube and Facebook, and to ChatGPT on a sub-page;
a maths app whose formula engine host the vendor file lists under ``blocked_hosts`` by mistake; a
clean resource; a film resource whose vendor declares Vimeo, opened with an exception, so that its
Vimeo link is reachable in the exam network.
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from allowlist_rig import denied_standins
from nettsjekk.checkpoints.config import load_config
from nettsjekk.checkpoints.plan import prepare_run
from nettsjekk.checkpoints.replay_phase import ForbiddenLink, ReplayRecord, replay_phase, with_replay
from nettsjekk.checkpoints.store import CellKey, Store
from nettsjekk.checkpoints.verdict import CONDITIONS, NOT_OK, OK, Assessment
from nettsjekk.fakenet import FakeInternet
from nettsjekk.probes.results import ProbeResult

DATA = Path(__file__).parent / "replaydata"
BLOCKED_COLUMN = "Forbudte lenker blokkert (YouTube, Facebook, nettsøk)"


def write_config(folder: Path, rig: FakeInternet | None = None, **extra) -> Path:
    location = ({"name": "kontoret", "kind": "proxy", "proxy": rig.proxy_url, "trust_ca": [str(rig.ca_cert_path)]}
                if rig else {"name": "kontoret", "kind": "local"})
    settings = {"lists": [str(DATA / "lists" / "skolens-liste.yaml")], "vendor_dir": str(DATA / "vendors"),
                "exceptions": str(DATA / "exceptions.yaml"), "browsers": ["chromium", "firefox"],
                "locations": [location], "settle_s": 1, "subpage_settle_s": 0.5, "max_subpages": 1,
                "concurrency": 4, "retries": {"attempts": 1}, "database": str(folder / "store.db"),
                "output_dir": str(folder / "runs"), "tester": "Kari Nordmann", **extra}
    path = folder / "nettsjekk.yaml"
    path.write_text(yaml.safe_dump(settings, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def verified(prefect_api, tmp_path_factory):
    """``nettsjekk verify`` run to its end in a subprocess: (exit code, output, summary.json, Testmal rows)."""
    folder = tmp_path_factory.mktemp("county")
    standins = denied_standins(tmp_path_factory.mktemp("standins"))
    with FakeInternet([DATA / "sites", standins], name="replay-phase") as rig:
        config = write_config(folder, rig)
        env = {**os.environ, "PREFECT_API_URL": prefect_api, "PREFECT_LOGGING_LEVEL": "WARNING"}
        done = subprocess.run([sys.executable, "-m", "nettsjekk.cli.main", "verify", "--checkpoint", "test-exam",
                               "--config", str(config)], env=env, capture_output=True, text=True, timeout=600,
                              check=False)
        requested = rig.hosts_requested()
    runs = sorted((folder / "runs").iterdir())
    summary = json.loads((runs[-1] / "summary.json").read_text(encoding="utf-8"))
    table = (Path(summary["run_dir"]) / "reports" / "test-template.csv").read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(table), delimiter=";"))
    return done, summary, rows, requested


def column(rows: list[dict], resource: str) -> dict[str, str]:
    return {row["Nettleser"]: row[BLOCKED_COLUMN] for row in rows if row["Ressurs"] == resource}


@pytest.mark.browser
def test_verify_replays_every_resource_under_its_allowlist_and_fills_the_testmal_column(verified):
    done, summary, rows, requested = verified

    assert done.returncode == 1, done.stdout + done.stderr  # filmklipp is not OK
    assert "Traceback" not in done.stdout + done.stderr
    assert column(rows, "Videoressurs") == {"chromium": "ja (3 av 3)", "firefox": "ja (3 av 3)"}
    assert column(rows, "Matteapp") == {"chromium": "ingen slike lenker", "firefox": "ingen slike lenker"}
    assert column(rows, "Rent oppslag") == {"chromium": "ingen slike lenker", "firefox": "ingen slike lenker"}
    assert column(rows, "Filmklipp") == {"chromium": "NEI: https://vimeo.com/123456",
                                         "firefox": "NEI: https://vimeo.com/123456"}
    assert not {"www.youtube.com", "www.facebook.com", "chatgpt.com"} & requested  # the probes never open links


@pytest.mark.browser
def test_a_missing_host_is_a_condition_and_a_reachable_forbidden_link_is_not_ok(verified):
    _done, summary, _rows, _requested = verified
    verdicts = summary["verdicts"]

    assert verdicts["rent-oppslag"] == {"verdict": OK, "reasons": []}
    assert verdicts["matteapp"] == {"verdict": CONDITIONS, "reasons": [
        "does not work with only its allowlist reachable in chromium, firefox; missing: api.matteapp-data.no"]}
    assert verdicts["filmklipp"]["verdict"] == NOT_OK
    assert verdicts["filmklipp"]["reasons"][0] == (
        "forbidden link reachable with the allowlist in chromium, firefox: https://vimeo.com/123456 (video)")
    assert verdicts["videoressurs"]["verdict"] == CONDITIONS  # its links are review findings; all blocked


@pytest.mark.browser
def test_summary_json_has_the_replay_per_resource_and_engine(verified):
    _done, summary, _rows, _requested = verified
    replay = summary["replay"]

    assert set(replay) == {"videoressurs", "matteapp", "rent-oppslag", "filmklipp"}
    assert set(replay["matteapp"]) == {"chromium", "firefox"}
    maths = replay["matteapp"]["firefox"]
    assert (maths["checked"], maths["works"], maths["location"]) == (True, False, "kontoret")
    assert maths["missing_hosts"] == ["api.matteapp-data.no"]
    video = replay["videoressurs"]["chromium"]
    assert video["works"] is True and video["missing_hosts"] == []
    assert {(link["url"], link["category"], link["reachable"]) for link in video["forbidden_links"]} == {
        ("https://www.youtube.com/watch?v=eksamen", "video", False),
        ("https://www.facebook.com/eksamensressurs", "social", False),
        ("https://chatgpt.com/", "ai", False)}  # chatgpt.com is linked from the sub-page only
    film = replay["filmklipp"]["firefox"]["forbidden_links"]
    assert film == [{"url": "https://vimeo.com/123456", "host": "vimeo.com", "category": "video", "reachable": True}]


# ---------------------------------------------------------------- without a browser


def test_replay_off_stores_every_resource_as_not_replayed_without_opening_a_browser(tmp_path):
    config = load_config(write_config(tmp_path, replay=False))
    store = Store(config.database)
    plan = prepare_run(config, store, "test-exam")
    probe = ProbeResult(url="https://www.rent-oppslag.no/", browser="chromium", location="kontoret", status=200, ok=True)
    store.save_cell(plan.run_id, CellKey("rent-oppslag", "chromium", "kontoret"), "ok", 1, probe)

    def compile_allows():
        raise AssertionError("replay: off must not compile the allowlist")

    records = replay_phase(None, store, plan.run_id, config, list(config.settings.locations), ["chromium"],
                           compile_allows)

    assert [(r.resource, r.checked, r.reason) for r in records] == [
        ("rent-oppslag", False, "replay: off in the configuration")]
    assert store.replays(plan.run_id)[0]["checked"] is False


def test_a_resource_that_loaded_nowhere_is_not_replayed_and_its_verdict_stays_as_the_probes_said(tmp_path):
    config = load_config(write_config(tmp_path))
    store = Store(config.database)
    plan = prepare_run(config, store, "test-exam")
    probe = ProbeResult(url="https://www.filmklipp.no/", browser="chromium", location="kontoret", error="http_4xx")
    store.save_cell(plan.run_id, CellKey("filmklipp", "chromium", "kontoret"), "failing", 1, probe)

    records = replay_phase(None, store, plan.run_id, config, list(config.settings.locations), ["chromium"],
                           lambda: (lambda host: True))

    assert [(r.checked, r.reason) for r in records] == [(False, "it did not load in the run")]
    assessment = Assessment(NOT_OK, [])
    assert with_replay(assessment, records) is assessment


def test_a_blocked_link_leaves_an_ok_resource_ok_and_a_reachable_one_makes_it_not_ok():
    blocked = ForbiddenLink("https://www.youtube.com/watch?v=x", "www.youtube.com", "video", reachable=False)
    reachable = ForbiddenLink("https://www.youtube.com/watch?v=x", "www.youtube.com", "video", reachable=True)
    fine = ReplayRecord("r", "chromium", "kontoret", True, works=True, links_checked=True, forbidden_links=[blocked])
    opened = ReplayRecord("r", "firefox", "kontoret", True, works=True, links_checked=True, forbidden_links=[reachable])

    assert with_replay(Assessment(OK, []), [fine]).verdict == OK
    verdict = with_replay(Assessment(CONDITIONS, []), [fine, opened])
    assert verdict.verdict == NOT_OK
    assert [str(r) for r in verdict.reasons] == [
        "forbidden link reachable with the allowlist in firefox: https://www.youtube.com/watch?v=x (video)"]
