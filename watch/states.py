"""The state of one resource at one location, round by round, and when it changes.

Each round observes one of ``up``, ``degraded`` (the home page loads, a host it needs fails), ``down``
or ``unreachable`` (the location's proxy does not answer: kept for the location as a whole, under the
resource id ``*``). A bad observation becomes the state only after it was seen ``CONFIRM_ROUNDS``
rounds in a row (one lost packet wakes nobody); the first good round is a recovery. A confirmed
state opens a downtime interval that starts at the first round it was seen; a recovery closes it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

UP, DEGRADED, DOWN, UNREACHABLE = "up", "degraded", "down", "unreachable"
BAD = (DEGRADED, DOWN, UNREACHABLE)
LOCATION = "*"
CONFIRM_ROUNDS = 2


@dataclass(frozen=True)
class Observation:
    """What one round saw of one resource at one location."""

    state: str
    cause: str | None = None
    """An error code (``blocked``, ``dns``, ``connection``, ``timeout``, ``tls``, ``http_5xx`` ...)."""
    host: str | None = None
    """The host that failed."""
    fingerprint: str = ""
    """Status and final host of the home page: a change is worth a browser's look."""


@dataclass
class Tracker:
    """One resource × location: the confirmed state and the run of equal observations behind it."""

    resource_id: str
    location: str
    state: str = UP
    since: str = ""
    observed: str = UP
    observed_since: str = ""
    repeat: int = 0
    cause: str | None = None
    host: str | None = None
    seen_at: str = ""
    interval_id: int | None = None
    fingerprint: str = ""

    def to_row(self) -> dict:
        row = asdict(self)
        row.pop("interval_id")
        row.pop("fingerprint")
        return row


@dataclass(frozen=True)
class Change:
    """A confirmed change of state: what an alert is sent for."""

    resource_id: str
    location: str
    old: str
    new: str
    since: str
    """When the new state was first seen (the start of the downtime; the recovery round for ``up``)."""
    at: str
    """The round that confirmed it."""
    cause: str | None
    host: str | None
    down_since: str | None = None
    """For a recovery: when the bad state began."""


def observe(tracker: Tracker, seen: Observation, at: str) -> Change | None:
    """Feed one round's observation to ``tracker``; the change it confirms, if any."""
    if seen.state == tracker.observed and tracker.repeat:
        tracker.repeat += 1
    else:
        tracker.observed, tracker.observed_since, tracker.repeat = seen.state, at, 1
    tracker.seen_at = at
    tracker.fingerprint = seen.fingerprint
    if seen.state != UP:
        tracker.cause, tracker.host = seen.cause, seen.host
    if seen.state == tracker.state:
        return None
    if seen.state == UP:
        change = Change(tracker.resource_id, tracker.location, tracker.state, UP, at, at, tracker.cause, tracker.host,
                        down_since=tracker.since)
        tracker.state, tracker.since = UP, at
        return change
    if tracker.repeat < CONFIRM_ROUNDS:
        return None
    change = Change(tracker.resource_id, tracker.location, tracker.state, seen.state, tracker.observed_since, at,
                    seen.cause, seen.host)
    tracker.state, tracker.since = seen.state, tracker.observed_since
    return change
