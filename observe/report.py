"""The observations as the documented JSON contract (``report``), and as rows for the store.

    {"lines": N, "malformed": N,
     "leaks": [{"host", "category", "clients": [...], "first", "last", "requests", "allowed_by"}],
     "attempts": [{"client", "host", "category", "first", "last", "count"}]}

Times are ISO 8601 in UTC (``2026-12-03T08:14:02Z``); a client is its label from clients.csv when it
has one, else as the log wrote it.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from nettsjekk.observe.observations import Observations


def iso_utc(timestamp: float) -> str:
    return dt.datetime.fromtimestamp(timestamp, dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def report(observations: Observations, labels: dict[str, str] | None = None) -> dict:
    """The JSON contract of ``nettsjekk observe --format-out json``."""
    label = _labeller(labels or {})
    return {
        "lines": observations.stats.lines,
        "malformed": observations.stats.malformed,
        "leaks": [{"host": leak.host, "category": leak.category, "clients": [label(c) for c in leak.clients],
                   "first": iso_utc(leak.first), "last": iso_utc(leak.last), "requests": leak.requests,
                   "allowed_by": leak.allowed_by} for leak in observations.sorted_leaks()],
        "attempts": sorted(({"client": label(a.client), "host": a.host, "category": a.category,
                             "first": iso_utc(a.first), "last": iso_utc(a.last), "count": a.count}
                            for a in observations.attempts.values()),
                           key=lambda row: (row["client"], row["first"], row["host"])),
    }


def store_rows(observations: Observations, timezone: str) -> list[dict]:
    """Rows for ``ObservationStore.save``: clients as the log wrote them, each with its exam day."""
    zone = ZoneInfo(timezone)

    def day(timestamp: float) -> str:
        return dt.datetime.fromtimestamp(timestamp, zone).date().isoformat()

    rows = [dict(kind="leak", exam_day=day(leak.first), clients=list(leak.clients), host=leak.host,
                 category=leak.category, first=iso_utc(leak.first), last=iso_utc(leak.last), count=leak.requests,
                 allowed_by=leak.allowed_by) for leak in observations.leaks.values()]
    rows += [dict(kind="attempt", exam_day=day(a.first), clients=[a.client], host=a.host, category=a.category,
                  first=iso_utc(a.first), last=iso_utc(a.last), count=a.count, allowed_by=None)
             for a in observations.attempts.values()]
    return rows


def _labeller(labels: dict[str, str]):  # noqa: ANN202
    return lambda client: labels.get(client.lower(), client)
