"""A watch set up from ``nettsjekk.yaml``: its targets, locations, channels, words and browser."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from zoneinfo import ZoneInfo

from nettsjekk.checkpoints.config import Config
from nettsjekk.checkpoints.plan import select_locations, select_resources
from nettsjekk.checkpoints.store import Store
from nettsjekk.core.errors import ConfigError
from nettsjekk.lists.catalog import load_catalog
from nettsjekk.watch.alerts import channels
from nettsjekk.watch.cheap import Probe
from nettsjekk.watch.escalate import Escalator
from nettsjekk.watch.inventory import targets
from nettsjekk.watch.loop import WatchSetup
from nettsjekk.watch.words import Words

DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|m|min|h)?\s*$")


def parse_every(text: str) -> float:
    """``5s``, ``2m``, ``90`` (seconds), ``1h`` -> seconds; at least 1 s."""
    match = DURATION.match(text or "")
    if not match:
        raise ConfigError(f"--every {text!r}: write seconds or minutes, e.g. 30s, 2m")
    seconds = float(match.group(1)) * {"s": 1, None: 1, "m": 60, "min": 60, "h": 3600}[match.group(2)]
    if not 1 <= seconds <= 24 * 3600:
        raise ConfigError(f"--every {text!r}: must be between 1 s and 24 h")
    return seconds


def parse_clock(text: str, option: str) -> dt.time:
    try:
        return dt.time.fromisoformat(text)
    except ValueError:
        raise ConfigError(f"{option} {text!r}: write a time of day as HH:MM, e.g. 09:00") from None


def window(config: Config, start: str | None, end: str | None,
           today: dt.date | None = None) -> tuple[dt.datetime | None, dt.datetime | None]:
    """The watch's window today: ``--from``/``--to``, else today's ``exam_days:`` entry, else none."""
    zone = ZoneInfo(config.settings.timezone)
    today = today or dt.datetime.now(zone).date()
    day = next((d for d in config.settings.exam_days if d.date == today), None)
    start = start or (day.from_ if day else None)
    end = end or (day.to if day else None)
    begin = dt.datetime.combine(today, parse_clock(start, "--from"), zone) if start else None
    finish = dt.datetime.combine(today, parse_clock(end, "--to"), zone) if end else None
    if begin and finish and begin >= finish:
        raise ConfigError(f"--from {start} must be before --to {end}")
    return begin, finish


def probes_of(config: Config, location_names: list[str] | None) -> tuple[list[Probe], list[str]]:
    """The locations the watch can check from here, and a note for each it cannot (a work pool)."""
    found, notes = [], []
    for location in select_locations(config, location_names):
        if location.kind == "pool":
            notes.append(f"location {location.name} is a work pool: not watched from here")
            continue
        found.append(Probe(location.name, location.proxy, tuple(str(config.path(c)) for c in location.trust_ca),
                           timeout_s=min(config.settings.timeout_s, 15.0)))
    if not found:
        raise ConfigError(f"{config.source}: no location the watch can check from here (proxy or local)")
    return found, notes


def session_cookies(config: Config, resources, engine: str) -> dict[str, dict]:
    """The cookies of each licensed resource's saved login session (name -> value)."""
    from nettsjekk.probes.sessions import SessionStore

    sessions = SessionStore(config.state_dir)
    found = {}
    for resource in resources:
        if resource.login == "none":
            continue
        session = sessions.find(resource.id, engine)
        if session is not None:
            found[resource.id] = {c["name"]: c["value"] for c in session.storage_state.get("cookies", [])}
    return found


def build_setup(config: Config, list_name: str | None = None, location_names: list[str] | None = None,
                status_page: Path | None = None, every_s: float = 120.0,
                browser: bool = True) -> tuple[WatchSetup, list[str]]:
    """Everything a watch needs, checked before the first round; notes for the user."""
    catalog = load_catalog(config.list_paths, config.vendor_dir)
    resources = select_resources(catalog, list_name)
    probes, notes = probes_of(config, location_names)
    store = Store(config.database)
    found, run_id = targets(resources, store)
    notes.append(f"needed hosts from run {run_id}" if run_id else
                 "no finished checkpoint run in the store: only the home pages are checked")
    lang = config.settings.alerts.lang
    words = Words(lang)
    engine = config.settings.browsers[0]
    trust = tuple(sorted({config.path(c) for loc in config.settings.locations for c in loc.trust_ca}))
    escalator = Escalator(engine, trust, min(config.settings.timeout_s, 20.0), config.state_dir) if browser else None
    setup = WatchSetup(found, probes, store, words, config.settings.timezone, channels(config.settings.alerts, words),
                       escalator, status_page, every_s, session_cookies(config, resources, engine))
    return setup, notes
