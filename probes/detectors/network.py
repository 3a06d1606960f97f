"""Requests the page made: vendor API hosts, script CDNs, WebSockets (``request_host``, ``request_url``)."""

from __future__ import annotations

from nettsjekk.probes.findings import Evidence
from nettsjekk.probes.results import RequestRecord
from nettsjekk.probes.rulebook import LoadedRule
from nettsjekk.probes.detectors.base import Candidate, PageSnapshot, host_matches, indexed_matchers, regex


class NetworkDetector:
    id = "network"
    kinds = ("request_host", "request_url")

    def detect(self, rules: list[LoadedRule], snapshot: PageSnapshot) -> list[Candidate]:
        found = []
        first_by_host = _first_request_by_host(snapshot.requests)
        for rule, _matcher, kind, value in indexed_matchers(tuple(rules), self.kinds):
            if kind == "request_host":
                request = _first_for_host_pattern(value, first_by_host)
            else:
                pattern = regex(value)
                request = next((r for r in snapshot.requests if pattern.search(r.url)), None)
            if request is not None:
                snippet = f"{request.type} {request.status if request.status is not None else request.failure or ''}"
                found.append(Candidate(rule, Evidence(kind="request", value=request.url, snippet=snippet.strip())))
        return found


def _first_request_by_host(requests: list[RequestRecord]) -> dict[str, tuple[int, RequestRecord]]:
    """Each host's first request (and its position), so a host pattern is matched against the page's
    few hosts instead of each of its many requests."""
    first: dict[str, tuple[int, RequestRecord]] = {}
    for position, request in enumerate(requests):
        first.setdefault(request.host, (position, request))
    return first


def _first_for_host_pattern(pattern: str, first_by_host: dict[str, tuple[int, RequestRecord]]) -> RequestRecord | None:
    """The earliest request whose host ``pattern`` matches (what a scan of every request in order finds)."""
    hits = [entry for host, entry in first_by_host.items() if host_matches(pattern, host)]
    return min(hits, key=lambda entry: entry[0])[1] if hits else None
