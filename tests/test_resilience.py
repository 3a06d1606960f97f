"""A run survives a browser killed mid-way, a location going down, and faults in the results store."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

sys.path.append(str(Path(__file__).resolve().parents[1] / "bench"))  # bench/procstat.py
from procstat import browser_pids  # noqa: E402

from nettsjekk.fakenet import FakeInternet  # noqa: E402
from nettsjekk.checkpoints.config import Config, Location, Settings
from nettsjekk.checkpoints.matrix import CellSpec, run_cell
from nettsjekk.checkpoints.store import Store, StoreError
from nettsjekk.probes.browsers import BrowserSettings
from nettsjekk.probes.probe import ProbeOptions
from nettsjekk.probes.results import ProbeResult
from nettsjekk.probes.service import ProbeService

SITES = Path(__file__).parent / "sites"
CLEAN = "https://www.example-ordbok.no/"
SLOW = "https://www.example-ordbok.no/__fakenet/delay/4000/"


@pytest.mark.browser
@pytest.mark.parametrize("engine", ["chromium", "firefox"])
def test_a_browser_killed_mid_run_costs_one_probe_and_the_run_goes_on(fake_internet, engine):
    urls = [CLEAN] * 9 + [SLOW] + [CLEAN] * 10
    results: list[ProbeResult] = []
    with ProbeService(BrowserSettings(trust_ca=(fake_internet.ca_cert_path,))) as service:
        options = ProbeOptions(proxy=fake_internet.proxy_url, detect=False, timeout_s=15)
        before: set[int] = set()
        for number, url in enumerate(urls):
            if number == 1:
                before = set(browser_pids(engine))
            if url == SLOW:
                killer = threading.Timer(1.5, lambda: [os.kill(p, signal.SIGKILL) for p in browser_pids(engine)])
                killer.start()
            results.append(service.probe(url, engine, options))
        after = set(browser_pids(engine))

    assert len(results) == 20
    assert [r.error for r in results].count("crash") == 1, [(r.url, r.error, r.error_detail) for r in results]
    assert results[9].error == "crash"
    assert all(r.ok and r.title == "Eksempelordboka" for i, r in enumerate(results) if i != 9)
    assert before and after and before.isdisjoint(after), "the browser was relaunched"


@pytest.mark.browser
def test_a_location_whose_proxy_stops_mid_run_gives_location_unreachable_for_its_remaining_cells(tmp_path):
    store = Store(tmp_path / "store.db")
    run_id = store.start_run("pre-exam", {})
    config = Config(Settings(lists=["x"], retries={"attempts": 2, "backoff_s": [0.1]}, settle_s=0, max_subpages=0),
                    tmp_path)
    rig = FakeInternet([SITES], name="skole").start()
    location = Location(name="skole", kind="proxy", proxy=rig.proxy_url)
    statuses = []
    with ProbeService(BrowserSettings(trust_ca=(rig.ca_cert_path,))) as service:
        for number in range(6):
            if number == 3:
                rig.stop()
            spec = CellSpec(f"r{number}", CLEAN, "chromium", location)
            statuses.append(run_cell(service, store, run_id, spec, config, (), tmp_path, sleep=lambda s: None).status)

    assert statuses == ["ok"] * 3 + ["location_unreachable"] * 3
    assert store.cell_count(run_id) == 6
    assert "does not accept connections" in store.cells(run_id)[-1].result.error_detail


def _result(number: int) -> ProbeResult:
    return ProbeResult(url=f"https://r{number}.no/", browser="chromium", ok=True, status=200, title="x" * 2000)


def test_two_runs_writing_the_same_store_both_keep_every_result(tmp_path):
    from nettsjekk.checkpoints.store import CellKey

    path = tmp_path / "store.db"
    first, second = Store(path), Store(path)
    runs = [first.start_run("publication", {}), second.start_run("pre-exam", {})]

    def write(store: Store, run_id: str) -> None:
        for number in range(60):
            store.save_cell(run_id, CellKey(f"r{number}", "chromium", "a"), "ok", 1, _result(number))

    threads = [threading.Thread(target=write, args=pair) for pair in zip((first, second), runs)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert [Store(path).cell_count(r) for r in runs] == [60, 60]


WRITER = """
import sys
from nettsjekk.checkpoints.store import CellKey, Store
from nettsjekk.probes.results import ProbeResult
store = Store(sys.argv[1])
run_id = store.start_run("pre-exam", {})
for number in range(100000):
    store.save_cell(run_id, CellKey(f"r{number}", "chromium", "a"), "ok", 1,
                    ProbeResult(url="https://x.no/", browser="chromium", ok=True, title="x" * 5000))
    print(number, flush=True)
"""


def test_a_kill_9_in_the_middle_of_writing_keeps_every_completed_result(tmp_path):
    path = tmp_path / "store.db"
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(path)], stdout=subprocess.PIPE, text=True)
    confirmed = -1
    while confirmed < 50:
        confirmed = int(writer.stdout.readline())
    os.kill(writer.pid, signal.SIGKILL)
    writer.wait()

    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    store = Store(path)
    assert store.cell_count(store.runs()[0]["id"]) >= confirmed + 1


@pytest.mark.skipif(os.geteuid() != 0, reason="mounting a small tmpfs needs root")
def test_a_full_disk_gives_a_clear_error_and_keeps_what_was_written(tmp_path):
    mount = tmp_path / "small"
    mount.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=400k", "tmpfs", str(mount)]).returncode != 0:
        pytest.skip("cannot mount a tmpfs here")
    try:
        from nettsjekk.checkpoints.store import CellKey

        store = Store(mount / "store.db")
        run_id = store.start_run("pre-exam", {})
        written = 0
        with pytest.raises(StoreError, match="full") as caught:
            for number in range(10000):
                store.save_cell(run_id, CellKey(f"r{number}", "chromium", "a"), "ok", 1, _result(number))
                written += 1
        assert str(mount / "store.db") in str(caught.value)
        store.close()
        reopened = Store(mount / "store.db")
        assert reopened.cell_count(run_id) == written > 0
    finally:
        subprocess.run(["umount", "-l", str(mount)])
