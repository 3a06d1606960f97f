"""Alerts on each confirmed change of state, and the channels they go out on.

An alert names what failed, where, since when and what to do (``firewall``: open a host at one
location; ``vendor``: the resource fails from every location; ``nothing``: the location itself is
gone). Channels (``alerts:`` in ``nettsjekk.yaml``): a webhook (a JSON ``POST`` with a ``text`` field,
which Microsoft Teams and Slack incoming webhooks accept, plus the fields one by one) and e-mail
(SMTP; the password from the environment variable ``password_env`` names). A channel that fails is
reported on stderr and never stops the watch.
"""

from __future__ import annotations

import datetime as dt
import os
import smtplib
import sys
from dataclasses import asdict, dataclass
from email.message import EmailMessage
from zoneinfo import ZoneInfo

import httpx

from nettsjekk.watch.states import LOCATION, UP, Change
from nettsjekk.watch.words import Words


@dataclass(frozen=True)
class Alert:
    """One alert, as sent."""

    kind: str
    """``down``, ``degraded``, ``recovered``, ``location_unreachable`` or ``location_recovered``."""
    resource: str
    """The resource id (``*`` for a whole location)."""
    location: str
    state: str
    previous: str
    since: str
    at: str
    cause: str | None
    host: str | None
    action: str
    """``firewall``, ``vendor``, ``nothing`` or ``none`` (a recovery)."""
    text: str

    def to_json(self) -> dict:
        return asdict(self)


def local_time(iso: str, timezone: str) -> str:
    return dt.datetime.fromisoformat(iso).astimezone(ZoneInfo(timezone)).strftime("%H:%M:%S")


def make_alert(change: Change, action: str, words: Words, timezone: str, proxy: str | None = None) -> Alert:
    """The alert for ``change`` with its text in ``words``' language."""
    since = local_time(change.down_since or change.since if change.new == UP else change.since, timezone)
    if change.new == UP:
        minutes = round((dt.datetime.fromisoformat(change.at) -
                         dt.datetime.fromisoformat(change.down_since or change.at)).total_seconds() / 60, 1)
        key = "alert.location_recovered" if change.resource_id == LOCATION else "alert.recovered"
        text = words(key, resource=change.resource_id, location=change.location, since=since, minutes=minutes,
                     old=words(f"state.{change.old}"))
        kind = "location_recovered" if change.resource_id == LOCATION else "recovered"
        action = "none"
    else:
        todo = words(f"action.{action}", host=change.host or "?", location=change.location)
        if change.resource_id == LOCATION:
            reason = words(f"location_cause.{change.cause or 'proxy'}", proxy=proxy or "?")
            text = words("alert.location", location=change.location, since=since, reason=reason, action=todo)
            kind = "location_unreachable"
        else:
            host_part = words("alert.host_part", host=change.host) if change.host else ""
            text = words("alert.down", resource=change.resource_id, state=words(f"state.{change.new}"),
                         location=change.location, since=since, cause=words.cause(change.cause),
                         host_part=host_part, action=todo)
            kind = change.new
    return Alert(kind, change.resource_id, change.location, change.new, change.old, change.since, change.at,
                 change.cause, change.host, action, text)


class WebhookChannel:
    """``POST`` the alert as JSON (``text`` for Teams and Slack, the fields for everything else)."""

    def __init__(self, url: str, timeout_s: float = 10.0) -> None:
        self.url = url
        self.timeout_s = timeout_s

    def send(self, alert: Alert) -> None:
        response = httpx.post(self.url, json=alert.to_json(), timeout=self.timeout_s, trust_env=False)
        response.raise_for_status()

    def __str__(self) -> str:
        return f"webhook {self.url}"


class EmailChannel:
    """One e-mail per alert through the configured SMTP server."""

    def __init__(self, settings, words: Words) -> None:
        self.settings = settings
        self.words = words

    def send(self, alert: Alert) -> None:
        s = self.settings
        message = EmailMessage()
        message["Subject"] = self.words("alert.subject", resource=alert.resource, location=alert.location,
                                        state=self.words(f"state.{alert.state}"))
        message["From"] = s.from_
        message["To"] = ", ".join(s.to)
        message.set_content(alert.text + "\n")
        with smtplib.SMTP(s.server, s.port, timeout=15) as smtp:
            if s.starttls:
                smtp.starttls()
            password = os.environ.get(s.password_env)
            if s.user and password:
                smtp.login(s.user, password)
            smtp.send_message(message)

    def __str__(self) -> str:
        return f"e-mail via {self.settings.server}:{self.settings.port}"


def channels(alerts_settings, words: Words) -> list:
    """The channels ``alerts:`` configures."""
    found: list = []
    if alerts_settings.webhook:
        found.append(WebhookChannel(alerts_settings.webhook))
    if alerts_settings.email:
        found.append(EmailChannel(alerts_settings.email, words))
    return found


def deliver(alert: Alert, to: list) -> list[str]:
    """Send ``alert`` on every channel; the failures, one line each (also on stderr)."""
    failures = []
    for channel in to:
        try:
            channel.send(alert)
        except (OSError, httpx.HTTPError, smtplib.SMTPException) as exc:
            line = f"warning: alert not sent by {channel}: {exc}"
            print(line, file=sys.stderr, flush=True)
            failures.append(line)
    return failures
