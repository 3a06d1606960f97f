"""Leaks and attempts from a stream of requests.

A *leak* is a request to a forbidden host that the proxy let through: the allowlist (or another rule
of the proxy) has a hole, and every candidate on that network could use it. An *attempt* is a
request to a forbidden host that the proxy refused, per client; requests of one client to one host
closer together than the burst window are one attempt (a page retrying, a browser's parallel
connections).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from nettsjekk.observe.classify import FORBIDDEN, Classifier
from nettsjekk.observe.logs import LogStats, Request


@dataclass
class Leak:
    host: str
    category: str
    allowed_by: str | None
    first: float
    last: float
    requests: int = 0
    clients: dict[str, None] = field(default_factory=dict)
    """Clients in order of first appearance (a dict as an ordered set)."""


@dataclass
class Attempt:
    client: str
    host: str
    category: str
    first: float
    last: float
    count: int = 1
    """Attempts: bursts of requests, each burst once."""
    requests: int = 1


@dataclass
class Observations:
    """What one reading of the logs found (``stats``: lines and malformed lines)."""

    stats: LogStats
    leaks: dict[str, Leak] = field(default_factory=dict)
    attempts: dict[tuple[str, str], Attempt] = field(default_factory=dict)

    def sorted_leaks(self) -> list[Leak]:
        return sorted(self.leaks.values(), key=lambda leak: (leak.first, leak.host))


class Observer:
    """Feeds requests into ``observations``; ``on_new_leak`` is called the first time a host leaks."""

    def __init__(self, classify: Classifier, burst_window_s: float, stats: LogStats,
                 since: float | None = None, until: float | None = None,
                 on_new_leak: Callable[[Leak, Request], None] | None = None) -> None:
        self.classify = classify
        self.window = burst_window_s
        self.since, self.until = since, until
        self.on_new_leak = on_new_leak
        self.observations = Observations(stats)

    def feed(self, requests: Iterable[Request]) -> Observations:
        classify, since, until = self.classify, self.since, self.until
        for request in requests:
            if not request.host:
                continue
            verdict = classify(request.host)
            if verdict.kind != FORBIDDEN:
                continue
            if (since is not None and request.time < since) or (until is not None and request.time >= until):
                continue
            if request.let_through:
                self._leak(request, verdict.category, verdict.allowed_by)
            elif request.denied:
                self._attempt(request, verdict.category)
        return self.observations

    def _leak(self, request: Request, category: str, allowed_by: str | None) -> None:
        leak = self.observations.leaks.get(request.host)
        if leak is None:
            leak = self.observations.leaks[request.host] = Leak(request.host, category, allowed_by,
                                                                 request.time, request.time)
            if self.on_new_leak:
                self.on_new_leak(leak, request)
        leak.first, leak.last = min(leak.first, request.time), max(leak.last, request.time)
        leak.requests += 1
        leak.clients[request.client] = None

    def _attempt(self, request: Request, category: str) -> None:
        key = (request.client, request.host)
        attempt = self.observations.attempts.get(key)
        if attempt is None:
            self.observations.attempts[key] = Attempt(request.client, request.host, category,
                                                      request.time, request.time)
            return
        if request.time - attempt.last > self.window:
            attempt.count += 1
        attempt.first, attempt.last = min(attempt.first, request.time), max(attempt.last, request.time)
        attempt.requests += 1
