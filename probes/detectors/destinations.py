"""Where the page sends pupils: form actions and outbound links to other sites.

The resource's own registered domains never match: its own search form, language switch or
"English version" link is not a finding.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from ..findings import Evidence
from ..rulebook import LoadedRule
from .base import Candidate, PageSnapshot, host_matches, matchers_of

LINK_SCHEMES = ("http", "https")


class DestinationDetector:
    id = "destinations"
    kinds = ("form_action_host", "link_host", "link_url")

    def detect(self, rules: list[LoadedRule], snapshot: PageSnapshot) -> list[Candidate]:
        found = []
        for rule, matcher in matchers_of(rules, self.kinds):
            for frame in snapshot.frames:
                candidate = self._match(rule, matcher.kind, matcher.value, frame.data, frame.main, snapshot)
                if candidate:
                    found.append(candidate)
                    break
        return found

    def _match(self, rule: LoadedRule, kind: str, pattern: str, data: dict, main: bool,
               snapshot: PageSnapshot) -> Candidate | None:
        items, key, evidence_kind = ((data["forms"], "action", "form") if kind == "form_action_host"
                                     else (data["links"], "href", "link"))
        for item in items:
            if self._hit(kind, pattern, item[key], snapshot):
                return Candidate(rule, Evidence(kind=evidence_kind, value=item[key], snippet=item["snippet"]), main,
                                 item["ref"], item["visible"])
        return None

    @staticmethod
    def _hit(kind: str, pattern: str, url: str, snapshot: PageSnapshot) -> bool:
        parts = urlsplit(url)
        host = parts.hostname or ""
        if host and snapshot.is_own(host):
            return False
        if kind == "link_url":
            return re.search(pattern, url, re.IGNORECASE) is not None
        return parts.scheme in LINK_SCHEMES and bool(host) and host_matches(pattern, host)
