"""Requests the page made: vendor API hosts, script CDNs, WebSockets (``request_host``, ``request_url``)."""

from __future__ import annotations

import re

from ..findings import Evidence
from ..rulebook import LoadedRule
from .base import Candidate, PageSnapshot, host_matches, matchers_of


class NetworkDetector:
    id = "network"
    kinds = ("request_host", "request_url")

    def detect(self, rules: list[LoadedRule], snapshot: PageSnapshot) -> list[Candidate]:
        found = []
        for rule, matcher in matchers_of(rules, self.kinds):
            for request in snapshot.requests:
                if matcher.kind == "request_host":
                    hit = host_matches(matcher.request_host, request.host)
                else:
                    hit = re.search(matcher.request_url, request.url, re.IGNORECASE) is not None
                if hit:
                    snippet = f"{request.type} {request.status if request.status is not None else request.failure or ''}"
                    found.append(Candidate(rule, Evidence(kind="request", value=request.url, snippet=snippet.strip())))
                    break
        return found
