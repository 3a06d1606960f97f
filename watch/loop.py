"""The watch itself: rounds of cheap checks, escalation to a browser, state changes, the downtime log,
alerts and the status page.

Every interval is written to the results store when its state is confirmed and closed when the
state ends, the watch stops, or (after a kill) the next watch starts: then it ends at the last round
the killed watch completed. Every tracker's state is saved each round, so a restarted watch carries
on without alerting again for what it already alerted.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from nettsjekk.checkpoints.store import Store, WatchLog
from nettsjekk.watch.alerts import Alert, deliver, make_alert
from nettsjekk.watch.cheap import Probe, RoundCounts, Unreachable, check_round
from nettsjekk.watch.escalate import Escalator
from nettsjekk.watch.inventory import Target
from nettsjekk.watch.states import BAD, DOWN, LOCATION, UNREACHABLE, UP, Change, Observation, Tracker, observe
from nettsjekk.watch.status_page import PageInput, render, write
from nettsjekk.watch.words import Words


MAX_ESCALATIONS = 12
"""Browser probes per round at most (one after another); beyond them the cheap check's word stands, so a
vendor outage across many resources cannot stretch a round past its interval."""


def worth_a_look(tracker: Tracker, seen: Observation) -> bool:
    """A browser looks when the cheap check failed or answered differently from the last round, but not
    again at an outage already confirmed with the same cause."""
    if seen.state != UP:
        return not (tracker.state == seen.state and tracker.cause == seen.cause and tracker.host == seen.host)
    return bool(tracker.fingerprint) and seen.fingerprint != tracker.fingerprint


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.timezone.utc).isoformat(timespec="seconds")


@dataclass
class RoundReport:
    """What one round did."""

    number: int
    at: str
    elapsed_s: float
    states: dict[str, int]
    changes: list[Change]
    alerts: list[Alert]
    escalations: int
    requests: dict[str, int] = field(default_factory=dict)

    def line(self) -> str:
        counts = ", ".join(f"{n} {state}" for state, n in sorted(self.states.items()))
        return (f"round {self.number} at {self.at}: {counts}; {len(self.changes)} changes, "
                f"{self.escalations} browser checks, {sum(self.requests.values())} requests ({self.elapsed_s:.1f} s)")


@dataclass
class WatchSetup:
    targets: list[Target]
    probes: list[Probe]
    store: Store
    words: Words
    timezone: str = "Europe/Oslo"
    channels: list = field(default_factory=list)
    escalator: Escalator | None = None
    status_page: Path | None = None
    every_s: float = 120.0
    cookies: dict[str, dict] = field(default_factory=dict)
    """Resource id -> cookies of its saved login session (licensed resources)."""


class Watch:
    """Round after round over ``setup``'s targets × locations."""

    def __init__(self, setup: WatchSetup, clock: Callable[[], dt.datetime] = utc_now,
                 emit: Callable[[str], None] = print) -> None:
        self.setup = setup
        self.log = WatchLog(setup.store)
        self.clock = clock
        self.emit = emit
        self.trackers: dict[tuple[str, str], Tracker] = {}
        self.alerts: list[Alert] = []
        self.rounds = 0
        self.stopping = threading.Event()
        """Set (by SIGTERM, Ctrl-C) to end the watch after the round in progress."""
        self._resume()

    # -- state kept across restarts ------------------------------------------------------------
    def _resume(self) -> None:
        """Carry on from the saved states; close the intervals a stopped or killed watch left open at
        the last round it completed."""
        for row in self.log.states():
            tracker = Tracker(**row)
            self.trackers[(tracker.resource_id, tracker.location)] = tracker
        for interval in self.log.open_intervals():
            tracker = self.trackers.get((interval["resource_id"], interval["location"]))
            ended = tracker.seen_at if tracker and tracker.seen_at >= interval["started_at"] else interval["started_at"]
            self.log.close_interval(interval["id"], ended, "resume")
            self.emit(f"closed the open interval of {interval['resource_id']} at {interval['location']} "
                      f"({interval['state']}) at {ended}, the last round of the previous watch")

    def tracker(self, resource_id: str, location: str) -> Tracker:
        key = (resource_id, location)
        if key not in self.trackers:
            self.trackers[key] = Tracker(resource_id, location, since=iso(self.clock()))
        return self.trackers[key]

    # -- one round ---------------------------------------------------------------------------
    def round(self) -> RoundReport:
        started = time.monotonic()
        at = iso(self.clock())
        counts = RoundCounts()
        seen = asyncio.run(check_round(self.setup.probes, self.setup.targets, self.setup.cookies, counts))
        changes: list[Change] = []
        escalations = 0
        for probe in self.setup.probes:
            observations = seen[probe.name]
            place = self.tracker(LOCATION, probe.name)
            gone = isinstance(observations, Unreachable)
            change = observe(place, Observation(UNREACHABLE, observations.cause) if gone else Observation(UP), at)
            changes += [change] if change else []
            if gone or place.state == UNREACHABLE:
                continue
            for target in self.setup.targets:
                tracker = self.tracker(target.resource_id, probe.name)
                observation = observations[target.resource_id]
                if self.setup.escalator and escalations < MAX_ESCALATIONS and worth_a_look(tracker, observation):
                    observation = self.setup.escalator.look(target, probe, observation)
                    escalations += 1
                change = observe(tracker, observation, at)
                changes += [change] if change else []
        self._log_intervals(changes, at)
        alerts = [self._alert(change, seen) for change in changes]
        for alert in alerts:
            self.emit(f"ALERT {alert.text}")
            deliver(alert, self.setup.channels)
        self.alerts += alerts
        self.log.save_states([t.to_row() for t in self.trackers.values()])
        self.rounds += 1
        self._write_page(at)
        states: dict[str, int] = {}
        for (rid, _), tracker in self.trackers.items():
            if rid != LOCATION:
                states[tracker.state] = states.get(tracker.state, 0) + 1
        report = RoundReport(self.rounds, at, time.monotonic() - started, states, changes, alerts, escalations,
                             counts.per_host)
        self.emit(report.line())
        return report

    def _log_intervals(self, changes: list[Change], at: str) -> None:
        """Close the interval a change ends (a recovery at this round; a change of bad state where the new
        one began), open one for each newly confirmed bad state from when it was first seen, and reopen
        one for a state still bad after a restart (from this round)."""
        started: dict[tuple[str, str], str] = {}
        for change in changes:
            key = (change.resource_id, change.location)
            tracker = self.trackers[key]
            if tracker.interval_id is not None:
                self.log.close_interval(tracker.interval_id, at if change.new == UP else change.since,
                                        "recovered" if change.new == UP else "changed")
                tracker.interval_id = None
            started[key] = change.since
        for key, tracker in self.trackers.items():
            if tracker.state in BAD and tracker.interval_id is None and tracker.seen_at == at:
                tracker.interval_id = self.log.open_interval(tracker.resource_id, tracker.location, tracker.state,
                                                             tracker.cause, tracker.host, started.get(key, at))

    def _alert(self, change: Change, seen: dict[str, dict[str, Observation] | Unreachable]) -> Alert:
        probe = next(p for p in self.setup.probes if p.name == change.location)
        if change.resource_id == LOCATION:
            action = "nothing"
        elif change.cause == "blocked":
            action = "firewall"
        else:
            elsewhere = [obs[change.resource_id] for name, obs in seen.items()
                         if name != change.location and not isinstance(obs, Unreachable)]
            everywhere = all(o.state != UP and (o.host == change.host) for o in elsewhere)
            action = "vendor" if everywhere else "firewall"
        return make_alert(change, action, self.setup.words, self.setup.timezone, probe.proxy)

    def _write_page(self, at: str) -> None:
        if self.setup.status_page is None:
            return
        from zoneinfo import ZoneInfo

        zone = ZoneInfo(self.setup.timezone)
        now = dt.datetime.fromisoformat(at)
        day_start = dt.datetime.combine(now.astimezone(zone).date(), dt.time(), zone)
        downtime: dict[tuple[str, str], float] = {}
        for interval in self.log.intervals(since=iso(day_start), until=at):
            start = max(dt.datetime.fromisoformat(interval["started_at"]), day_start)
            end = dt.datetime.fromisoformat(interval["ended_at"]) if interval["ended_at"] else now
            key = (interval["resource_id"], interval["location"])
            downtime[key] = downtime.get(key, 0.0) + max(0.0, (end - start).total_seconds())
        page = PageInput({t.resource_id: t.name for t in self.setup.targets}, [p.name for p in self.setup.probes],
                         self.trackers, downtime, at, self.rounds, self.setup.every_s, self.setup.timezone)
        write(self.setup.status_page, render(page, self.setup.words))

    # -- the whole watch ---------------------------------------------------------------------
    def run(self, rounds: int | None = None, until: dt.datetime | None = None) -> None:
        """Rounds every ``every_s`` seconds (start to start) until ``rounds`` are done, ``until``, or
        ``stopping`` is set; the open intervals are closed however it ends."""
        try:
            while (rounds is None or self.rounds < rounds) and not self.stopping.is_set():
                if until is not None and self.clock() >= until:
                    break
                began = time.monotonic()
                self.round()
                if rounds is not None and self.rounds >= rounds:
                    break
                self.stopping.wait(max(0.0, self.setup.every_s - (time.monotonic() - began)))
        finally:
            self.stop()

    def stop(self) -> None:
        """Close every open interval now (``closed_by: stop``) and save the states."""
        at = iso(self.clock())
        for tracker in self.trackers.values():
            if tracker.interval_id is not None:
                self.log.close_interval(tracker.interval_id, at, "stop")
                tracker.interval_id = None
        self.log.save_states([t.to_row() for t in self.trackers.values()])
        if self.setup.escalator is not None:
            self.setup.escalator.close()
