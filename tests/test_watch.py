"""The exam-day watch as the county's ICT staff meet it: resources re-checked every round through each
location's proxy on the fake internet, outages scripted between rounds (a host taken down, a host
blocked at one school, a school's proxy that stops), alerts caught by a local webhook receiver and a
local SMTP server, the downtime log read back from the results store and the incident log.

These tests drive the watch in-process with a clock the test moves (one minute per round), so the
durations are exact; ``test_watch_cli.py`` runs the command itself.
"""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from watch_rig import SITES, Clock, Smtp, Webhook, seed_inventory, write_config

from nettsjekk.checkpoints.config import load_config
from nettsjekk.checkpoints.store import WatchLog
from nettsjekk.fakenet import FakeInternet
from nettsjekk.reports.incident_log import log_rows, to_csv, to_html
from nettsjekk.watch.configure import build_setup
from nettsjekk.watch.loop import Watch


@pytest.fixture(scope="module")
def channels():
    hook, smtp = Webhook(), Smtp()
    yield hook, smtp
    hook.close()
    smtp.close()


def make_watch(tmp_path, locations, channels=None, browser=False):
    alerts = {}
    if channels:
        hook, smtp = channels
        hook.received.clear()
        smtp.messages.clear()
        alerts = {"alerts": {"webhook": hook.url, "email": {"server": "127.0.0.1", "port": smtp.port,
                                                            "from": "nettsjekk@fylke.no", "to": ["ikt@fylke.no"]}}}
    config = load_config(write_config(tmp_path, locations, **alerts))
    seed_inventory(config.database, [name for name, _ in locations])
    setup, _notes = build_setup(config, status_page=tmp_path / "status.html", every_s=60, browser=browser)
    clock = Clock()
    lines: list[str] = []
    return Watch(setup, clock=clock, emit=lines.append), clock, config


def rounds(watch, clock, count, before=None):
    for number in range(count):
        if before:
            before(number)
        watch.round()
        clock.tick()


@pytest.mark.browser
def test_three_failed_rounds_give_one_down_alert_one_recovered_alert_and_a_three_minute_interval(tmp_path, channels):
    hook, smtp = channels
    with FakeInternet([SITES], name="kontoret") as office:
        watch, clock, config = make_watch(tmp_path, [("kontoret", office)], channels, browser=True)
        script = {1: office.take_down, 4: office.bring_up}

        def outage(number):  # round 1 up, rounds 2-4 down, round 5 back
            if number in script:
                script[number]("www.leksikon-vakt.no")
        rounds(watch, clock, 6, outage)
        watch.stop()

    kinds = [(a.kind, a.resource, a.location) for a in watch.alerts]
    assert kinds == [("down", "leksikon-vakt", "kontoret"), ("recovered", "leksikon-vakt", "kontoret")]
    down, recovered = watch.alerts
    assert down.at == "2027-05-20T07:02:00+00:00", "the alert comes with the second failed round"
    assert down.since == "2027-05-20T07:01:00+00:00", "and says since when: the first failed round"
    assert down.host == "www.leksikon-vakt.no" and down.cause == "connection"
    assert watch.setup.escalator.probes >= 3, "each failed round was looked at in a real browser"
    # the webhook got the same two, each with a text Teams and Slack show
    assert [(m["kind"], m["resource"], m["location"], m["state"]) for m in hook.received] == [
        ("down", "leksikon-vakt", "kontoret", "down"), ("recovered", "leksikon-vakt", "kontoret", "up")]
    assert "leksikon-vakt" in hook.received[0]["text"] and "kontoret" in hook.received[0]["text"]
    assert "nede" in hook.received[0]["text"] and "www.leksikon-vakt.no" in hook.received[0]["text"]
    assert len(smtp.messages) == 2 and "Subject: nettsjekk: leksikon-vakt nede ved kontoret" in smtp.messages[0]
    # one interval, three rounds long
    intervals = WatchLog(watch.setup.store).intervals()
    assert [(i["resource_id"], i["location"], i["state"], i["duration_s"], i["closed_by"]) for i in intervals] == [
        ("leksikon-vakt", "kontoret", "down", 180.0, "recovered")]
    # the incident log says the same, in CSV and in bokmål HTML
    rows = log_rows(watch.setup.store, dt.date(2027, 5, 20), config.settings.timezone)
    table = list(csv.DictReader(io.StringIO(to_csv(rows))))
    assert [(r["kind"], r["resource_id"], r["location"], r["duration_s"]) for r in table] == [
        ("downtime", "leksikon-vakt", "kontoret", "180")]
    assert table[0]["start"].startswith("2027-05-20T09:01:00") and table[0]["end"].startswith("2027-05-20T09:04:00")
    html = to_html(rows, dt.date(2027, 5, 20))
    assert "Hendelseslogg" in html and "0:03:00" in html
    page = (tmp_path / "status.html").read_text(encoding="utf-8")
    assert 'data-resource="leksikon-vakt" data-location="kontoret" data-state="up"' in page
    assert "nede i dag: 3 min" in page


def test_a_host_blocked_at_one_school_is_degraded_there_only(tmp_path, channels):
    hook, _smtp = channels
    with FakeInternet([SITES], name="kontoret") as office, FakeInternet([SITES], name="skolen") as school:
        watch, clock, _config = make_watch(tmp_path, [("kontoret", office), ("skolen", school)], channels)
        rounds(watch, clock, 4, lambda n: n == 1 and school.block_host("cdn.vaktnett.no"))
        watch.stop()
    states = {key: t.state for key, t in watch.trackers.items() if key[0] != "*"}
    assert states == {("ordbok-vakt", "kontoret"): "up", ("leksikon-vakt", "kontoret"): "up",
                      ("ordbok-vakt", "skolen"): "degraded", ("leksikon-vakt", "skolen"): "up"}
    assert [(a.kind, a.resource, a.location, a.host, a.cause, a.action) for a in watch.alerts] == [
        ("degraded", "ordbok-vakt", "skolen", "cdn.vaktnett.no", "blocked", "firewall")]
    assert "åpne cdn.vaktnett.no i brannmuren/proxyen ved skolen" in hook.received[0]["text"]
    page = (tmp_path / "status.html").read_text(encoding="utf-8")
    assert 'data-resource="ordbok-vakt" data-location="skolen" data-state="degraded"' in page


def test_a_school_proxy_that_stops_gives_one_location_alert_and_no_resource_alerts(tmp_path, channels):
    hook, _smtp = channels
    office = FakeInternet([SITES], name="kontoret").start()
    school = FakeInternet([SITES], name="skolen").start()
    try:
        watch, clock, _config = make_watch(tmp_path, [("kontoret", office), ("skolen", school)], channels)
        rounds(watch, clock, 5, lambda n: n == 1 and school.stop())
        watch.stop()
    finally:
        office.stop()
        school.stop()
    assert [(a.kind, a.resource, a.location, a.action) for a in watch.alerts] == [
        ("location_unreachable", "*", "skolen", "nothing")]
    assert [m["kind"] for m in hook.received] == ["location_unreachable"]
    assert "skolen" in hook.received[0]["text"]
    intervals = WatchLog(watch.setup.store).intervals()
    assert [(i["resource_id"], i["location"], i["state"]) for i in intervals] == [("*", "skolen", "unreachable")]


def test_a_slow_answer_that_recovers_after_one_round_wakes_nobody(tmp_path, channels):
    """One failed round (a lost packet) is not an outage: no alert, no interval."""
    hook, _smtp = channels
    with FakeInternet([SITES], name="kontoret") as office:
        watch, clock, _config = make_watch(tmp_path, [("kontoret", office)], channels)
        script = {1: office.take_down, 2: office.bring_up}
        rounds(watch, clock, 4, lambda n: n in script and script[n]("www.ordbok-vakt.no"))
        watch.stop()
    assert watch.alerts == [] and hook.received == []
    assert WatchLog(watch.setup.store).intervals() == []


def test_the_exam_days_become_one_schedule_each_at_their_from_time(tmp_path):
    from nettsjekk.flows.watch import exam_day_schedules

    with FakeInternet([SITES], name="kontoret") as office:
        path = write_config(tmp_path, [("kontoret", office)],
                            exam_days=[{"date": "2027-05-21", "from": "09:00", "to": "14:00"},
                                       {"date": "2027-05-20", "from": "08:30", "to": "13:30"}])
    schedules = exam_day_schedules(load_config(path), path, every="1m")
    assert [s.rrule.split("\n")[0] for s in schedules] == ["DTSTART:20270520T083000", "DTSTART:20270521T090000"]
    assert {s.timezone for s in schedules} == {"Europe/Oslo"}
    assert schedules[0].parameters == {"config_path": str(path), "every": "1m", "status_page": None}


def test_a_school_whose_proxy_accepts_but_never_answers_is_one_location_alert(tmp_path, channels):
    """Not scripted in the fake internet: a hung proxy (it takes the connection and says nothing) makes
    every resource there time out; that is the location, not N outages."""
    import socket
    import threading
    from types import SimpleNamespace

    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(64)
    held = []

    def take_and_keep_quiet():
        while True:
            try:
                held.append(silent.accept())
            except OSError:
                return
    threading.Thread(target=take_and_keep_quiet, daemon=True).start()
    with FakeInternet([SITES], name="kontoret") as office:
        hung = SimpleNamespace(proxy_url=f"http://127.0.0.1:{silent.getsockname()[1]}", ca_cert_path=office.ca_cert_path)
        alerts = {"webhook": channels[0].url}
        config = load_config(write_config(tmp_path, [("kontoret", office), ("skolen", hung)], timeout_s=1,
                                          alerts=alerts))
        seed_inventory(config.database, ["kontoret", "skolen"])
        setup, _ = build_setup(config, every_s=60, browser=False)
        clock = Clock()
        watch = Watch(setup, clock=clock, emit=lambda line: None)
        rounds(watch, clock, 3)
        watch.stop()
    silent.close()
    for connection, _address in held:
        connection.close()
    assert [(a.kind, a.location, a.cause) for a in watch.alerts] == [("location_unreachable", "skolen", "all_fail")]
    assert "ingen ressurs svarer gjennom proxyen" in watch.alerts[0].text


def test_the_watch_window_is_todays_exam_day_unless_from_and_to_are_given(tmp_path):
    from nettsjekk.watch.configure import window

    with FakeInternet([SITES], name="kontoret") as office:
        path = write_config(tmp_path, [("kontoret", office)],
                            exam_days=[{"date": "2027-05-20", "from": "09:00", "to": "15:00"}])
    config = load_config(path)
    begin, end = window(config, None, None, dt.date(2027, 5, 20))
    assert (begin.isoformat(), end.isoformat()) == ("2027-05-20T09:00:00+02:00", "2027-05-20T15:00:00+02:00")
    begin, end = window(config, None, "12:30", dt.date(2027, 5, 20))
    assert (begin.strftime("%H:%M"), end.strftime("%H:%M")) == ("09:00", "12:30")
    assert window(config, None, None, dt.date(2027, 5, 21)) == (None, None), "not an exam day: no window"
