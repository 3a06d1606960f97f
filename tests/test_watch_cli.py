"""``nettsjekk watch``, ``nettsjekk incident add`` and ``nettsjekk incidents`` run as the county runs
them: subprocesses with a real configuration over the fake internet, to their exit codes.

A watch killed with SIGKILL in the middle of an outage loses no interval: the interval was written
when the outage was confirmed, and the next watch closes it at the last round the killed one
completed, then carries on without alerting again for what was already alerted.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import signal
import subprocess
import sys
import time
from zoneinfo import ZoneInfo

import pytest
import yaml
from watch_rig import SITES, seed_inventory, write_config

from nettsjekk.checkpoints.config import load_config
from nettsjekk.checkpoints.store import Store, WatchLog
from nettsjekk.fakenet import FakeInternet

CLI = [sys.executable, "-m", "nettsjekk.cli.main"]


def run(*args, timeout=120):
    done = subprocess.run([*CLI, *args], capture_output=True, text=True, timeout=timeout)
    assert "Traceback" not in done.stdout + done.stderr
    return done


@pytest.fixture(scope="module")
def office():
    with FakeInternet([SITES], name="kontoret") as rig:
        yield rig


def open_intervals(database):
    store = Store(database)
    try:
        return WatchLog(store).open_intervals()
    finally:
        store.close()


def test_a_watch_killed_mid_outage_and_restarted_keeps_every_interval(tmp_path, office):
    config_path = write_config(tmp_path, [("kontoret", office)])
    database = load_config(config_path).database
    seed_inventory(database, ["kontoret"])
    office.take_down("www.leksikon-vakt.no")
    try:
        first = subprocess.Popen([*CLI, "watch", "--config", str(config_path), "--every", "1s", "--rounds", "200",
                                  "--no-browser"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            deadline = time.monotonic() + 90
            while not open_intervals(database) and time.monotonic() < deadline and first.poll() is None:
                time.sleep(0.2)
            os.kill(first.pid, signal.SIGKILL)
        finally:
            first.wait(timeout=30)
            out = first.stdout.read()
            first.stdout.close()
            first.stderr.close()
        assert "ALERT leksikon-vakt er nede ved kontoret" in out
        left = open_intervals(database)
        assert [(i["resource_id"], i["location"], i["state"]) for i in left] == [("leksikon-vakt", "kontoret", "down")]

        status = tmp_path / "status.html"
        second = run("watch", "--config", str(config_path), "--every", "1s", "--rounds", "2", "--no-browser",
                     "--status-page", str(status))
    finally:
        office.bring_up("www.leksikon-vakt.no")
    assert second.returncode == 0, second.stderr
    assert "closed the open interval of leksikon-vakt at kontoret" in second.stdout
    assert "ALERT" not in second.stdout, "the outage was alerted by the first watch; the second carries on quietly"
    store = Store(database)
    intervals = WatchLog(store).intervals()
    store.close()
    assert [(i["resource_id"], i["state"], i["closed_by"]) for i in intervals] == [
        ("leksikon-vakt", "down", "resume"), ("leksikon-vakt", "down", "stop")]
    assert intervals[0]["id"] == left[0]["id"] and intervals[0]["ended_at"] >= intervals[0]["started_at"]
    assert all(i["duration_s"] is not None for i in intervals)
    page = status.read_text(encoding="utf-8")
    assert 'data-resource="leksikon-vakt" data-location="kontoret" data-state="down"' in page
    assert 'http-equiv="refresh"' in page

    # the school phones in; the day's incident log holds both kinds of entry
    zone = ZoneInfo("Europe/Oslo")
    today = dt.datetime.now(zone).date()
    at = dt.datetime.now(zone).strftime("%H:%M")
    added = run("incident", "add", "--config", str(config_path), "--school", "Skolen vgs", "--resource",
                "leksikon-vakt", "--at", at, "--text", "Elevene får ikke opp leksikonet")
    assert added.returncode == 0, added.stderr
    out_csv = tmp_path / "hendelser.csv"
    written = run("incidents", "--config", str(config_path), "--day", today.isoformat(), "--format", "csv",
                  "-o", str(out_csv))
    assert written.returncode == 0, written.stderr
    rows = list(csv.DictReader(io.StringIO(out_csv.read_text(encoding="utf-8"))))
    assert {"resource_id", "location", "start", "end", "duration_s"} <= set(rows[0])
    downtime = [r for r in rows if r["kind"] == "downtime"]
    assert len(downtime) == 2 and all(r["resource_id"] == "leksikon-vakt" and r["location"] == "kontoret"
                                      for r in downtime)
    assert [int(r["duration_s"]) for r in downtime] == [round(i["duration_s"]) for i in intervals]
    assert [(r["school"], r["text"]) for r in rows if r["kind"] == "report"] == [
        ("Skolen vgs", "Elevene får ikke opp leksikonet")]
    html = run("incidents", "--config", str(config_path), "--day", today.isoformat(), "--lang", "en")
    assert html.returncode == 0 and "Incident log" in html.stdout and "Skolen vgs" in html.stdout


def test_a_bad_exam_days_entry_is_one_file_line_error(tmp_path, office):
    config_path = write_config(tmp_path, [("kontoret", office)])
    text = config_path.read_text(encoding="utf-8")
    config_path.write_text(text + yaml.safe_dump({"exam_days": [{"date": "2027-05-20", "from": "09:00", "to": "15:00"},
                                                               {"date": "2027-05-21", "from": "15:00", "to": "09:00"}]}),
                           encoding="utf-8")
    done = run("watch", "--config", str(config_path), "--rounds", "1")
    assert done.returncode == 2
    line = next(line for line in done.stderr.splitlines() if "exam_days" in line)
    number = next(n for n, text in enumerate(config_path.read_text().splitlines(), 1) if "2027-05-21" in text)
    assert f"nettsjekk.yaml:{number}:" in line and "'from' (15:00) must be before 'to' (09:00)" in line


@pytest.mark.parametrize("args, says", [
    (("watch", "--every", "0s"), "--every '0s'"),
    (("watch", "--from", "9 o'clock"), "--from"),
    (("incident", "add", "--school", "A", "--resource", "finnes-ikke", "--at", "10:00", "--text", "x"),
     "no such resource"),
    (("incidents", "--day", "2027-13-01"), "--day '2027-13-01'"),
    (("watch", "--schedule"), "no exam_days:"),
])
def test_bad_input_is_one_line_and_exit_2(tmp_path, office, args, says):
    config_path = write_config(tmp_path, [("kontoret", office)])
    seed_inventory(load_config(config_path).database, ["kontoret"])
    done = run(*args, "--config", str(config_path))
    assert done.returncode == 2, done.stdout + done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and says in done.stderr
