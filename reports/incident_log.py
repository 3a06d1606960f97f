"""The incident log of one exam day ("Hendelseslogg"): every downtime interval the exam-day watch
recorded (``checkpoints.store.WatchLog``) with its duration, and every incident a school reported
(``nettsjekk incident add``), in time order; HTML (bokmål or English) or CSV.

CSV columns: ``kind`` (``downtime`` or ``report``), ``resource_id``, ``location``, ``school``, ``state``,
``start``, ``end`` (local time, ISO 8601 with offset; ``end`` empty while ongoing), ``duration_s``
(seconds; up to now while ongoing), ``cause``, ``host``, ``text``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from zoneinfo import ZoneInfo

from nettsjekk.checkpoints.store import Store, WatchLog
from nettsjekk.reports.messages import Messages
from nettsjekk.core.templating import render

CSV_COLUMNS = ("kind", "resource_id", "location", "school", "state", "start", "end", "duration_s", "cause", "host",
               "text")


def day_bounds(day: dt.date, timezone: str) -> tuple[dt.datetime, dt.datetime]:
    zone = ZoneInfo(timezone)
    start = dt.datetime.combine(day, dt.time(), zone)
    return start, dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), zone)


def log_rows(store: Store, day: dt.date, timezone: str, now: dt.datetime | None = None) -> list[dict]:
    """The day's rows, oldest first."""
    zone = ZoneInfo(timezone)
    start, end = day_bounds(day, timezone)
    now = now or dt.datetime.now(dt.timezone.utc)
    since, until = (b.astimezone(dt.timezone.utc).isoformat(timespec="seconds") for b in (start, end))
    log = WatchLog(store)
    rows = []
    for interval in log.intervals(since, until):
        began = dt.datetime.fromisoformat(interval["started_at"])
        ended = dt.datetime.fromisoformat(interval["ended_at"]) if interval["ended_at"] else None
        duration = interval["duration_s"] if ended else (now - began).total_seconds()
        rows.append({"kind": "downtime", "resource_id": interval["resource_id"], "location": interval["location"],
                     "school": "", "state": interval["state"], "start": began.astimezone(zone).isoformat(),
                     "end": ended.astimezone(zone).isoformat() if ended else "", "duration_s": round(duration),
                     "cause": interval["cause"] or "", "host": interval["host"] or "", "text": ""})
    for incident in log.incidents(since, until):
        at = dt.datetime.fromisoformat(incident["at"]).astimezone(zone)
        rows.append({"kind": "report", "resource_id": incident["resource_id"], "location": "",
                     "school": incident["school"], "state": "", "start": at.isoformat(), "end": "",
                     "duration_s": None, "cause": "", "host": "", "text": incident["text"]})
    return sorted(rows, key=lambda row: row["start"])


def to_csv(rows: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({key: "" if row[key] is None else row[key] for key in CSV_COLUMNS})
    return out.getvalue()


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return ""
    minutes, secs = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}"


def to_html(rows: list[dict], day: dt.date, lang: str = "nb") -> str:
    t = Messages(lang)
    shown = [row | {"start_local": row["start"][11:19], "end_local": row["end"][11:19],
                    "duration_text": _duration(row["duration_s"]),
                    "cause_text": " ".join(filter(None, (row["cause"], row["host"])))} for row in rows]
    total = sum(row["duration_s"] or 0 for row in rows if row["kind"] == "downtime")
    folder = dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M")
    return render("reports/incident_log.html.j2", t=t, lang=lang, day=day.isoformat(), rows=shown,
                                                            total=_duration(total), generated=folder)

