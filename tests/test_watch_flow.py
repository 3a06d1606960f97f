"""The exam-day watch as the Prefect flow its exam-day schedule starts (``exam-watch``): today is an
exam day, a resource is down the whole time, and the flow run alerts once and returns the alert."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from watch_rig import SITES, seed_inventory, write_config

from nettsjekk.checkpoints.config import load_config
from nettsjekk.checkpoints.store import Store, WatchLog
from nettsjekk.fakenet import FakeInternet

pytestmark = [pytest.mark.xdist_group("prefect")]


def test_the_scheduled_flow_watches_todays_window_and_alerts_once(prefect_api, tmp_path):
    from nettsjekk.flows.watch import exam_watch

    today = dt.datetime.now(ZoneInfo("Europe/Oslo"))
    if today.strftime("%H:%M") >= "23:58":
        pytest.skip("the exam day's window ends at 23:59")
    with FakeInternet([SITES], name="kontoret") as office:
        path = write_config(tmp_path, [("kontoret", office)],
                            exam_days=[{"date": today.date().isoformat(), "from": "00:00", "to": "23:59"}])
        seed_inventory(load_config(path).database, ["kontoret"])
        office.take_down("www.ordbok-vakt.no")
        result = exam_watch(str(path), every="1s", browser=False, rounds=3,
                            status_page=str(tmp_path / "status.html"))
    assert result["rounds"] == 3
    assert [(a["kind"], a["resource"], a["location"]) for a in result["alerts"]] == [
        ("down", "ordbok-vakt", "kontoret")]
    store = Store(load_config(path).database)
    assert [(i["resource_id"], i["closed_by"]) for i in WatchLog(store).intervals()] == [("ordbok-vakt", "stop")]
    store.close()
    assert (tmp_path / "status.html").is_file()
