"""Where the page sends pupils: form actions and outbound links to other sites.

The resource's own registered domains never match: its own search form, language switch or
"English version" link is not a finding.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from nettsjekk.probes.findings import Evidence
from nettsjekk.probes.rulebook import LoadedRule
from nettsjekk.probes.detectors.base import Candidate, PageSnapshot, host_matches, indexed_matchers, regex

LINK_SCHEMES = ("http", "https")


class DestinationDetector:
    id = "destinations"
    kinds = ("form_action_host", "link_host", "link_url")

    def detect(self, rules: list[LoadedRule], snapshot: PageSnapshot) -> list[Candidate]:
        found = []
        targets = [(frame.main, self._targets(frame.data, snapshot)) for frame in snapshot.frames]
        for rule, _matcher, kind, pattern in indexed_matchers(tuple(rules), self.kinds):
            for main, frame_targets in targets:
                candidate = self._match(rule, kind, pattern, frame_targets[kind == "form_action_host"], main)
                if candidate:
                    found.append(candidate)
                    break
        return found

    @staticmethod
    def _targets(data: dict, snapshot: PageSnapshot) -> tuple[list[tuple], list[tuple]]:
        """(links, forms) of one frame as ``(item, url, scheme, host)``, in page order, each URL parsed once;
        those on the resource's own domains are left out, since no matcher may match them."""
        out: tuple[list[tuple], list[tuple]] = ([], [])
        for bucket, items, key, evidence_kind in ((0, data["links"], "href", "link"),
                                                  (1, data["forms"], "action", "form")):
            for item in items:
                url = item[key]
                parts = urlsplit(url)
                host = parts.hostname or ""
                if host and snapshot.is_own(host):
                    continue
                out[bucket].append((item, url, parts.scheme, host, key, evidence_kind))
        return out

    @staticmethod
    def _match(rule: LoadedRule, kind: str, pattern: str, targets: list[tuple], main: bool) -> Candidate | None:
        for item, url, scheme, host, key, evidence_kind in targets:
            if kind == "link_url":
                hit = regex(pattern).search(url) is not None
            else:
                hit = scheme in LINK_SCHEMES and bool(host) and host_matches(pattern, host)
            if hit:
                return Candidate(rule, Evidence(kind=evidence_kind, value=url, snippet=item["snippet"]), main,
                                 item["ref"], item["visible"])
        return None
