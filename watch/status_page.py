"""The status page: one static HTML file rewritten every round (atomically, so a reader on a file
share never sees half a page), reloading itself; resources × locations with the current state, the
time since it changed and today's downtime. Bokmål unless ``alerts: lang: en``."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from nettsjekk.core.templating import render as render_template
from nettsjekk.watch.states import LOCATION, UNREACHABLE, Tracker
from nettsjekk.watch.words import Words, duration_text



@dataclass(frozen=True)
class PageInput:
    names: dict[str, str]
    """Resource id -> name, in list order."""
    locations: list[str]
    trackers: dict[tuple[str, str], Tracker]
    downtime_s: dict[tuple[str, str], float]
    """Today's downtime per resource × location (closed and open intervals)."""
    now: str
    round: int
    every_s: float
    timezone: str


def render(page: PageInput, words: Words) -> str:
    zone = ZoneInfo(page.timezone)
    now = dt.datetime.fromisoformat(page.now)
    rows = []
    for rid, name in page.names.items():
        cells = []
        for location in page.locations:
            place = page.trackers.get((LOCATION, location))
            tracker = page.trackers.get((rid, location)) or Tracker(rid, location, since=page.now)
            shown = place if place is not None and place.state == UNREACHABLE else tracker
            since = dt.datetime.fromisoformat(shown.since or page.now)
            cells.append({"location": location, "state": shown.state,
                          "cause": words.cause(shown.cause) if shown.state != "up" else "",
                          "host": shown.host if shown.state != "up" else "",
                          "since": since.astimezone(zone).strftime("%H:%M"),
                          "age": duration_text((now - since).total_seconds()),
                          "downtime": duration_text(page.downtime_s[(rid, location)])
                          if page.downtime_s.get((rid, location)) else ""})
        rows.append({"id": rid, "name": name, "cells": cells})
    return render_template("watch/status_page.html.j2", t=words, lang=words.lang, every=max(5, int(page.every_s)), rows=rows,
                           locations=page.locations, round=page.round,
                           updated=now.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S"))


def write(path: Path, html: str) -> None:
    """Replace ``path`` atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.tmp")
    partial.write_text(html, encoding="utf-8")
    os.replace(partial, path)
